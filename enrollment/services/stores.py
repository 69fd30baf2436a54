"""The biometrics library's stores, on the application's short-lived state
store (`idp.state`: the database, or Redis when several instances run), so
that liveness challenges and frame fingerprints are shared by every instance
and used once. Both stores rely on the state store's atomic operations:
`take` (DELETE .. RETURNING / GETDEL) and `add` (INSERT / SET NX)."""
from __future__ import annotations

import time
from typing import Collection

from biometrics import Challenge

CHALLENGE_PREFIX = "enr:live:"
FINGERPRINT_PREFIX = "enr:fp:"
GRACE_S = 600  # an upload just after the deadline hears "expired", not "unknown"


class StateChallengeStore:
    def __init__(self, state, *, clock=time.time):
        self.state = state
        self.clock = clock

    def put(self, challenge: Challenge) -> None:
        ttl = max(1, int(challenge.expires_at - self.clock()) + GRACE_S)
        self.state.put(CHALLENGE_PREFIX + challenge.id, challenge.to_dict(), ttl)

    def take(self, challenge_id: str) -> Challenge | None:
        if not challenge_id or len(challenge_id) > 64:
            return None
        data = self.state.take(CHALLENGE_PREFIX + challenge_id)
        return Challenge.from_dict(data) if data else None


class StateFingerprintStore:
    def __init__(self, state, *, clock=time.time):
        self.state = state
        self.clock = clock

    def remember(self, fingerprints: Collection[str], *, expires_at: float) -> frozenset[str]:
        ttl = max(1, int(expires_at - self.clock()))
        return frozenset(f for f in set(fingerprints)
                         if not self.state.add(FINGERPRINT_PREFIX + f, {"seen": 1}, ttl))
