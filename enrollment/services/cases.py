"""Creating, finding, resuming and closing enrollment cases.

A browser holds its case through a random key (in the `idp_enroll` cookie,
enrollment/flow.py); the case keeps only the key's SHA-256. Resuming on
another device, after the cookie is gone, goes through the verified e-mail
address (a code) and gives that browser a new key, which retires the old one.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.auth.levels import rank
from idp.auth.models import LoginSession
from idp.auth.reauth import DEFAULT_MAX_AGE, recent_enough
from idp.db import utcnow
from idp.people.models import Account

from enrollment import steps
from enrollment.models import ENROLL, IN_PROGRESS, OPEN_STATUSES, RAISE, RECOVERY, ROUTES, EnrollmentCase
# The status transitions live in lifecycle.py; these names stay importable from here.
from enrollment.services.lifecycle import (  # noqa: F401
    RaiseRefused,
    delete_biometrics,
    expire,
    release_claim,
    switch_to_consular,
    withdraw,
)

PURPOSES = (ENROLL, RECOVERY, RAISE)
REMOTE_ROUTES = ("passport", "register_photo")
RAISE_MAX_AGE = DEFAULT_MAX_AGE  # seconds: a raise starts only from a login this recent


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_case(session: Session, *, purpose: str, route: str, locale: str,
               lifetime_days: int, account_id: str | None = None) -> tuple[EnrollmentCase, str]:
    """A new case and the browser key that holds it. A raise_level case is
    bound to its account from the start (`start_raise`); no other is."""
    if purpose not in PURPOSES or route not in ROUTES:
        raise ValueError("unknown purpose or route")
    if (purpose == RAISE) != (account_id is not None):
        raise ValueError("a raise_level case, and only one, is bound to an account when it starts")
    key = secrets.token_urlsafe(32)
    now = utcnow()
    case = EnrollmentCase(purpose=purpose, route=route, locale=locale, browser_key_hash=key_hash(key),
                          created_at=now, updated_at=now, started_at=now, account_id=account_id,
                          expires_at=now + dt.timedelta(days=lifetime_days))
    session.add(case)
    session.flush()
    record(session, "enrollment.case.started", subject=case.id, purpose=purpose, route=route, locale=locale)
    return case, key


def start_raise(session: Session, login: LoginSession | None, *, route: str, locale: str, lifetime_days: int,
                best_level: str, now: dt.datetime | None = None) -> tuple[EnrollmentCase, str]:
    """A case that raises the identity level of the account of `login`, which
    must be at most RAISE_MAX_AGE seconds old (a stolen, idle session does
    not start one). Remote routes only (a consulate is visited, not started
    here); refused when the account's level is already `best_level` (the
    most a remote route gives) or more. The account's verified e-mail address
    counts as the case's contact step."""
    if route not in REMOTE_ROUTES:
        raise ValueError("unknown route")
    if login is None or not recent_enough(login, "low", RAISE_MAX_AGE, now=now):
        raise RaiseRefused(code="raise_login_not_recent")
    account = login.account
    if account.status != "active":
        raise RaiseRefused(code="no_account_to_recover")
    if rank(account.identity_level) >= rank(best_level):
        raise RaiseRefused(code="raise_level_reached")
    # One start at a time per account (two tabs at once): the second sees the first's case.
    session.execute(select(Account.id).where(Account.id == account.id).with_for_update())
    earlier = open_raise_case(session, account.id)
    if earlier is not None and earlier.status != IN_PROGRESS:
        raise RaiseRefused(code="enrollment_in_progress")  # submitted: waiting for an officer, or approved
    if earlier is not None:
        withdraw(session, earlier)  # an unfinished one (perhaps in another browser) gives way
    case, key = start_case(session, purpose=RAISE, route=route, locale=locale, lifetime_days=lifetime_days,
                           account_id=account.id)
    if account.email and account.email_verified:
        case.email, case.email_verified_at = account.email, utcnow()
        case.phone = account.phone if account.phone_verified else None
    record(session, "enrollment.raise.started", actor=account.id, subject=case.id, account=account.id,
           level=account.identity_level)
    return case, key


def open_raise_case(session: Session, account_id: str) -> EnrollmentCase | None:
    """The account's newest open raise_level case."""
    return session.scalars(select(EnrollmentCase).where(
        EnrollmentCase.purpose == RAISE, EnrollmentCase.account_id == account_id,
        EnrollmentCase.status.in_(OPEN_STATUSES)).order_by(EnrollmentCase.updated_at.desc())).first()


def case_for_browser(session: Session, case_id: str | None, key: str | None) -> EnrollmentCase | None:
    if not case_id or not key or len(case_id) > 36 or len(key) > 100:
        return None
    case = session.get(EnrollmentCase, case_id)
    if case is None or not hmac.compare_digest(case.browser_key_hash, key_hash(key)):
        return None
    if case.status == IN_PROGRESS and case.expires_at <= utcnow():
        expire(session, case)
    return case


def touch(case: EnrollmentCase, lifetime_days: int) -> None:
    """Activity keeps an unfinished case open (a sliding expiry)."""
    now = utcnow()
    case.updated_at = now
    if case.status == IN_PROGRESS:
        case.expires_at = now + dt.timedelta(days=lifetime_days)


def rebind_browser(session: Session, case: EnrollmentCase, how: str) -> str:
    key = secrets.token_urlsafe(32)
    case.browser_key_hash = key_hash(key)
    case.updated_at = utcnow()
    record(session, "enrollment.case.resumed", subject=case.id, how=how)
    return key


def clear_after(session: Session, case: EnrollmentCase, step: str) -> None:
    """Clear every step after `step` (a new submit of `step` invalidates them)."""
    had_pinfl = case.pinfl is not None
    for name in steps.fields_to_clear(step, case.route):
        setattr(case, name, None)
    if had_pinfl and case.pinfl is None:
        release_claim(session, case)


def open_case_for_email(session: Session, email: str) -> EnrollmentCase | None:
    """The newest open case whose e-mail address was verified (for resuming)."""
    return session.scalars(select(EnrollmentCase).where(
        EnrollmentCase.email == email, EnrollmentCase.email_verified_at.is_not(None),
        EnrollmentCase.status.in_(OPEN_STATUSES)).order_by(EnrollmentCase.updated_at.desc())).first()
