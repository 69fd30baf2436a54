"""The append-only audit log: writing, sealing into a Merkle tree, verifying.

Writers only insert a record in their own transaction: no shared head, no
lock, so any number of requests on any number of instances write at once.
A sealer (one at a time: an advisory lock on PostgreSQL, the write lock on
SQLite) takes the records not yet in the tree in `seq` order, gives each
the next leaf index and its leaf hash, and signs a tree head over the new
Merkle root (RFC 9162 hashing; the head is a JWS from the IdP's ES256 key).
Consecutive heads are consistent: each tree extends the previous one.

Records from before the tree kept a hash chain; `verify` checks that chain
too, and the first seal puts those records in the tree like any other.
Records never hold secrets or personal data beyond internal ids.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from idp.audit import merkle
from idp.audit.models import AuditEvent, AuditTreeHead
from idp.db import utcnow

GENESIS = "0" * 64
SEAL_LOCK_KEY = 0x1D0A0D18  # PostgreSQL advisory lock held by the one sealer at work
BATCH = 50_000

# sign(session, payload) -> (kid, JWS compact); key_for(kid) -> a joserfc public key or None
Signer = Callable[[Session, bytes], tuple[str, str]]
KeyResolver = Callable[[str], object]
# Called with each event name as it is written (metrics); must not raise.
RECORD_HOOKS: list[Callable[[str], None]] = []


_INSERT = AuditEvent.__table__.insert()


def record(session: Session, event: str, *, actor: str | None = None, subject: str | None = None, **data) -> AuditEvent:
    """Append an event in the caller's transaction.

    The record is one plain INSERT on the caller's transaction (the ORM's unit
    of work cost several times the statement); the caller's own pending
    changes are flushed first, as before. Returns the record as written (its
    ``seq`` set), an object outside the session: read it, never add it."""
    if session.new or session.deleted or session.dirty:
        session.flush()
    values = {"at": utcnow(), "event": event, "actor": actor, "subject": subject, "data": data}
    seq = session.execute(_INSERT, values).inserted_primary_key[0]
    for hook in RECORD_HOOKS:
        hook(event)
    return AuditEvent(seq=seq, **values)


def _body(event: AuditEvent) -> dict:
    return {"at": event.at.isoformat(), "event": event.event, "actor": event.actor,
            "subject": event.subject, "data": event.data}


def _chain_digest(prev_hash: str, event: AuditEvent) -> str:
    """The legacy chain's record hash: SHA-256(previous hash || canonical record)."""
    import hashlib

    body = json.dumps(_body(event), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def leaf_of(event: AuditEvent) -> bytes:
    """The Merkle leaf hash of a record: its place (`seq`), content and legacy chain hash."""
    body = {"seq": event.seq, **_body(event), "chain": event.hash}
    return merkle.leaf_hash(json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode())


def _take_seal_lock(session: Session) -> bool:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return bool(session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": SEAL_LOCK_KEY}).scalar())
    if dialect == "sqlite":  # a write statement takes the database's write lock at once
        session.execute(text("UPDATE audit_tree_head SET tree_size = tree_size WHERE 0"))
    return True


def latest_head(session: Session) -> AuditTreeHead | None:
    return session.scalars(select(AuditTreeHead).order_by(AuditTreeHead.tree_size.desc()).limit(1)).first()


def head_payload(tree_size: int, root_hex: str, timestamp_ms: int) -> bytes:
    return json.dumps({"tree_size": tree_size, "root_hash": root_hex, "timestamp": timestamp_ms},
                      sort_keys=True, separators=(",", ":")).encode()


def seal(session: Session, sign: Signer, *, batch: int = BATCH) -> AuditTreeHead | None:
    """Put the records written since the last head into the tree and sign a new
    head. None when there is nothing new or another sealer is at work."""
    if not _take_seal_lock(session):
        return None
    head = latest_head(session)
    frontier = merkle.Frontier.from_hex(head.tree_size, head.frontier) if head else merkle.Frontier()
    rows = session.scalars(select(AuditEvent).where(AuditEvent.leaf_index.is_(None))
                           .order_by(AuditEvent.seq).limit(batch)).all()
    if not rows:
        return None
    for row in rows:
        leaf = leaf_of(row)
        row.leaf_index, row.leaf_hash = frontier.size, leaf.hex()
        frontier.append(leaf)
    root_hex = frontier.root().hex()
    kid, signature = sign(session, head_payload(frontier.size, root_hex, int(time.time() * 1000)))
    new = AuditTreeHead(tree_size=frontier.size, root_hash=root_hex, frontier=frontier.to_hex(),
                        created_at=utcnow(), kid=kid, signature=signature)
    session.add(new)
    session.flush()
    return new


@dataclass(frozen=True)
class AuditReport:
    ok: bool
    checked: int  # records found good before the first bad one
    first_bad_seq: int | None = None
    reason: str | None = None  # chain_broken, record_altered, record_missing, head_mismatch, head_signature, inconsistent_heads
    heads: int = 0
    pending: int = 0  # records written since the last head


def _check_signature(head: AuditTreeHead, key_for: KeyResolver | None) -> bool:
    if key_for is None:
        return True
    from joserfc import jws
    from joserfc.errors import JoseError

    key = key_for(head.kid)
    if key is None:
        return False
    try:
        obj = jws.deserialize_compact(head.signature, key)
    except (JoseError, ValueError):
        return False
    payload = json.loads(obj.payload)
    return payload.get("tree_size") == head.tree_size and payload.get("root_hash") == head.root_hash


def verify(session: Session, key_for: KeyResolver | None = None) -> AuditReport:
    """Check the legacy chain, every leaf, every signed head and the consistency
    between consecutive heads; name the first bad record."""
    heads = session.scalars(select(AuditTreeHead).order_by(AuditTreeHead.tree_size)).all()
    pending = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.leaf_index.is_(None)))

    def bad(checked: int, seq: int | None, reason: str) -> AuditReport:
        return AuditReport(False, checked, seq, reason, len(heads), pending)

    # 1. The legacy hash chain, in its own order.
    prev, checked = GENESIS, 0
    for entry in session.scalars(select(AuditEvent).where(AuditEvent.hash.is_not(None))
                                 .order_by(AuditEvent.seq)).yield_per(1000):
        if entry.prev_hash != prev or _chain_digest(prev, entry) != entry.hash:
            return bad(checked, entry.seq, "chain_broken")
        prev, checked = entry.hash, checked + 1

    # 2. Every leaf, in tree order, against the heads that cover it.
    frontier, leaves = merkle.Frontier(), []
    head_iter = iter(heads)
    next_head = next(head_iter, None)
    previous: tuple[int, bytes] | None = None
    last_good_seq: int | None = None
    for entry in session.scalars(select(AuditEvent).where(AuditEvent.leaf_index.is_not(None))
                                 .order_by(AuditEvent.leaf_index)).yield_per(1000):
        if entry.leaf_index != frontier.size:
            return bad(frontier.size, entry.seq, "record_missing")
        leaf = leaf_of(entry)
        if entry.leaf_hash != leaf.hex():
            return bad(frontier.size, entry.seq, "record_altered")
        frontier.append(leaf)
        leaves.append(leaf)
        while next_head is not None and next_head.tree_size == frontier.size:
            root = frontier.root()
            if root.hex() != next_head.root_hash:
                first = _first_after(session, previous[0] if previous else 0)
                return bad(previous[0] if previous else 0, first, "head_mismatch")
            if not _check_signature(next_head, key_for):
                return bad(frontier.size, entry.seq, "head_signature")
            if previous is not None:
                proof = merkle.consistency_proof(previous[0], leaves)
                if not merkle.verify_consistency(previous[0], frontier.size, previous[1], root, proof):
                    return bad(previous[0], _first_after(session, previous[0]), "inconsistent_heads")
            previous = (frontier.size, root)
            next_head = next(head_iter, None)
        last_good_seq = entry.seq
    if next_head is not None:  # a signed head covers records that are gone
        return bad(frontier.size, _first_after(session, frontier.size) or last_good_seq, "record_missing")
    return AuditReport(True, frontier.size if heads or frontier.size else checked, heads=len(heads), pending=pending)


