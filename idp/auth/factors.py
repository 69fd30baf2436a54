"""Second factors and one-time-code logins: TOTP, codes by e-mail or SMS,
recovery codes. Each success yields an `AuthEvent`; `combine` in levels.py
makes password + any of these `substantial`."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.auth import recovery, totp
from idp.auth.codes import CodeResult, OneTimeCodes
from idp.auth.levels import AuthEvent
from idp.auth.models import Authenticator
from idp.auth.services import LoginResult
from idp.auth.throttle import Throttler
from idp.db import utcnow
from idp.people.models import Account

TOTP_EVENT = AuthEvent("totp", ("otp",), "low")
EMAIL_EVENT = AuthEvent("email_code", ("otp",), "low")
SMS_EVENT = AuthEvent("sms_code", ("sms",), "low")
RECOVERY_EVENT = AuthEvent("recovery_code", ("otp",), "low")
CHANNEL_EVENTS = {"email": EMAIL_EVENT, "sms": SMS_EVENT}


def _authenticators(session: Session, account_id: str, kind: str) -> list[Authenticator]:
    return list(session.scalars(select(Authenticator).where(
        Authenticator.account_id == account_id, Authenticator.kind == kind, Authenticator.disabled.is_(False))))


def mask_email(email: str) -> str:
    name, _, domain = email.partition("@")
    return (name[:2] + "•••@" + domain) if name else email


def mask_phone(phone: str) -> str:
    return phone[:4] + "•••" + phone[-2:]


@dataclass(frozen=True)
class Factors:
    totp: bool
    email: str | None  # masked address when verified
    sms: str | None  # masked number when verified
    recovery: int  # codes left
    passkey: bool

    @property
    def any(self) -> bool:
        return bool(self.totp or self.email or self.sms or self.recovery or self.passkey)


def available(session: Session, account: Account, *, sms_enabled: bool = True) -> Factors:
    recovery_rows = _authenticators(session, account.id, "recovery")
    return Factors(
        totp=bool(_authenticators(session, account.id, "totp")),
        email=mask_email(account.email) if account.email and account.email_verified else None,
        sms=mask_phone(account.phone) if sms_enabled and account.phone and account.phone_verified else None,
        recovery=len(recovery_rows[0].data.get("hashes", [])) if recovery_rows else 0,
        passkey=bool(_authenticators(session, account.id, "passkey")),
    )


def requires_second_factor(session: Session, account: Account) -> bool:
    """An account with an authenticator app must always use it after a password."""
    return bool(_authenticators(session, account.id, "totp"))


def _gate(session: Session, throttler: Throttler, account_id: str, device: str | None, method: str) -> LoginResult | None:
    """Count a second-factor guess against the account (from any address)
    before checking it; a refusal when the account must wait."""
    verdict = throttler.attempt(account_id, device, "second_factor")
    if verdict.allowed:
        return None
    record(session, f"login.{method}.throttled", actor=account_id, subject=account_id)
    return LoginResult(False, "throttled", extra={"wait": verdict.wait})


# -- TOTP -----------------------------------------------------------------------
def totp_check(session: Session, fernet, account_id: str, code: str, *, throttler: Throttler,
               device: str | None = None) -> LoginResult:
    refused = _gate(session, throttler, account_id, device, "totp")
    if refused is not None:
        return refused
    reused = False
    for row in _authenticators(session, account_id, "totp"):
        secret = fernet.decrypt(row.secret.encode()).decode()
        reused = reused or totp.already_used(secret, code, last_step=row.data.get("last_step"))
        step = totp.matching_step(secret, code, last_step=row.data.get("last_step"))
        if step is not None:
            throttler.succeeded(account_id, device, "second_factor")  # before this session writes (SQLite)
            row.data = {**row.data, "last_step": step}  # a code is never accepted twice
            row.last_used_at = utcnow()
            record(session, "login.totp.succeeded", actor=account_id, subject=account_id)
            return LoginResult(True, account_id=account_id, event=TOTP_EVENT)
    record(session, "login.totp.failed", actor=account_id, subject=account_id)
    return LoginResult(False, "totp_code_used" if reused else "code_wrong")


def totp_enroll(session: Session, fernet, account_id: str, secret: str, code: str, label: str | None = None) -> LoginResult:
    step = totp.matching_step(secret, code, last_step=None)
    if step is None:
        return LoginResult(False, "code_wrong")
    for old in _authenticators(session, account_id, "totp"):
        session.delete(old)
    session.add(Authenticator(account_id=account_id, kind="totp", label=label or "Authenticator app",
                              secret=fernet.encrypt(secret.encode()).decode(), data={"last_step": step}))
    record(session, "authenticator.totp.added", actor=account_id, subject=account_id)
    return LoginResult(True, account_id=account_id)


def totp_remove(session: Session, account_id: str) -> None:
    for row in _authenticators(session, account_id, "totp"):
        session.delete(row)
    record(session, "authenticator.totp.removed", actor=account_id, subject=account_id)


# -- recovery codes -------------------------------------------------------------
def recovery_generate(session: Session, key: bytes, account_id: str) -> list[str]:
    codes = recovery.generate()
    for old in _authenticators(session, account_id, "recovery"):
        session.delete(old)
    session.add(Authenticator(account_id=account_id, kind="recovery", label="Recovery codes",
                              data={"hashes": [recovery.digest(key, c) for c in codes]}))
    record(session, "authenticator.recovery.generated", actor=account_id, subject=account_id)
    return codes


def recovery_check(session: Session, key: bytes, account_id: str, code: str, *, throttler: Throttler,
                   device: str | None = None) -> LoginResult:
    refused = _gate(session, throttler, account_id, device, "recovery_code")
    if refused is not None:
        return refused
    for row in _authenticators(session, account_id, "recovery"):
        remaining = recovery.consume(key, list(row.data.get("hashes", [])), code)
        if remaining is not None:
            throttler.succeeded(account_id, device, "second_factor")  # before this session writes (SQLite)
            row.data = {**row.data, "hashes": remaining}
            row.last_used_at = utcnow()
            record(session, "login.recovery_code.used", actor=account_id, subject=account_id, left=len(remaining))
            return LoginResult(True, account_id=account_id, event=RECOVERY_EVENT, extra={"left": len(remaining)})
    record(session, "login.recovery_code.failed", actor=account_id, subject=account_id)
    return LoginResult(False, "code_wrong")


# -- codes by e-mail / SMS ------------------------------------------------------
def destination(account: Account, channel: str) -> str | None:
    if channel == "email" and account.email and account.email_verified:
        return account.email
    if channel == "sms" and account.phone and account.phone_verified:
        return account.phone
    return None


def code_check(session: Session, codes: OneTimeCodes, account_id: str, channel: str, code: str,
               purpose: str = "login") -> LoginResult:
    result: CodeResult = codes.verify(purpose, account_id, channel, code)
    if not result.ok:
        record(session, f"login.{channel}_code.failed", actor=account_id, subject=account_id, reason=result.error)
        return LoginResult(False, result.error)
    record(session, f"login.{channel}_code.succeeded", actor=account_id, subject=account_id)
    return LoginResult(True, account_id=account_id, event=CHANNEL_EVENTS[channel])
