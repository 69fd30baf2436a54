"""Everything the service holds about a citizen, as one JSON-ready dict:
the person as the register holds it, the account, login methods (never a
secret), consents, sessions, the audit records about them with inclusion
proofs into the signed tree, and enrollment cases without biometric data.
Flask-free; the page and the download both render this."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from enrollment.models import EnrollmentCase
from idp.audit.log import inclusion_proofs
from idp.audit.models import AuditEvent
from idp.auth.models import Authenticator, LoginSession
from idp.cabinet.activity import describe
from idp.cabinet.corrections import export_rows as correction_requests
from idp.cabinet import places
from idp.cabinet.devices import device_of
from idp.people.models import Account
from oidc.models import Client, Consent

FORMAT = "idp-export/1"
RECORDS = 1000  # the newest audit records exported, each with its proof


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _person(account: Account) -> dict:
    p = account.person
    return {"pinfl": p.pinfl, "family_name": p.family_name, "given_name": p.given_name,
            "patronymic": p.patronymic, "family_name_cyr": p.family_name_cyr, "given_name_cyr": p.given_name_cyr,
            "patronymic_cyr": p.patronymic_cyr, "birth_date": _iso(p.birth_date), "sex": p.sex,
            "citizenship": p.citizenship, "residency": p.residency,
            "documents": [{"kind": d.kind, "number": d.number, "issuing_state": d.issuing_state,
                           "expiry_date": _iso(d.expiry_date)} for d in p.documents]}


def _account(account: Account) -> dict:
    return {"status": account.status, "locale": account.locale, "email": account.email,
            "email_verified": account.email_verified, "phone": account.phone,
            "phone_verified": account.phone_verified, "identity_level": account.identity_level,
            "proofing_method": account.proofing_method, "created_at": _iso(account.created_at),
            "alerts": {"new_portal": account.alert_new_portal}}


def _authenticators(session: Session, account_id: str) -> list[dict]:
    rows = session.scalars(select(Authenticator).where(Authenticator.account_id == account_id)
                           .order_by(Authenticator.created_at))
    return [{"kind": a.kind, "label": a.label, "created_at": _iso(a.created_at),
             "last_used_at": _iso(a.last_used_at), "disabled": a.disabled} for a in rows]


def _consents(session: Session, account_id: str) -> list[dict]:
    rows = session.execute(select(Consent, Client.name).join(Client, Client.client_id == Consent.client_id)
                           .where(Consent.account_id == account_id).order_by(Consent.granted_at)).all()
    return [{"portal": name, "client_id": c.client_id, "scopes": list(c.scopes or []), "claims": list(c.claims or []),
             "granted_at": _iso(c.granted_at), "revoked_at": _iso(c.revoked_at)} for c, name in rows]


def _sessions(session: Session, account_id: str, state=None) -> list[dict]:
    rows = list(session.scalars(select(LoginSession).where(LoginSession.account_id == account_id)
                                .order_by(LoginSession.created_at)))
    found = places.of_sessions(state, [s.id for s in rows]) if state is not None else {}
    result = []
    for s in rows:
        device = device_of(s.user_agent)
        place = found.get(s.id)
        result.append({"browser": device.browser, "system": device.system, "user_agent": s.user_agent,
                       "place": place.as_dict() if place else None,
                       "created_at": _iso(s.created_at), "last_seen_at": _iso(s.last_seen_at),
                       "ended_at": _iso(s.ended_at), "auth_level": s.auth_level, "amr": list(s.amr or [])})
    return result


def _cases(session: Session, account: Account) -> list[EnrollmentCase]:
    return list(session.scalars(select(EnrollmentCase).where(or_(
        EnrollmentCase.account_id == account.id, EnrollmentCase.pinfl == account.person.pinfl))
        .order_by(EnrollmentCase.created_at)))


def _case(case: EnrollmentCase) -> dict:
    """The case's own fields; chip reads and selfies (biometric data) are left out."""
    return {"purpose": case.purpose, "route": case.route, "status": case.status, "email": case.email,
            "phone": case.phone, "residence_country": case.residence_country,
            "document_number": case.document_number, "birth_date": _iso(case.birth_date),
            "expiry_date": _iso(case.expiry_date), "created_at": _iso(case.created_at),
            "submitted_at": _iso(case.submitted_at), "decision": case.decision,
            "decision_reasons": list(case.decision_reasons or []), "decided_at": _iso(case.decided_at),
            "activated_at": _iso(case.activated_at), "biometrics_purged_at": _iso(case.biometrics_purged_at)}


def _records(session: Session, subjects: list[str]) -> list[dict]:
    rows = list(session.scalars(select(AuditEvent).where(AuditEvent.subject.in_(subjects))
                                .order_by(AuditEvent.seq.desc()).limit(RECORDS)))
    proofs = inclusion_proofs(session, [r.seq for r in rows])
    result = []
    for row in rows:
        line = describe(row.event, row.actor, row.data)
        body = json.loads(json.dumps({"seq": row.seq, "at": row.at.isoformat(), "event": row.event,
                                      "actor": row.actor, "subject": row.subject, "data": row.data,
                                      "chain": row.hash}))
        result.append({"kind": line.kind, "message": line.key, "record": body, "proof": proofs.get(row.seq)})
    return result


def export(session: Session, account: Account, *, state=None) -> dict:
    """Everything held about the account; `state` (the short-lived store) adds the places of its live sessions."""
    cases = _cases(session, account)
    return {"format": FORMAT, "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(),
            "person": _person(account), "account": _account(account),
            "authenticators": _authenticators(session, account.id),
            "consents": _consents(session, account.id), "sessions": _sessions(session, account.id, state),
            "enrollment_cases": [_case(c) for c in cases],
            "correction_requests": correction_requests(session, account.id),
            "activity": _records(session, [account.id, *[c.id for c in cases]])}

