"""Typed state of the citizen's booking and activation, kept in the signed
Flask session cookie: the one place that reads those session entries."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import ClassVar

from idp.flowstate import SessionFlow


@dataclass
class BookingFlow(SessionFlow):
    """An e-mail address proved by a code, and a code sent but not yet entered."""

    KEY: ClassVar[str] = "consular_booking"
    TTL: ClassVar[int] = 3600  # a verified e-mail address may book for an hour

    email: str | None = None  # set once verified
    pending_email: str | None = None  # the code was sent here

    @classmethod
    def load(cls) -> "BookingFlow":
        """Never None: a booking starts from an empty flow."""
        return super().load() or cls()


@dataclass
class ActivationFlow(SessionFlow):
    """The activation code the citizen entered (its row id: checked, not yet
    used) and the browser binding of the passkey ceremony."""

    KEY: ClassVar[str] = "consular_activation"
    TTL: ClassVar[int] = 1800

    code_id: str | None = None
    binding: str = field(default_factory=lambda: secrets.token_urlsafe(24))
