"""Registered clients as the protocol endpoints see them, kept in memory.

Every authorization, token, userinfo and introspection request looks its
client up, often more than once; clients change rarely (`idp clients ...`).
A lookup is kept for at most ``TTL`` seconds per process. A change made in
this process (any ORM flush or bulk statement that touches `oidc_client`)
forgets every lookup at once and again when its transaction commits; a
change made by another process (the CLI, another instance) is seen within
``TTL`` seconds. Unknown client ids are never kept, so a new client works at
once everywhere.

The objects handed out are transient `Client` instances (in no session),
shared between requests and threads: read them, never change or add them.
"""
from __future__ import annotations

import threading
import time

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from oidc.models import Client

TTL = 10.0
_COLUMNS = tuple(Client.__table__.c)
_NAMES = tuple(c.key for c in _COLUMNS)
_LOOKUP = select(*_COLUMNS)


class _Generation:
    """Bumped on every change to a client in this process."""

    value = 0
    lock = threading.Lock()

    @classmethod
    def bump(cls) -> None:
        with cls.lock:
            cls.value += 1


class ClientCache:
    def __init__(self, ttl: float = TTL):
        self.ttl = ttl
        self._entries: dict[str, tuple[float, int, Client]] = {}

    def get(self, session: Session, client_id: str) -> Client | None:
        entry = self._entries.get(client_id)
        now = time.monotonic()
        if entry is not None and entry[0] > now and entry[1] == _Generation.value:
            return entry[2]
        generation = _Generation.value  # read before the row: a change in between makes this entry stale
        row = session.execute(_LOOKUP.where(Client.client_id == client_id)).first()
        if row is None:
            self._entries.pop(client_id, None)
            return None
        client = Client(**dict(zip(_NAMES, row)))
        self._entries[client_id] = (now + self.ttl, generation, client)
        return client

    def clear(self) -> None:
        self._entries.clear()


_CHANGED = "oidc_client_changed"


def _touched(target) -> None:
    _Generation.bump()
    session = Session.object_session(target)
    if session is not None:
        session.info[_CHANGED] = True


@event.listens_for(Client, "after_insert")
@event.listens_for(Client, "after_update")
@event.listens_for(Client, "after_delete")
def _client_row_changed(_mapper, _connection, target) -> None:
    _touched(target)


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state) -> None:
    if state.is_select or not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and mapper.class_ is Client:
        _Generation.bump()
        state.session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _committed(session) -> None:
    # a lookup made between the flush and the commit read the old row
    if session.info.pop(_CHANGED, False):
        _Generation.bump()
