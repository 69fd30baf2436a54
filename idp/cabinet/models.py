"""The cabinet's own tables: account deletion requests and register correction requests."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from idp.db import Base, UTCDateTime, utcnow
from idp.people.models import new_id


class DeletionRequest(Base):
    __tablename__ = "account_deletion_request"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class CorrectionRequest(Base):
    """A citizen's request that the population register correct one field.

    Its status changes only through idp.cabinet.corrections. `open_field`
    repeats `field` while the request is open and is empty after, so the
    unique constraint allows one open request per field and account."""

    __tablename__ = "correction_request"
    __table_args__ = (UniqueConstraint("account_id", "open_field", name="uq_correction_request_open_field"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    open_field: Mapped[str | None] = mapped_column(String(32))
    current_value: Mapped[str | None] = mapped_column(String(100))
    requested_value: Mapped[str] = mapped_column(String(100))
    explanation: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(16), index=True)
    answer: Mapped[str | None] = mapped_column(String(2000))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
