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
from idp.db import utcnow

from enrollment import steps
from enrollment.models import ENROLL, IN_PROGRESS, OPEN_STATUSES, RECOVERY, ROUTES, EnrollmentCase
# The status transitions live in lifecycle.py; these names stay importable from here.
from enrollment.services.lifecycle import (  # noqa: F401
    delete_biometrics,
    expire,
    release_claim,
    switch_to_consular,
    withdraw,
)

PURPOSES = (ENROLL, RECOVERY)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_case(session: Session, *, purpose: str, route: str, locale: str,
               lifetime_days: int) -> tuple[EnrollmentCase, str]:
    """A new case and the browser key that holds it."""
    if purpose not in PURPOSES or route not in ROUTES:
        raise ValueError("unknown purpose or route")
    key = secrets.token_urlsafe(32)
    now = utcnow()
    case = EnrollmentCase(purpose=purpose, route=route, locale=locale, browser_key_hash=key_hash(key),
                          created_at=now, updated_at=now, started_at=now,
                          expires_at=now + dt.timedelta(days=lifetime_days))
    session.add(case)
    session.flush()
    record(session, "enrollment.case.started", subject=case.id, purpose=purpose, route=route, locale=locale)
    return case, key


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
