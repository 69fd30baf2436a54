"""Rate limits for the public consular pages and the desk reader API, on the
attempt counter (idp/state/counters.py: one atomic step, shared by every
instance). A window starts at the first request; keys are stored only as
hashes; a request is counted before it is served."""
from __future__ import annotations

import hashlib
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
    def __init__(self, state):
        self.state = state

    def hit(self, scope: str, key: str) -> None:
        """Count one request; raise RateLimited past the scope's limit."""
        limit = LIMITS[scope]
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # no addresses in the store
        hit = self.state.hit(f"consular:rl:{scope}:{digest}", limit.window)  # atomic, shared by every instance
        if hit.count > limit.count:
            raise RateLimited(hit.reset_in)
