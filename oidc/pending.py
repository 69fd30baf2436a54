"""A pending authorization request while the user logs in or consents.

The first visit to /authorize stores the original query under a random id
``r`` (30 minutes); interaction pages send the browser back to
``/authorize?<original query>&r=<id>``. The stored query must match, so ``r``
cannot be moved to another request. What happened during the interaction
(consent given, account confirmed) is recorded on the pending request, and
``received_at`` lets `prompt=login` know whether a login is fresh.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode

TTL = 30 * 60
RID_RE = re.compile(r"^[A-Za-z0-9_-]+$")


def params_hash(params: list[tuple[str, str]]) -> str:
    clean = sorted((k, v) for k, v in params if k != "r")
    return hashlib.sha256(urlencode(clean).encode()).hexdigest()


@dataclass
class Pending:
    id: str
    query: str
    hash: str
    client_id: str
    redirect_uri: str
    state: str | None
    received_at: float
    consented: bool = False
    selected: bool = False
    lower_acr_ok: bool = False
    extra: dict = field(default_factory=dict)

    def resume_url(self, base: str) -> str:
        return f"{base}?{self.query}&r={self.id}" if self.query else f"{base}?r={self.id}"


class PendingRequests:
    def __init__(self, store):
        self.store = store

    def create(self, params: list[tuple[str, str]], client_id: str, redirect_uri: str, state: str | None) -> Pending:
        clean = [(k, v) for k, v in params if k != "r"]
        pending = Pending(id=secrets.token_urlsafe(16), query=urlencode(clean), hash=params_hash(clean),
                          client_id=client_id, redirect_uri=redirect_uri, state=state, received_at=time.time())
        self.save(pending)
        return pending

    def save(self, pending: Pending) -> None:
        self.store.put("authz:" + pending.id, asdict(pending), TTL)

    def get(self, rid: str | None) -> Pending | None:
        if not rid or len(rid) > 64 or not RID_RE.match(rid):
            return None
        data = self.store.get("authz:" + rid)
        return Pending(**data) if data else None

    def matching(self, rid: str | None, params: list[tuple[str, str]]) -> Pending | None:
        pending = self.get(rid)
        if pending and pending.hash == params_hash(params):
            return pending
        return None

    def finish(self, pending: Pending) -> None:
        self.store.delete("authz:" + pending.id)
