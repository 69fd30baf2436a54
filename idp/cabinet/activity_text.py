"""The sentences of the activity page, in the reader's language: one per
message key of idp.cabinet.activity, with a portal's and a consulate's name
and claim labels filled in (never a client id or an event name)."""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l

from idp.cabinet.activity import CHANGES, DATA, LOGINS, OFFICIALS, Line
from idp.messages import CLAIM_LABELS

KIND_LABELS = {
    LOGINS: _l("Logins"),
    DATA: _l("Data shared"),
    CHANGES: _l("Changes"),
    OFFICIALS: _l("Officials"),
}

SENTENCES = {
    "login_password": _l("You logged in with your password"),
    "login_totp": _l("You confirmed a login with your authenticator app"),
    "login_email_code": _l("You logged in with a code sent by e-mail"),
    "login_sms_code": _l("You logged in with a code sent by SMS"),
    "login_passkey": _l("You logged in with a passkey"),
    "login_esign": _l("You logged in with your e-signature key"),
    "login_recovery_code": _l("You logged in with a recovery code"),
    "login_failed": _l("A login attempt failed"),
    "login_throttled": _l("Logins were paused after too many failed attempts"),
    "login_refused": _l("A login was refused because the account is not active"),
    "portal_login": _l("You logged in to %(portal)s"),
    "portal_received": _l("%(portal)s received your data: %(claims)s"),
    "consent_granted": _l("You allowed %(portal)s to receive: %(claims)s"),
    "consent_revoked": _l("You withdrew the permission of %(portal)s"),
    "consent_denied": _l("You refused to share your data with %(portal)s"),
    "token_reuse": _l("A portal's old access was used again and was blocked"),
    "logout": _l("You logged out"),
    "logout_at_portal": _l("You logged out at %(portal)s"),
    "session_ended_by_user": _l("You signed out a device"),
    "sessions_ended_all": _l("You signed out on every device"),
    "exported": _l("You downloaded or viewed a copy of all your data"),
    "deletion_requested": _l("You asked for your account to be deleted"),
    "deletion_cancelled": _l("You kept your account: the deletion was cancelled"),
    "correction_submitted": _l("You asked for a correction of your register data"),
    "correction_withdrawn": _l("You withdrew a request to correct your register data"),
    "correction_in_review": _l("An operator started checking your correction request"),
    "correction_done": _l("Your register data was corrected at your request"),
    "correction_refused": _l("Your request to correct your register data was refused"),
    "person_refreshed": _l("Your data was read again from the population register"),
    "password_changed": _l("Your password was changed"),
    "totp_added": _l("An authenticator app was set up"),
    "totp_removed": _l("The authenticator app was turned off"),
    "recovery_generated": _l("New recovery codes were made"),
    "passkey_added": _l("A passkey was added"),
    "passkey_removed": _l("A passkey was removed"),
    "passkey_renamed": _l("A passkey was renamed"),
    "passkey_failed": _l("Adding a passkey failed"),
    "passkey_clone": _l("A passkey looked copied and was put under review"),
    "email_changed": _l("Your e-mail address was changed"),
    "phone_changed": _l("Your phone number was confirmed"),
    "contact_code_failed": _l("A wrong code was entered to change your contact details"),
    "account_created": _l("Your account was created"),
    "account_recovered": _l("Your account was recovered and its old login methods removed"),
    "account_activated": _l("You activated your account"),
    "account_activated_code": _l("You activated your account with the printed code"),
    "identity_level_raised": _l("Your identity was verified again and your identity level was raised"),
    "alert_preference": _l("You changed your alert settings"),
    "officer_opened_case": _l("A consular officer at %(consulate)s opened your enrollment case"),
    "officer_case_routed": _l("Your enrollment case was sent to %(consulate)s"),
    "officer_case_moved": _l("Your enrollment case was moved to %(consulate)s"),
    "officer_first_approval": _l("A consular officer at %(consulate)s approved your enrollment; a supervisor must confirm"),
    "officer_decided": _l("A decision was taken on your enrollment at %(consulate)s"),
    "officer_opened_visit": _l("A consular officer at %(consulate)s opened the record of your visit"),
    "officer_recorded_passport": _l("A consular officer at %(consulate)s recorded your passport"),
    "officer_read_chip": _l("Your passport's chip was read at %(consulate)s"),
    "officer_took_photo": _l("Your photo was taken at %(consulate)s"),
    "officer_visit_purpose": _l("A consular officer at %(consulate)s recorded what your visit is for"),
    "officer_visit_approved": _l("Your visit at %(consulate)s was approved"),
    "officer_visit_refused": _l("Your enrollment at %(consulate)s was refused"),
    "officer_code_issued": _l("An activation code was issued to you at %(consulate)s"),
    "enrollment_other": _l("Your enrollment was updated"),
    "other": _l("A change was recorded on your account"),
}


def claims_phrase(names: list[str]) -> str:
    labels = [str(CLAIM_LABELS[n]) for n in names if n in CLAIM_LABELS]
    return ", ".join(dict.fromkeys(labels)) or "—"


def sentence(line: Line, portals: dict[str, str], consulates: dict[str, str]) -> str:
    """`portals` and `consulates` map ids to display names."""
    params = line.params
    values = {
        "portal": portals.get(params.get("client") or "", gettext("a service")),
        "consulate": consulates.get(params.get("consulate") or "", gettext("a consulate")),
        "claims": claims_phrase(params.get("claims") or []),
    }
    return str(SENTENCES[line.key]) % values


AUTHENTICATOR_LABELS = {
    "password": _l("Password"),
    "totp": _l("Authenticator app"),
    "passkey": _l("Passkey"),
    "esign": _l("E-signature key"),
    "recovery": _l("Recovery codes"),
    "email": _l("Codes by e-mail"),
    "sms": _l("Codes by SMS"),
}
