"""Throttling of password and code guesses without permanent lockout.

After 5 failures an identifier is slowed: each further attempt must wait
2^(n-5) seconds (capped at 15 minutes) from the last failure; a success
clears it, and an hour without failures forgets it. Failures are counted per
account for unknown devices, and separately per known device (a signed
cookie left by an earlier successful login on it), so an attacker hammering
an account from elsewhere slows only themselves, not the owner's own phone.
Per-address limits come on top (Flask-Limiter, IDP_RATELIMIT_LOGIN).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

FREE_FAILURES = 5
MAX_DELAY = 15 * 60
MEMORY = 3600


@dataclass(frozen=True)
class Throttle:
    allowed: bool
    wait: int = 0


class Throttler:
    def __init__(self, state):
        self.state = state

    @staticmethod
    def key(account_id: str, device: str | None) -> str:
        return f"thr:{account_id}:{device or 'any'}"

    def check(self, account_id: str, device: str | None) -> Throttle:
        entry = self.state.get(self.key(account_id, device))
        if not entry or entry["n"] < FREE_FAILURES:
            return Throttle(True)
        delay = min(MAX_DELAY, 2 ** (entry["n"] - FREE_FAILURES))
        wait = int(entry["last"] + delay - time.time()) + 1
        return Throttle(wait <= 0, max(wait, 0))

    def failed(self, account_id: str, device: str | None) -> None:
        key = self.key(account_id, device)
        entry = self.state.get(key) or {"n": 0}
        self.state.put(key, {"n": entry["n"] + 1, "last": time.time()}, MEMORY)

    def succeeded(self, account_id: str, device: str | None) -> None:
        self.state.delete(self.key(account_id, device))
