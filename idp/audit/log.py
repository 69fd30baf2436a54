"""Writing and verifying the hash-chained audit log.

Each record's hash covers the previous record's hash and a canonical JSON of
the record, so editing, deleting or reordering any record breaks the chain
from that point on. Writers serialise on the chain head (row lock on
PostgreSQL, the database write lock on SQLite). Records never hold secrets or
personal data beyond internal ids.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from idp.audit.models import AuditEvent
from idp.db import utcnow

GENESIS = "0" * 64


def _digest(prev_hash: str, event: AuditEvent) -> str:
    body = json.dumps(
        {"at": event.at.isoformat(), "event": event.event, "actor": event.actor,
         "subject": event.subject, "data": event.data},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


LOCK_KEY = 0x1D0A0D17  # PostgreSQL advisory lock for the chain head


def _lock_chain(session: Session) -> None:
    """Serialise writers on the chain head until the caller's transaction ends.

    PostgreSQL: a transaction-scoped advisory lock; the head read after it
    sees the previous writer's committed record (READ COMMITTED).
    SQLite: a write statement takes the database's write lock at once (reads
    before it ran outside any transaction, so no stale snapshot is upgraded).
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    elif dialect == "sqlite":
        session.execute(text("UPDATE audit_event SET seq = seq WHERE 0"))


def record(session: Session, event: str, *, actor: str | None = None, subject: str | None = None, **data) -> AuditEvent:
    """Append an event in the caller's transaction."""
    _lock_chain(session)
    head = session.execute(select(AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).scalar()
    prev = head or GENESIS
    entry = AuditEvent(at=utcnow(), event=event, actor=actor, subject=subject, data=data, prev_hash=prev)
    entry.hash = _digest(prev, entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_seq: int | None = None


def verify(session: Session) -> ChainReport:
    prev = GENESIS
    count = 0
    for entry in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(1000):
        if entry.prev_hash != prev or _digest(prev, entry) != entry.hash:
            return ChainReport(False, count, entry.seq)
        prev = entry.hash
        count += 1
    return ChainReport(True, count)
