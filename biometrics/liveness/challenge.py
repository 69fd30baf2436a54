"""Liveness challenges and where they are kept until used.

A challenge is a random sequence of two or three actions, always with a
head turn among them (the one action a flat picture cannot imitate without
showing that it is flat), a nonce and a deadline. It is stored when created and *taken* (read and removed in one
atomic step) when frames are submitted, so it can be used at most once,
whatever the outcome.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from ..config import BiometricsSettings
from .actions import TURNS, Action

__all__ = ["Challenge", "ChallengeStore", "InMemoryChallengeStore", "new_challenge"]


@dataclass(frozen=True)
class Challenge:
    id: str
    nonce: str = field(repr=False)
    actions: tuple[Action, ...]
    issued_at: float  # seconds since the epoch, server clock
    expires_at: float
    action_window_s: float
    subject: str | None = None  # e.g. the enrollment case the challenge belongs to

    def expired(self, now: float) -> bool:
        return now > self.expires_at

    def to_client(self, settings: BiometricsSettings) -> dict[str, Any]:
        """What the capture page needs to show the prompts."""
        return {
            "challenge_id": self.id,
            "nonce": self.nonce,
            "actions": [a.value for a in self.actions],
            "expires_at": self.expires_at,
            "action_window_s": self.action_window_s,
            "min_frames": settings.min_frames,
            "max_frames": settings.max_frames,
            "min_frame_rate": settings.min_frame_rate,
            "frame_rate": settings.frame_rate,
            "blink_frame_rate": settings.blink_frame_rate,
        }

    def to_dict(self) -> dict[str, Any]:
        """Everything, for a database or Redis store."""
        return {
            "id": self.id,
            "nonce": self.nonce,
            "actions": [a.value for a in self.actions],
            "issued_at": self.issued_at,
            "expires_at": self.expires_at,
            "action_window_s": self.action_window_s,
            "subject": self.subject,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Challenge":
        return cls(
            id=str(data["id"]),
            nonce=str(data["nonce"]),
            actions=tuple(Action(a) for a in data["actions"]),
            issued_at=float(data["issued_at"]),
            expires_at=float(data["expires_at"]),
            action_window_s=float(data["action_window_s"]),
            subject=data.get("subject"),
        )


def new_challenge(
    settings: BiometricsSettings,
    *,
    now: float,
    subject: str | None = None,
    rng: secrets.SystemRandom | None = None,
) -> Challenge:
    rng = rng or secrets.SystemRandom()
    count = rng.randint(settings.min_actions, settings.max_actions)
    turns = [a for a in settings.actions if Action(a) in TURNS]  # the settings require at least one
    turn = rng.choice(turns)
    others = rng.sample([a for a in settings.actions if a != turn], count - 1)
    chosen = [turn, *others]
    rng.shuffle(chosen)
    actions = tuple(Action(a) for a in chosen)
    return Challenge(
        id=secrets.token_urlsafe(18),
        nonce=secrets.token_urlsafe(18),
        actions=actions,
        issued_at=now,
        expires_at=now + settings.challenge_lifetime_s,
        action_window_s=settings.action_window_s,
        subject=subject,
    )


@runtime_checkable
class ChallengeStore(Protocol):
    """Where challenges wait. A database or Redis implementation must make
    `take` atomic (DELETE ... RETURNING, GETDEL) so two concurrent uploads
    cannot both get the same challenge."""

    def put(self, challenge: Challenge) -> None: ...

    def take(self, challenge_id: str) -> Challenge | None:
        """Remove and return the challenge, or None if unknown or already taken."""
        ...


class InMemoryChallengeStore:
    """For one process (tests, `idp demo`). Expired entries are dropped after
    a grace period so that a late upload still hears "expired", not "unknown"."""

    def __init__(self, *, grace_s: float = 600.0, clock=time.time) -> None:
        self._items: dict[str, Challenge] = {}
        self._lock = threading.Lock()
        self._grace_s = grace_s
        self._clock = clock

    def put(self, challenge: Challenge) -> None:
        with self._lock:
            self._purge()
            self._items[challenge.id] = challenge

    def take(self, challenge_id: str) -> Challenge | None:
        with self._lock:
            return self._items.pop(challenge_id, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def _purge(self) -> None:
        cutoff = self._clock() - self._grace_s
        for key in [k for k, c in self._items.items() if c.expires_at < cutoff]:
            del self._items[key]
