"""Deleting an account at the citizen's request, after a waiting period in
which they can change their mind. Flask-free.

On erasure the person's data is removed or replaced: names, birth date,
documents, e-mail and phone, login methods, the personal fields of their
enrollment cases; the PINFL becomes a pseudonym. Every session ends and
every portal that saw one is told by back-channel logout; every token and
consent is revoked. The account and person rows stay under their internal
ids, so the audit log (which only ever holds those ids) still verifies.
"""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from enrollment.models import EnrollmentCase
from idp.audit.log import record
from idp.auth.models import Authenticator
from idp.cabinet.corrections import erase_for as erase_correction_requests
from idp.cabinet.models import DeletionRequest
from idp.db import utcnow
from idp.people.models import Account
from oidc.models import Consent

WAITING = dt.timedelta(days=14)
CLOSED = "closed"


def open_request(session: Session, account_id: str) -> DeletionRequest | None:
    return session.scalars(select(DeletionRequest).where(
        DeletionRequest.account_id == account_id, DeletionRequest.cancelled_at.is_(None),
        DeletionRequest.erased_at.is_(None))).first()


def request_deletion(session: Session, account_id: str, *, now: dt.datetime | None = None) -> DeletionRequest:
    """The account's open request, made now if there is none (asking twice keeps the first date)."""
    existing = open_request(session, account_id)
    if existing is not None:
        return existing
    now = now or utcnow()
    row = DeletionRequest(account_id=account_id, requested_at=now, due_at=now + WAITING)
    session.add(row)
    session.flush()
    record(session, "account.deletion.requested", actor=account_id, subject=account_id)
    return row


def cancel(session: Session, account_id: str) -> bool:
    row = open_request(session, account_id)
    if row is None:
        return False
    row.cancelled_at = utcnow()
    record(session, "account.deletion.cancelled", actor=account_id, subject=account_id)
    return True


def _pseudonym() -> str:
    return "X" + uuid.uuid4().hex[:13].upper()  # 14 characters, never a valid PINFL (digits only)


def erase(idp, session: Session, account: Account) -> None:
    idp.revoke_account(account.id)  # sessions end everywhere, tokens revoked, portals told
    session.execute(update(Consent).where(Consent.account_id == account.id, Consent.revoked_at.is_(None))
                    .values(revoked_at=utcnow()))
    session.execute(delete(Authenticator).where(Authenticator.account_id == account.id))
    person = account.person
    session.execute(update(EnrollmentCase).where(or_(EnrollmentCase.account_id == account.id,
                                                     EnrollmentCase.pinfl == person.pinfl))
                    .values(email=None, phone=None, document_number=None, birth_date=None, expiry_date=None,
                            pinfl=None))
    erase_correction_requests(session, account.id)
    person.pinfl = _pseudonym()
    person.family_name = person.given_name = ""
    person.patronymic = person.family_name_cyr = person.given_name_cyr = person.patronymic_cyr = None
    person.birth_date, person.sex = None, None
    person.documents.clear()
    account.email, account.email_verified, account.phone, account.phone_verified = None, False, None, False
    account.status = CLOSED
    record(session, "account.erased", actor="system", subject=account.id)


def erase_due(idp, *, now: dt.datetime | None = None) -> int:
    """Erase every account whose waiting period is over; the caller commits."""
    session = idp.db.session
    now = now or utcnow()
    due = list(session.scalars(select(DeletionRequest).where(
        DeletionRequest.due_at <= now, DeletionRequest.cancelled_at.is_(None), DeletionRequest.erased_at.is_(None))
        .with_for_update(skip_locked=True)))
    for row in due:
        erase(idp, session, session.get(Account, row.account_id))
        row.erased_at = now
    session.flush()
    return len(due)
