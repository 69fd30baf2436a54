"""Rate limits for the public consular pages and the desk reader API, on the
short-lived state store (shared between instances). Fixed windows, keys
stored only as hashes; they stop automation, not a single extra request."""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from consular.errors import RateLimited


@dataclass(frozen=True)
class Limit:
    count: int
    window: int  # seconds


LIMITS = {
    "booking_address": Limit(30, 3600),  # booking form posts from one address
    "booking_email": Limit(10, 3600),  # bookings and code requests for one e-mail address
    "manage_address": Limit(60, 3600),  # appointment links opened from one address
    "activation_address": Limit(20, 3600),  # activation codes tried from one address
    "reader_visit": Limit(30, 600),  # desk reader calls for one visit
    "portal_login": Limit(30, 600),  # portal passkey logins from one address
}


class RateLimiter:
    def __init__(self, state, *, clock=time.time):
        self.state, self.clock = state, clock

    def hit(self, scope: str, key: str) -> None:
        """Count one request; raise RateLimited past the scope's limit."""
        limit = LIMITS[scope]
        now = self.clock()
        window = int(now // limit.window)
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        slot = f"consular:rl:{scope}:{digest}:{window}"
        entry = self.state.get(slot) or {"n": 0}
        if entry["n"] >= limit.count:
            raise RateLimited(int((window + 1) * limit.window - now) + 1)
        self.state.put(slot, {"n": entry["n"] + 1}, limit.window + 1)
