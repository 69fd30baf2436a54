"""Changing the account's e-mail address or phone number (no Flask here).

A code proves one address, not the account: it is sent under a slot named by
the account, the channel and a digest of the exact address, and the address
waiting for it is kept aside in the short-lived store. The account's column is
written only when that address's own code is confirmed, and the e-mail's
uniqueness is checked then (not when the code is asked for, where it would tell
anyone whether an address has an account).

One code at a time per account and channel: the resend cool-down is per
account, taken atomically, so asking for another address within it is refused
instead of swapping the waiting address under the code already sent.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.auth.codes import LIFETIME, MAX_SENDS_PER_HOUR, RESEND_AFTER, OneTimeCodes
from idp.notify.senders import DeliveryError
from idp.people.models import Account

CHANNELS = ("email", "sms")


@dataclass(frozen=True)
class ContactResult:
    """Safe to log: a reason code, no address and no code."""

    ok: bool
    error: str | None = None
    retry_in: int = 0


def _purpose(channel: str) -> str:
    return f"contact-{channel}"


def _subject(account_id: str, value: str) -> str:
    """The code's slot names the exact address it was sent to."""
    return account_id + ":" + hashlib.sha256(value.encode()).hexdigest()


def _pending_key(account_id: str, channel: str) -> str:
    return f"contact:{account_id}:{channel}"


def _cooldown_key(account_id: str, channel: str) -> str:
    return f"contact-cooldown:{account_id}:{channel}"


def _sends_key(account_id: str, channel: str) -> str:
    return f"contact-sends:{account_id}:{channel}"


def pending(state, account_id: str, channel: str) -> str | None:
    """The address waiting for its code, if any."""
    held = state.get(_pending_key(account_id, channel))
    return held["value"] if held else None


def _wait(state, key: str) -> int:
    held = state.get(key)
    return max(1, int(RESEND_AFTER - (time.time() - held["at"])) + 1) if held else 1


def request_code(state, codes: OneTimeCodes, account_id: str, channel: str, value: str,
                 deliver: Callable[[str], None]) -> ContactResult:
    """Send a code to `value` (already normalised) and keep it waiting for that code.

    Raises the sender's DeliveryError; nothing waits then."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    now = time.time()
    if not state.add(_cooldown_key(account_id, channel), {"at": now}, RESEND_AFTER):
        waiting = pending(state, account_id, channel)
        error = "code_resend_too_soon" if waiting in (None, value) else "contact_code_pending"
        return ContactResult(False, error, _wait(state, _cooldown_key(account_id, channel)))
    sends = state.get(_sends_key(account_id, channel)) or {"n": 0, "first": now}
    if sends["n"] >= MAX_SENDS_PER_HOUR:  # serialised by the cool-down taken above
        return ContactResult(False, "code_too_many_sends", int(3600 - (now - sends["first"])) + 1)
    try:
        result = codes.send(_purpose(channel), _subject(account_id, value), channel, deliver)
    except DeliveryError:
        state.delete(_cooldown_key(account_id, channel))  # nothing was sent: the person may try again
        raise
    if not result.ok:
        return ContactResult(False, result.error, result.retry_in)
    state.put(_sends_key(account_id, channel), {"n": sends["n"] + 1, "first": sends["first"]},
              max(1, int(3600 - (now - sends["first"]))))
    state.put(_pending_key(account_id, channel), {"value": value}, LIFETIME)
    return ContactResult(True)


def confirm(session: Session, state, codes: OneTimeCodes, account: Account, channel: str,
            code: str) -> ContactResult:
    """Check the code against the address it was sent to, then store that address
    as verified. The caller commits."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    value = pending(state, account.id, channel)
    if value is None:
        return ContactResult(False, "code_expired")
    result = codes.verify(_purpose(channel), _subject(account.id, value), channel, code)
    if not result.ok:
        record(session, f"account.{channel}.code_failed", actor=account.id, subject=account.id, reason=result.error)
        return ContactResult(False, result.error)
    state.delete(_pending_key(account.id, channel))
    if channel == "email":
        if _email_taken(session, account.id, value):
            return ContactResult(False, "email_taken")
        try:
            with session.begin_nested():  # the unique column settles a race between two accounts
                account.email, account.email_verified = value, True
        except IntegrityError:
            session.refresh(account)
            return ContactResult(False, "email_taken")
    else:
        account.phone, account.phone_verified = value, True
    record(session, f"account.{channel}.verified", actor=account.id, subject=account.id)
    return ContactResult(True)


def _email_taken(session: Session, account_id: str, email: str) -> bool:
    return session.scalars(select(Account.id).where(
        func.lower(Account.email) == email.lower(), Account.id != account_id)).first() is not None