def _first_after(session: Session, leaf_index: int) -> int | None:
    return session.scalar(select(AuditEvent.seq).where(AuditEvent.leaf_index >= leaf_index)
                          .order_by(AuditEvent.leaf_index).limit(1))


def inclusion_proof(session: Session, seq: int) -> dict | None:
    """The proof that record `seq` is in the latest signed head (RFC 9162
    2.1.3), for a citizen's export; None while the record is not sealed."""
    return inclusion_proofs(session, [seq]).get(seq)


def inclusion_proofs(session: Session, seqs: list[int]) -> dict[int, dict]:
    """`inclusion_proof` for many records, reading the tree's leaves once."""
    head = latest_head(session)
    entries = [e for e in (session.get(AuditEvent, seq) for seq in seqs)
               if e is not None and e.leaf_index is not None and head is not None and e.leaf_index < head.tree_size]
    if not entries:
        return {}
    leaves = [bytes.fromhex(h) for h in session.scalars(
        select(AuditEvent.leaf_hash).where(AuditEvent.leaf_index < head.tree_size).order_by(AuditEvent.leaf_index))]
    proofs = {}
    for entry in entries:
        path = merkle.inclusion_path(entry.leaf_index, leaves)
        proofs[entry.seq] = {"seq": entry.seq, "leaf_index": entry.leaf_index, "leaf_hash": entry.leaf_hash,
                             "tree_size": head.tree_size, "root_hash": head.root_hash,
                             "audit_path": [p.hex() for p in path], "signed_tree_head": head.signature,
                             "kid": head.kid}
    return proofs
