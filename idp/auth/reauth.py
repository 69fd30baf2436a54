"""Re-authentication before sensitive changes (NIST SP 800-63B 6.1.2.1,
7.1.2): adding or removing a login method, recovery codes, contact data or
the password need a recent login at least as strong as what is changed.

`recent_enough` is the rule; `step_up_methods` says which methods can bring
a login to a level. Flask-free; the view decorator is
`idp.auth.reauth_views.require_recent_login`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from idp.auth.factors import available
from idp.auth.levels import LEVELS, SECOND_FACTORS, rank
from idp.auth.models import LoginSession
from idp.auth.services import password_of
from idp.db import utcnow
from idp.passkeys.credentials import rows_of

DEFAULT_MAX_AGE = 300


def recent_enough(login: LoginSession | None, level: str, max_age: int, *, now: dt.datetime | None = None) -> bool:
    """The login reaches `level` and its last authentication is at most `max_age` seconds old."""
    if login is None or level not in LEVELS:
        return False
    if rank(login.auth_level or "low") < rank(level):
        return False
    age = ((now or utcnow()) - login.auth_time).total_seconds()
    return 0 <= age <= max_age or -5 <= age < 0  # a few seconds of clock skew between instances


@dataclass(frozen=True)
class StepUpMethods:
    """What the step-up page offers: only methods that take this login to the level."""

    password: bool  # the password again (low; with a second factor of this login, substantial)
    factors: bool  # a code, the authenticator app or a recovery code (with this login's password)
    passkey: bool  # a passkey that reaches the level (high with user verification, unless capped)
    esign: bool  # an e-signature key (high)

    @property
    def any(self) -> bool:
        return self.password or self.factors or self.passkey or self.esign


def step_up_methods(session: Session, login: LoginSession, level: str, *, sms_enabled: bool,
                    esign_enabled: bool) -> StepUpMethods:
    from idp.auth.sensitive import passkey_level  # it builds on recent_enough above

    account = login.account
    usable_passkey = any((reach := passkey_level(row)) is not None and rank(reach) >= rank(level)
                         for row in rows_of(session, account.id))
    amr = set(login.amr or ())
    has_password = password_of(session, account.id) is not None
    has_factor = available(session, account, sms_enabled=sms_enabled)
    factor_any = bool(has_factor.totp or has_factor.email or has_factor.sms or has_factor.recovery)
    if level == "low":
        return StepUpMethods(has_password, factor_any, usable_passkey, esign_enabled)
    if level == "substantial":
        # A password and a second factor together are substantial: offer what completes the pair.
        # (A password of an account with an authenticator app always asks for it as a second step.)
        password = has_password and bool(amr & SECOND_FACTORS or has_factor.totp)
        return StepUpMethods(password, factor_any and "pwd" in amr, usable_passkey, esign_enabled)
    return StepUpMethods(False, False, usable_passkey, esign_enabled)
