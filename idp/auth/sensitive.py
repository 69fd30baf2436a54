"""Which recent login a change to how a person logs in needs.

A stolen session cookie, a phished password or a code from a hijacked
mailbox must not become a lasting or a stronger way in. So every change to
an account's login methods or contact data asks for a login made within the
last few minutes (`MAX_AGE`), at least as strong as what is changed (NIST
800-63B 6.1.2.1), but never stronger than the account can reach with the
authenticators it has (a password-only account may still add its first
second factor after its password, as 6.1.2.2 allows):

    required level = min(level of what is changed, strongest level the account reaches)

Passkeys are the exception that proves the rule: any recent login may add one,
because the new passkey is capped at the level of the session that added it
(`Authenticator.max_level`), so it never gives more than that session had.

No Flask here: views ask `requirement()` and compare it with their session.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from idp.auth.levels import LEVELS, lower, rank
from idp.auth.models import Authenticator, LoginSession
from idp.auth.reauth import DEFAULT_MAX_AGE, recent_enough
from idp.people.models import Account

MAX_AGE = DEFAULT_MAX_AGE  # seconds: "re-authenticate" means within the last five minutes

# What each change touches, at the level it protects.
PASSWORD = "password"  # set or change the password (a first factor of substantial logins)
TOTP_ADD = "totp_add"  # set up or replace the authenticator app
TOTP_REMOVE = "totp_remove"
RECOVERY_CODES = "recovery_codes"  # new codes: a second factor next to the password
PASSKEY_ADD = "passkey_add"  # capped at the session's level, so any recent login
PASSKEY_REMOVE = "passkey_remove"  # at the level the removed passkey gives
EMAIL = "email"  # a verified address is a second factor and a code-login channel
PHONE = "phone"

CHANGE_LEVEL = {
    PASSWORD: "substantial",
    TOTP_ADD: "substantial",
    TOTP_REMOVE: "substantial",
    RECOVERY_CODES: "substantial",
    PASSKEY_ADD: "low",
    PASSKEY_REMOVE: "high",
    EMAIL: "substantial",
    PHONE: "substantial",
}
CHANGES = tuple(CHANGE_LEVEL)


@dataclass(frozen=True)
class Requirement:
    """What a change needs: a login at `level` or above, at most `max_age` seconds old."""

    change: str
    level: str
    max_age: int = MAX_AGE


def passkey_level(row: Authenticator) -> str | None:
    """The level a usable passkey reaches at a step-up (user verification is
    required there), capped by the session that added it; None when it cannot log in."""
    if row.kind != "passkey" or row.disabled or row.data.get("review"):
        return None
    return lower("high", row.max_level) if row.max_level in LEVELS else "high"


def strongest_level(session: Session, account: Account, *, sms_enabled: bool = True) -> str:
    """The highest authentication level this account can reach with what it has now.

    An e-signature key is not counted: the server cannot know whether the person
    holds one, and a key holder can always step up with it anyway."""
    rows = list(session.scalars(select(Authenticator).where(
        Authenticator.account_id == account.id, Authenticator.disabled.is_(False))))
    best = "low"
    for row in rows:
        level = passkey_level(row)
        if level is not None and rank(level) > rank(best):
            best = level
    kinds = {row.kind for row in rows}
    second = ("totp" in kinds or any(row.kind == "recovery" and row.data.get("hashes") for row in rows)
              or bool(account.email and account.email_verified)
              or bool(sms_enabled and account.phone and account.phone_verified))
    if "password" in kinds and second and rank(best) < rank("substantial"):
        best = "substantial"
    return best


def requirement(change: str, *, strongest: str, target_level: str | None = None) -> Requirement:
    """The recent login `change` needs on an account whose strongest reachable
    level is `strongest`. `target_level`: for a removal, the level of the thing
    removed when it is known (a passkey capped lower needs less to remove)."""
    if change not in CHANGE_LEVEL:
        raise ValueError(f"unknown sensitive change {change!r}")
    level = CHANGE_LEVEL[change] if target_level is None else lower(CHANGE_LEVEL[change], target_level)
    return Requirement(change, lower(level, strongest))


def requirement_for(session: Session, account: Account, change: str, *, sms_enabled: bool = True,
                    target: Authenticator | None = None) -> Requirement:
    """`requirement` for this account as it is now."""
    target_level = None
    if target is not None and target.kind == "passkey":
        target_level = passkey_level(target) or "low"  # one that cannot log in needs only a recent login
    return requirement(change, strongest=strongest_level(session, account, sms_enabled=sms_enabled),
                       target_level=target_level)


def satisfied(login: LoginSession | None, need: Requirement, *, now: dt.datetime | None = None) -> bool:
    """Whether `login` may make the change now (`idp.auth.reauth.recent_enough`)."""
    return recent_enough(login, need.level, need.max_age, now=now)
