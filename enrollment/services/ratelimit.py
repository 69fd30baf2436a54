"""Rate limits per case and per client address, on the short-lived state
store (shared between instances). Fixed windows; the count is read and
written without a lock, so a burst of parallel requests may pass a few more
than the limit: these limits stop automation, not single extra requests."""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from enrollment.errors import RateLimited


@dataclass(frozen=True)
class Limit:
    count: int
    window: int  # seconds


# scope -> limit (docs/enrollment.md, "Limits")
LIMITS = {
    "start_address": Limit(20, 3600),  # new cases from one address
    "post_address": Limit(120, 600),  # journey form posts from one address
    "post_case": Limit(60, 600),  # journey form posts for one case
    "reader_case": Limit(30, 600),  # reader API calls for one case
    "reader_address": Limit(60, 600),  # reader API calls from one address
    "selfie_case": Limit(10, 600),  # liveness challenges and uploads for one case
    "resume_address": Limit(10, 3600),  # resume-by-e-mail requests
}


class RateLimiter:
    def __init__(self, state, *, clock=time.time):
        self.state = state
        self.clock = clock

    def hit(self, scope: str, key: str) -> None:
        """Count one request; raise RateLimited past the scope's limit."""
        limit = LIMITS[scope]
        now = self.clock()
        window = int(now // limit.window)
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # no addresses in the store
        slot = f"enr:rl:{scope}:{digest}:{window}"
        entry = self.state.get(slot) or {"n": 0}
        if entry["n"] >= limit.count:
            raise RateLimited(int((window + 1) * limit.window - now) + 1)
        self.state.put(slot, {"n": entry["n"] + 1}, limit.window + 1)
