"""Throttling of password and second-factor guesses without permanent lockout.

After 5 failures an identifier is slowed: each further attempt must wait
2^(n-5) seconds (capped at 15 minutes) from the last one; a success clears
it, and an hour without attempts forgets it. Failures are counted per
account for unknown devices, and separately per known device (a signed
cookie left by an earlier successful login on it), so an attacker hammering
an account from elsewhere slows only themselves, not the owner's own phone.

Every attempt is counted before the guess is checked (one atomic step on the
shared counter, idp/state/counters.py), so parallel guesses from any number
of addresses and instances get no more checks than the limit. Passwords and
second factors (authenticator app, recovery codes) have separate counters.
Per-address limits come on top (idp/ratelimit.py, IDP_RATELIMIT_LOGIN).
"""
from __future__ import annotations

from dataclasses import dataclass

FREE_FAILURES = 5
MAX_DELAY = 15 * 60
MEMORY = 3600
KINDS = ("password", "second_factor")


@dataclass(frozen=True)
class Throttle:
    allowed: bool
    wait: int = 0


class Throttler:
    def __init__(self, counters):
        self.counters = counters

    @staticmethod
    def key(account_id: str, device: str | None, kind: str = "password") -> str:
        if kind not in KINDS:
            raise ValueError(kind)
        prefix = "thr" if kind == "password" else "thr2"
        return f"{prefix}:{account_id}:{device or 'any'}"

    def attempt(self, account_id: str, device: str | None, kind: str = "password") -> Throttle:
        """Count one guess; check it only when allowed."""
        gate = self.counters.attempt(self.key(account_id, device, kind), free=FREE_FAILURES,
                                     max_delay=MAX_DELAY, memory=MEMORY)
        return Throttle(gate.allowed, gate.wait)

    def succeeded(self, account_id: str, device: str | None, kind: str = "password") -> None:
        self.counters.reset(self.key(account_id, device, kind))
