"""The citizen's activity: each audit record about their account, as what
happened in words.

Pure and Flask-free: `describe` turns one record into a `Line` (a kind to
filter by, a message key and its parameters); the page resolves the
parameters (a portal's name from its client id, a consulate's name, claim
labels) and the key to a sentence in the reader's language. Nothing here
reaches the page as it is written in the log: no event names, no client ids.
"""
from __future__ import annotations

from dataclasses import dataclass, field

LOGINS, DATA, CHANGES, OFFICIALS = "logins", "data", "changes", "officials"
KINDS = (LOGINS, DATA, CHANGES, OFFICIALS)

# How a successful login event names the method, by the key of its sentence.
_LOGIN_METHODS = {
    "password": "login_password",
    "totp": "login_totp",
    "email_code": "login_email_code",
    "sms_code": "login_sms_code",
    "passkey": "login_passkey",
    "esign": "login_esign",
    "recovery_code": "login_recovery_code",
}

# Events whose sentence needs no parameter: event name -> (kind, key).
_FIXED = {
    "login.refused": (LOGINS, "login_refused"),
    "login.password.throttled": (LOGINS, "login_throttled"),
    "session.ended_by_user": (LOGINS, "session_ended_by_user"),
    "session.ended_all_by_user": (LOGINS, "sessions_ended_all"),
    "cabinet.exported": (DATA, "exported"),
    "account.deletion.requested": (CHANGES, "deletion_requested"),
    "account.deletion.cancelled": (CHANGES, "deletion_cancelled"),
    "correction.submitted": (CHANGES, "correction_submitted"),
    "correction.withdrawn": (CHANGES, "correction_withdrawn"),
    "correction.in_review": (CHANGES, "correction_in_review"),
    "correction.done": (CHANGES, "correction_done"),
    "correction.refused": (CHANGES, "correction_refused"),
    "person.refreshed_from_register": (CHANGES, "person_refreshed"),
    "authenticator.password.changed": (CHANGES, "password_changed"),
    "authenticator.totp.added": (CHANGES, "totp_added"),
    "authenticator.totp.removed": (CHANGES, "totp_removed"),
    "authenticator.recovery.generated": (CHANGES, "recovery_generated"),
    "passkey.registered": (CHANGES, "passkey_added"),
    "passkey.removed": (CHANGES, "passkey_removed"),
    "passkey.renamed": (CHANGES, "passkey_renamed"),
    "passkey.registration.failed": (CHANGES, "passkey_failed"),
    "passkey.clone_suspected": (CHANGES, "passkey_clone"),
    "account.email.verified": (CHANGES, "email_changed"),
    "account.phone.verified": (CHANGES, "phone_changed"),
    "account.email.code_failed": (CHANGES, "contact_code_failed"),
    "account.phone.code_failed": (CHANGES, "contact_code_failed"),
    "account.created": (CHANGES, "account_created"),
    "registration.resident": (CHANGES, "account_created"),
    "account.recovered": (CHANGES, "account_recovered"),
    "enrollment.activated": (CHANGES, "account_activated"),
    "consular.activated": (CHANGES, "account_activated_code"),
    "account.identity_level_raised": (CHANGES, "identity_level_raised"),
    "account.alert_preference": (CHANGES, "alert_preference"),
    "oidc.refresh_reuse": (DATA, "token_reuse"),
    "oidc.code_reuse": (DATA, "token_reuse"),
}

# Officials' events: event name -> key; the consulate is a parameter.
_OFFICIALS = {
    "consular.case.viewed": "officer_opened_case",
    "consular.case.routed": "officer_case_routed",
    "consular.case.moved": "officer_case_moved",
    "consular.case.first_approval": "officer_first_approval",
    "consular.case.decided": "officer_decided",
    "consular.visit.viewed": "officer_opened_visit",
    "consular.visit.document": "officer_recorded_passport",
    "consular.visit.chip": "officer_read_chip",
    "consular.visit.photo": "officer_took_photo",
    "consular.visit.first_approval": "officer_first_approval",
    "consular.visit.purpose": "officer_visit_purpose",
    "consular.visit.approved": "officer_visit_approved",
    "consular.visit.refused": "officer_visit_refused",
    "consular.activation_code.issued": "officer_code_issued",
}


@dataclass(frozen=True)
class Line:
    kind: str
    key: str
    params: dict = field(default_factory=dict)


def describe(event: str, actor: str | None, data: dict | None) -> Line:
    """What one audit record about the account means to its owner."""
    data = data or {}
    parts = event.split(".")
    if parts[0] == "login" and len(parts) == 3 and parts[1] in _LOGIN_METHODS:
        method, outcome = parts[1], parts[2]
        if outcome in ("succeeded", "used"):
            return Line(LOGINS, _LOGIN_METHODS[method])
        if outcome == "throttled":
            return Line(LOGINS, "login_throttled")
        return Line(LOGINS, "login_failed")
    if event in _FIXED:
        kind, key = _FIXED[event]
        return Line(kind, key)
    if event in _OFFICIALS:
        return Line(OFFICIALS, _OFFICIALS[event], {"consulate": data.get("consulate")})
    client = data.get("client") or actor
    if event == "oidc.userinfo":
        return Line(DATA, "portal_received", {"client": client, "claims": list(data.get("claims") or [])})
    if event == "oidc.authorized":
        return Line(LOGINS, "portal_login", {"client": client})
    if event == "oidc.consent.granted":
        return Line(DATA, "consent_granted", {"client": client, "claims": list(data.get("claims") or [])})
    if event == "oidc.consent.revoked":
        return Line(DATA, "consent_revoked", {"client": client})
    if event == "oidc.consent.denied":
        return Line(DATA, "consent_denied", {"client": data.get("client")})
    if event == "session.logout":
        client = data.get("client")
        return Line(LOGINS, "logout_at_portal" if client else "logout", {"client": client} if client else {})
    if parts[0] in ("consular", "enrollment"):
        return Line(OFFICIALS if parts[0] == "consular" else CHANGES, "enrollment_other")
    return Line(CHANGES, "other")


def client_ids(lines: list[Line]) -> set[str]:
    return {line.params["client"] for line in lines if line.params.get("client")}


def consulate_ids(lines: list[Line]) -> set[str]:
    return {line.params["consulate"] for line in lines if line.params.get("consulate")}
