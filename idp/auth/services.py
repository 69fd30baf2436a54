"""Login by password; other methods plug in by yielding an `AuthEvent`."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.auth.levels import AuthEvent
from idp.auth.models import Authenticator
from idp.auth.passwords import Passwords
from idp.auth.throttle import Throttler
from idp.db import utcnow
from idp.people.models import Account, Person

PINFL_RE = re.compile(r"^\d{14}$")
PASSWORD_EVENT = AuthEvent(method="password", amr=("pwd",), level="low")


@dataclass(frozen=True)
class LoginResult:
    """Safe to log: no identifier, no password, only ids and codes."""

    success: bool
    error: str | None = None
    account_id: str | None = None
    event: AuthEvent | None = None
    extra: dict = field(default_factory=dict)


def find_account(session: Session, identifier: str) -> Account | None:
    identifier = (identifier or "").strip()
    if PINFL_RE.match(identifier):
        return session.scalars(select(Account).join(Person).where(Person.pinfl == identifier)).first()
    if "@" in identifier and len(identifier) <= 254:
        return session.scalars(select(Account).where(
            func.lower(Account.email) == identifier.lower(), Account.email_verified.is_(True))).first()
    return None


def password_of(session: Session, account_id: str) -> Authenticator | None:
    return session.scalars(select(Authenticator).where(
        Authenticator.account_id == account_id, Authenticator.kind == "password",
        Authenticator.disabled.is_(False))).first()


def throttle_subject(account: Account | None, identifier: str) -> str:
    """Whom failures count against: the account, or (for an identifier that
    names nobody) a hash of it, so unknown identifiers slow down alike."""
    if account is not None:
        return account.id
    return "id-" + hashlib.sha256((identifier or "").strip().lower().encode()).hexdigest()[:32]


def password_login(session: Session, passwords: Passwords, identifier: str, password: str, *,
                   throttler: Throttler | None = None,
                   device_of: Callable[[str], str | None] | None = None) -> LoginResult:
    account = find_account(session, identifier)
    subject = throttle_subject(account, identifier)
    device = device_of(subject) if device_of else None
    if throttler is not None:
        verdict = throttler.attempt(subject, device)  # counted before the password is checked
        if not verdict.allowed:
            if account is not None:
                record(session, "login.password.throttled", actor=account.id, subject=account.id)
            return LoginResult(False, "throttled", extra={"wait": verdict.wait})
    stored = password_of(session, account.id) if account else None
    # Always run argon2 so that timing does not reveal whether the account exists.
    ok = passwords.verify(stored.secret if stored else None, password or "")
    if not ok:
        if account is not None:
            record(session, "login.password.failed", actor=account.id, subject=account.id)
        return LoginResult(False, "invalid_credentials")
    if throttler is not None:
        throttler.succeeded(subject, device)
    if not account.active:
        record(session, "login.refused", actor=account.id, subject=account.id, reason="account_" + account.status)
        return LoginResult(False, "account_disabled")
    if passwords.needs_rehash(stored.secret):
        stored.secret = passwords.hash(password)
    stored.last_used_at = utcnow()
    record(session, "login.password.succeeded", actor=account.id, subject=account.id)
    return LoginResult(True, account_id=account.id, event=PASSWORD_EVENT)
