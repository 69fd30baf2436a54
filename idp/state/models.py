from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from idp.db import Base, UTCDateTime


class ShortLivedState(Base):
    __tablename__ = "short_lived_state"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class AttemptCounter(Base):
    """One counter of attempts (idp/state/counters.py); times are Unix seconds
    so that one SQL statement can add to them on every backend."""

    __tablename__ = "attempt_counter"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    delay: Mapped[int] = mapped_column(Integer, default=0)  # current back-off, seconds
    not_before: Mapped[float] = mapped_column(Float, default=0.0)  # next attempt allowed at
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class ServerSecret(Base):
    """Secrets the server generated for itself in development (refused in production)."""

    __tablename__ = "server_secret"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
