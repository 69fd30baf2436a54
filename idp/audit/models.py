from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from idp.db import Base, UTCDateTime, utcnow

BigId = BigInteger().with_variant(Integer, "sqlite")


class AuditEvent(Base):
    """One audit record.

    Writers only insert. The sealer later gives each record its place in the
    Merkle tree (``leaf_index``) and its ``leaf_hash``. Records written before
    the tree existed keep their hash chain (``prev_hash``, ``hash``), which
    `verify` still checks.
    """

    __tablename__ = "audit_event"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    event: Mapped[str] = mapped_column(String(64), index=True)
    actor: Mapped[str | None] = mapped_column(String(64))  # account id, client id or "system"
    subject: Mapped[str | None] = mapped_column(String(64), index=True)  # account id the event is about
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str | None] = mapped_column(String(64))  # legacy chain only
    hash: Mapped[str | None] = mapped_column(String(64), unique=True)  # legacy chain only
    leaf_index: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    leaf_hash: Mapped[str | None] = mapped_column(String(64))


class AuditTreeHead(Base):
    """A signed tree head: the Merkle root over the first ``tree_size`` records."""

    __tablename__ = "audit_tree_head"

    tree_size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[str] = mapped_column(String(64))
    # perfect-subtree roots, so the next head needs only the new leaves
    frontier: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    kid: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(Text)  # JWS compact over the head
