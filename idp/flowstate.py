"""Typed, expiring flow state kept in the signed Flask session cookie.

A flow (a login between its steps, a booking, an activation) subclasses
`SessionFlow` with its own `KEY` and `TTL`; `load`, `save` and `clear` are
the only code that touches those session entries."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import ClassVar

from flask import session


@dataclass
class SessionFlow:
    KEY: ClassVar[str] = ""
    TTL: ClassVar[int] = 600

    started: float = field(default_factory=time.time)

    @classmethod
    def load(cls):
        """The flow in progress, or None when there is none or it expired."""
        data = session.get(cls.KEY)
        if not isinstance(data, dict):
            return None
        try:
            flow = cls(**data)
        except TypeError:
            return None
        return flow if time.time() - flow.started < cls.TTL else None

    def save(self) -> None:
        session[self.KEY] = asdict(self)

    @classmethod
    def clear(cls) -> None:
        session.pop(cls.KEY, None)
