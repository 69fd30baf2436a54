"""Replay detection: frames identical to those of an earlier submission.

A frame's fingerprint is a keyed BLAKE2b hash of its decoded pixels (and
size), so re-wrapping the same pixels in a new file with other metadata does
not evade it, while two genuine captures never collide: camera sensor noise
makes every real frame different. The hash is one-way; with a secret
`fingerprint_key` it cannot even be recomputed from a leaked image.

Re-encoded replays (the same video compressed again) produce new pixels and
are not caught here; the challenge's random actions and nonce are what stop
a recording made for another challenge.
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Collection, Protocol, runtime_checkable

import numpy as np

__all__ = ["FrameFingerprintStore", "InMemoryFingerprintStore", "fingerprint"]


def fingerprint(pixels: np.ndarray, *, key: bytes = b"") -> str:
    digest = hashlib.blake2b(key=key[:64], digest_size=16)
    digest.update(repr(pixels.shape).encode())
    digest.update(np.ascontiguousarray(pixels).tobytes())
    return digest.hexdigest()


@runtime_checkable
class FrameFingerprintStore(Protocol):
    """Remembers fingerprints of submitted frames. A database or Redis
    implementation must check and add in one atomic step (INSERT ... ON
    CONFLICT, SADD) so that two concurrent replays are both caught."""

    def remember(self, fingerprints: Collection[str], *, expires_at: float) -> frozenset[str]:
        """Add all `fingerprints`; return those that were already present."""
        ...


class InMemoryFingerprintStore:
    def __init__(self, *, clock=time.time) -> None:
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._next_purge = 0.0

    def remember(self, fingerprints: Collection[str], *, expires_at: float) -> frozenset[str]:
        with self._lock:
            now = self._clock()
            if now >= self._next_purge:
                for key in [k for k, exp in self._seen.items() if exp < now]:
                    del self._seen[key]
                self._next_purge = now + 60.0
            seen = frozenset(f for f in fingerprints if self._seen.get(f, -1.0) >= now)
            for f in fingerprints:
                self._seen[f] = max(expires_at, self._seen.get(f, 0.0))
            return seen

    def __len__(self) -> int:
        with self._lock:
            return len(self._seen)
