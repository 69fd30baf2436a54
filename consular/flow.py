"""Typed state of the citizen's booking and activation, kept in the signed
Flask session cookie: the one place that reads those session entries."""
from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass, field

from flask import session

BOOKING_KEY = "consular_booking"
ACTIVATION_KEY = "consular_activation"
BOOKING_TTL = 3600  # a verified e-mail address may book for an hour
ACTIVATION_TTL = 1800


@dataclass
class BookingFlow:
    """An e-mail address proved by a code, and a code sent but not yet entered."""

    email: str | None = None  # set once verified
    pending_email: str | None = None  # the code was sent here
    started: float = field(default_factory=time.time)

    @classmethod
    def load(cls) -> "BookingFlow":
        data = session.get(BOOKING_KEY)
        try:
            flow = cls(**data) if isinstance(data, dict) else cls()
        except TypeError:
            flow = cls()
        return flow if time.time() - flow.started < BOOKING_TTL else cls()

    def save(self) -> None:
        session[BOOKING_KEY] = asdict(self)

    @staticmethod
    def clear() -> None:
        session.pop(BOOKING_KEY, None)


@dataclass
class ActivationFlow:
    """The activation code the citizen entered (its row id: checked, not yet
    used) and the browser binding of the passkey ceremony."""

    code_id: str | None = None
    binding: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    started: float = field(default_factory=time.time)

    @classmethod
    def load(cls) -> "ActivationFlow | None":
        data = session.get(ACTIVATION_KEY)
        if not isinstance(data, dict):
            return None
        try:
            flow = cls(**data)
        except TypeError:
            return None
        return flow if time.time() - flow.started < ACTIVATION_TTL else None

    def save(self) -> None:
        session[ACTIVATION_KEY] = asdict(self)

    @staticmethod
    def clear() -> None:
        session.pop(ACTIVATION_KEY, None)
