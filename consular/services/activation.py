"""One-time activation codes, printed at the desk, and the citizen's activation.

A code is 16 characters from a 31-letter alphabet without look-alikes (about
79 bits), shown once (printed with a QR code) and stored only as its SHA-256.
It is valid for 72 hours and works once: the activation takes it with one
conditional UPDATE (`used_at IS NULL AND revoked_at IS NULL AND expires_at >
now`) in the same transaction that binds the passkey, so two devices racing
with the same code cannot both succeed, and a failed passkey ceremony leaves
the code unused. Issuing a new code for a visit revokes the earlier one.

The account: residency `non_resident`, identity level `high` (in person at a
consulate: ARCHITECTURE.md, "Identity and assurance model"), proofing method
`in_person`. A person who already has an account gets it back: the new
passkey replaces every other authenticator and every login session ends, as
in an account recovery. A visit to raise the level of an account its owner
still uses (purpose `raise`, consular/services/visits.py) has no code at all.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.auth.models import Authenticator
from idp.auth.sessions import SessionService
from idp.db import utcnow
from idp.people.models import Account, Person
from idp.people.services import person_from_record
from idp.registry import CitizenRegistry

from consular.config import ACTIVATION_CODE_HOURS
from consular.errors import ActivationRefused, Conflict
from consular.models import APPROVED, ActivationCode, Visit
from consular.services.visits import RAISE, person_account

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 16
IDENTITY_LEVEL = "high"
PROOFING_METHOD = "in_person"


def normalise(code: str | None) -> str:
    text = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return text if len(text) == LENGTH and all(ch in ALPHABET for ch in text) else ""


def formatted(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, LENGTH, 4))


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def issue(session: Session, visit: Visit, *, by: str, now: dt.datetime | None = None) -> tuple[ActivationCode, str]:
    """A new code for an approved visit (any earlier one is revoked); the row
    and the code, formatted for print."""
    if visit.status != APPROVED:
        raise Conflict(code="visit_not_approved")
    if visit.purpose == RAISE:
        raise Conflict(code="raise_has_no_code")  # the approval raised the level; no login method is replaced
    if visit.account_id and visit.account_id == by:
        raise Conflict(code="own_case")
    now = now or utcnow()
    revoked = session.execute(update(ActivationCode).where(
        ActivationCode.visit_id == visit.id, ActivationCode.used_at.is_(None), ActivationCode.revoked_at.is_(None))
        .values(revoked_at=now).execution_options(synchronize_session=False)).rowcount
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    row = ActivationCode(visit_id=visit.id, code_hash=_hash(code), created_by=by, created_at=now,
                         expires_at=now + dt.timedelta(hours=ACTIVATION_CODE_HOURS))
    session.add(row)
    session.flush()
    record(session, "consular.activation_code.issued", actor=by, subject=visit.account_id or visit.id,
           visit=visit.id, code=row.id, expires_at=row.expires_at.isoformat(), revoked_earlier=revoked)
    return row, formatted(code)


def find(session: Session, code: str | None) -> ActivationCode | None:
    text = normalise(code)
    if not text:
        return None
    return session.scalars(select(ActivationCode).where(ActivationCode.code_hash == _hash(text))).first()


def check(session: Session, code: str | None, *, now: dt.datetime | None = None) -> ActivationCode:
    """The live code row; ActivationRefused with the precise reason (for the
    audit log; the citizen is told only that the code is not valid)."""
    return live(find(session, code), now=now)


def check_id(session: Session, code_id: str | None, *, now: dt.datetime | None = None) -> ActivationCode:
    """The same, for the code a browser entered a moment ago (its row id is
    in the browser's signed session; the code itself is not kept there)."""
    row = session.get(ActivationCode, code_id) if isinstance(code_id, str) and len(code_id) <= 36 else None
    return live(row, now=now)


def live(row: ActivationCode | None, *, now: dt.datetime | None = None) -> ActivationCode:
    now = now or utcnow()
    if row is None:
        raise ActivationRefused(code="code_unknown")
    if row.used_at is not None:
        raise ActivationRefused(code="code_used")
    if row.revoked_at is not None:
        raise ActivationRefused(code="code_revoked")
    if row.expires_at <= now:
        raise ActivationRefused(code="code_expired")
    if row.visit.status != APPROVED or row.visit.purpose == RAISE:
        raise ActivationRefused(code="visit_not_approved")
    return row


def ensure_account(session: Session, row: ActivationCode, registry: CitizenRegistry) -> Account:
    """The account the passkey will belong to: the person's existing account,
    or a new one with no authenticator yet (nobody can log in to it before
    `redeem_and_finish`). Raises RegistryUnavailable, Conflict."""
    visit = row.visit
    account = person_account(session, visit.pinfl)
    if account is not None:
        if not account.active:
            raise Conflict(code="account_disabled")
        visit.account_id = account.id
        return account
    rec = registry.find_by_pinfl(visit.pinfl)
    if rec is None:
        raise Conflict(code="register_no_match")
    person = session.scalars(select(Person).where(Person.pinfl == visit.pinfl)).first()
    if person is None:
        person = person_from_record(rec, residency="non_resident")
    person.residency = "non_resident"
    email = visit.email if visit.email and not _email_taken(session, visit.email) else None
    account = Account(person=person, email=email, email_verified=email is not None, locale=visit.locale,
                      identity_level=IDENTITY_LEVEL, proofing_method=PROOFING_METHOD)
    session.add_all([person, account])
    session.flush()
    visit.account_id = account.id
    record(session, "consular.account.created", actor=account.id, subject=account.id, visit=visit.id)
    return account


def _email_taken(session: Session, email: str) -> bool:
    return session.scalars(select(Account.id).where(func.lower(Account.email) == email.lower())).first() is not None


def redeem(session: Session, row: ActivationCode, *, now: dt.datetime | None = None) -> None:
    """Use the code, once (in the caller's transaction)."""
    now = now or utcnow()
    done = session.execute(update(ActivationCode).where(
        ActivationCode.id == row.id, ActivationCode.used_at.is_(None), ActivationCode.revoked_at.is_(None),
        ActivationCode.expires_at > now).values(used_at=now).execution_options(synchronize_session=False)).rowcount
    if done != 1:
        raise ActivationRefused(code="code_used")


def finish(session: Session, row: ActivationCode, account: Account, sessions: SessionService, *,
           keep: tuple[str, ...]) -> dict:
    """Close the activation once the passkey is bound: the account reaches
    level high as a non-resident; other authenticators and sessions go."""
    removed = session.execute(delete(Authenticator).where(Authenticator.account_id == account.id,
                                                          Authenticator.id.not_in(keep))).rowcount
    ended = sessions.end_all(session, account.id)
    account.identity_level, account.proofing_method = IDENTITY_LEVEL, PROOFING_METHOD
    account.person.residency = "non_resident"
    visit = row.visit
    if visit.email and not account.email and not _email_taken(session, visit.email):
        account.email, account.email_verified = visit.email, True
    visit.account_id = account.id
    record(session, "consular.activated", actor=account.id, subject=account.id, visit=visit.id, code=row.id,
           authenticators_removed=removed, sessions_ended=ended)
    return {"authenticators_removed": removed, "sessions_ended": ended}
