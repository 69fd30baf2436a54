"""Activation of an approved case: the account (new, or the existing one for
a recovery) and its first authenticators; for a raise_level case, the higher
identity level of the account that started it (`raise_level`), and nothing else.

The account is created (or, for a recovery, found by PINFL) when the citizen
starts activating, with no authenticator, so a passkey ceremony has an
account to bind to; nobody can log in to it until `finish` runs after the
first authenticator is bound. For a recovery, `finish` then removes every
other authenticator of the account and ends its login sessions.

New accounts: residency `non_resident`, identity level `substantial`
(remote chip with passive and active authentication, liveness, face match
and register match: ARCHITECTURE.md, "Identity and assurance model").
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.auth import totp
from idp.auth.factors import totp_enroll
from idp.auth.levels import rank
from idp.auth.models import Authenticator
from idp.auth.passwords import Passwords
from idp.auth.policy import policy_errors
from idp.auth.sessions import SessionService
from idp.db import utcnow
from idp.people.models import Account, Person
from idp.people.services import person_from_record
from idp.registry import CitizenRegistry

from enrollment.errors import ActivationError
from enrollment.models import ACTIVATED, APPROVED, ENROLL, RAISE, EnrollmentCase
from enrollment.services import lifecycle
from enrollment.services.cases import release_claim

PROOFING_METHOD = "remote_passport"
IDENTITY_LEVEL = "substantial"
# How each remote route proofs identity, as the account records it (the `proofing_method` claim).
PROOFING_METHODS = {"passport": PROOFING_METHOD, "register_photo": "remote_register_photo"}
DEFAULT_LEVELS = {"passport": IDENTITY_LEVEL, "register_photo": IDENTITY_LEVEL}


def best_remote_level(levels: dict[str, str] | None = None) -> str:
    """The highest identity level a remote route gives (IDP_ENROLLMENT_LEVELS)."""
    return max((levels or DEFAULT_LEVELS).values(), key=rank)


def proofing_of(case: EnrollmentCase, levels: dict[str, str] | None = None) -> tuple[str, str]:
    """(identity level, proofing method) an activated case gives, by its
    route (IDP_ENROLLMENT_LEVELS)."""
    route = case.route if case.route in PROOFING_METHODS else "passport"
    return (levels or DEFAULT_LEVELS).get(route, IDENTITY_LEVEL), PROOFING_METHODS[route]


@dataclass(frozen=True)
class ActivationResult:
    success: bool
    errors: tuple[str, ...] = ()
    account_id: str | None = None


def case_for_token(session: Session, token: str | None, *, ttl_days: int) -> EnrollmentCase | None:
    if not token or len(token) > 100:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    case = session.scalars(select(EnrollmentCase).where(EnrollmentCase.activation_token_hash == digest)).first()
    if case is None or case.status != APPROVED or not activation_open(case, ttl_days):
        return None
    return case


def activation_open(case: EnrollmentCase, ttl_days: int) -> bool:
    return (case.status == APPROVED and case.decided_at is not None
            and utcnow() < case.decided_at + dt.timedelta(days=ttl_days))


def _account_by_pinfl(session: Session, pinfl: str) -> Account | None:
    return session.scalars(select(Account).join(Person).where(Person.pinfl == pinfl)).first()


def _email_owner(session: Session, email: str) -> Account | None:
    return session.scalars(select(Account).where(func.lower(Account.email) == email.lower())).first()


def ensure_account(session: Session, case: EnrollmentCase, registry: CitizenRegistry, *,
                   levels: dict[str, str] | None = None) -> Account:
    """The account this activation binds authenticators to (created for an
    enrollment on first call). Raises ActivationError, RegistryUnavailable."""
    if case.status != APPROVED or case.purpose == RAISE:  # a raise binds no authenticator (raise_level)
        raise ActivationError(code="case_not_approved")
    if case.account_id:
        account = session.get(Account, case.account_id)
        if account is not None:
            return account
    if case.purpose != ENROLL:
        account = _account_by_pinfl(session, case.pinfl)
        if account is None or account.status != "active":
            raise ActivationError(code="no_account_to_recover")
        case.account_id = account.id
        return account
    if _account_by_pinfl(session, case.pinfl) is not None:
        raise ActivationError(code="already_enrolled")
    owner = _email_owner(session, case.email)
    if owner is not None:
        raise ActivationError(code="email_has_account")
    rec = registry.find_by_pinfl(case.pinfl)
    if rec is None:
        raise ActivationError(code="register_no_match")
    person = session.scalars(select(Person).where(Person.pinfl == case.pinfl)).first()
    if person is None:
        person = person_from_record(rec, residency="non_resident")
    person.residency = "non_resident"
    level, method = proofing_of(case, levels)
    account = Account(person=person, email=case.email, email_verified=True, phone=case.phone, phone_verified=False,
                      identity_level=level, proofing_method=method, locale=case.locale)
    session.add_all([person, account])
    session.flush()
    case.account_id = account.id
    record(session, "enrollment.account.created", actor=account.id, subject=account.id, case=case.id)
    return account


def raise_level(session: Session, case: EnrollmentCase, account: Account, *,
                levels: dict[str, str] | None = None) -> bool:
    """Apply an approved raise_level case to the account that started it (the
    level its route gives, never lower than the account's own); True when the
    level rose. Raises lifecycle.RaiseRefused."""
    level, method = proofing_of(case, levels)
    return lifecycle.complete_raise(session, case, account, level=level, method=method)


def password_problems(case: EnrollmentCase, account: Account, password: str) -> list[str]:
    person = account.person
    return policy_errors(password, context=(person.pinfl, case.document_number, person.given_name,
                                            person.family_name))


def with_password_and_totp(session: Session, case: EnrollmentCase, account: Account, *, passwords: Passwords,
                           fernet, password: str, password_again: str, totp_secret: str,
                           totp_code: str, sessions: SessionService,
                           levels: dict[str, str] | None = None) -> ActivationResult:
    """Bind a password and an authenticator app (together: level substantial)."""
    errors = password_problems(case, account, password)
    if not errors and password != password_again:
        errors = ["passwords_differ"]
    if totp.matching_step(totp_secret, totp_code, last_step=None) is None:
        errors.append("code_wrong")
    if errors:
        return ActivationResult(False, tuple(errors))
    stored = Authenticator(account_id=account.id, kind="password", secret=passwords.hash(password))
    session.add(stored)
    enrolled = totp_enroll(session, fernet, account.id, totp_secret, totp_code)
    if not enrolled.success:  # the code's time step passed between the two checks
        session.expunge(stored)
        return ActivationResult(False, ("code_wrong",))
    session.flush()
    app_ids = session.scalars(select(Authenticator.id).where(Authenticator.account_id == account.id,
                                                             Authenticator.kind == "totp")).all()
    finish(session, case, account, sessions, method="password_totp", keep=(stored.id, *app_ids), levels=levels)
    return ActivationResult(True, account_id=account.id)


def finish(session: Session, case: EnrollmentCase, account: Account, sessions: SessionService, *, method: str,
           keep: tuple[str, ...] = (), levels: dict[str, str] | None = None) -> None:
    """Close the case once its first authenticator is bound. For a recovery,
    every other authenticator is removed and every login session ended."""
    recovery = case.purpose != ENROLL
    removed = _remove_other_authenticators(session, case, account, keep=keep)
    ended = sessions.end_all(session, account.id) if recovery else 0
    if recovery:
        owner = _email_owner(session, case.email)
        if owner is None or owner.id == account.id:
            account.email, account.email_verified = case.email, True
        account.identity_level, account.proofing_method = proofing_of(case, levels)
        record(session, "account.recovered", actor=account.id, subject=account.id, case=case.id,
               authenticators_removed=removed, sessions_ended=ended)
    case.status = ACTIVATED
    case.activated_at = utcnow()
    case.activation_token_hash = None
    case.updated_at = utcnow()
    release_claim(session, case)
    record(session, "enrollment.activated", actor=account.id, subject=case.id, account=account.id, method=method,
           purpose=case.purpose)


def _remove_other_authenticators(session: Session, case: EnrollmentCase, account: Account, *,
                                 keep: tuple[str, ...]) -> int:
    """Every authenticator but the ones just bound (a recovery replaces them
    all; a new account has no others). Returns how many were removed."""
    query = delete(Authenticator).where(Authenticator.account_id == account.id)
    if keep:
        query = query.where(Authenticator.id.not_in(keep))
    return session.execute(query).rowcount
