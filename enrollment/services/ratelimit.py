"""Rate limits per case and per client address, on the attempt counter
(idp/state/counters.py: one atomic step, shared by every instance). A window
starts at the first request and each request is counted before it is
served, so parallel requests never pass more than the limit."""
from __future__ import annotations

import hashlib
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
    "scan_case": Limit(20, 600),  # passport page photos read for one case (each costs the server CPU time)
    "resume_address": Limit(10, 3600),  # resume-by-e-mail requests
}


class RateLimiter:
    def __init__(self, state):
        self.state = state

    def hit(self, scope: str, key: str) -> None:
        """Count one request; raise RateLimited past the scope's limit."""
        limit = LIMITS[scope]
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # no addresses in the store
        hit = self.state.hit(f"enr:rl:{scope}:{digest}", limit.window)  # atomic, shared by every instance
        if hit.count > limit.count:
            raise RateLimited(hit.reset_in)
