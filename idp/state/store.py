"""A small key-value store with expiry, in the database or in Redis.

Used for everything short-lived that must be shared between instances and
used once: pending authorization requests, one-time codes, challenges, replay
caches. Every operation is one atomic statement on both backends (``put`` is
an upsert, ``add`` an insert that only replaces an expired entry, ``take`` a
delete that returns the row), so parallel requests never collide. The store
also carries the attempt counters (idp/state/counters.py).
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from idp.db import Database, utcnow
from idp.state.counters import Counters, DatabaseCounters, RedisCounters
from idp.state.models import ShortLivedState


class StateStore(Counters, Protocol):
    def put(self, key: str, value: dict, ttl: int) -> None: ...
    def get(self, key: str) -> dict | None: ...
    def take(self, key: str) -> dict | None: ...
    def add(self, key: str, value: dict, ttl: int) -> bool: ...
    def delete(self, key: str) -> None: ...


class DatabaseStateStore(DatabaseCounters):
    """Embedded default: a table with an expiry column; expired rows are invisible."""

    def __init__(self, database: Database):
        self.database = database

    def _upsert(self, key: str, value: dict, ttl: int, *, only_expired: bool):
        dialect = self.database.engine.dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ShortLivedState)
        now = utcnow()
        stmt = insert.values(key=key, value=value, expires_at=now + dt.timedelta(seconds=ttl))
        where = ShortLivedState.expires_at <= now if only_expired else None
        stmt = stmt.on_conflict_do_update(index_elements=["key"], where=where, set_={
            "value": stmt.excluded.value, "expires_at": stmt.excluded.expires_at})
        with self.database.transaction() as s:
            return s.execute(stmt.returning(ShortLivedState.key)).first()

    def put(self, key: str, value: dict, ttl: int) -> None:
        self._upsert(key, value, ttl, only_expired=False)

    def get(self, key: str) -> dict | None:
        with self.database.transaction() as s:
            row = s.get(ShortLivedState, key)
            if row is None or row.expires_at <= utcnow():
                return None
            return dict(row.value)

    def take(self, key: str) -> dict | None:
        with self.database.transaction() as s:
            result = s.execute(
                delete(ShortLivedState).where(ShortLivedState.key == key)
                .returning(ShortLivedState.value, ShortLivedState.expires_at)
            ).first()
        if result is None or _aware(result.expires_at) <= utcnow():
            return None
        return dict(result.value)

    def add(self, key: str, value: dict, ttl: int) -> bool:
        """Store only if the key is absent or expired; True if stored."""
        return self._upsert(key, value, ttl, only_expired=True) is not None

    def delete(self, key: str) -> None:
        with self.database.transaction() as s:
            s.execute(delete(ShortLivedState).where(ShortLivedState.key == key))

    def purge_expired(self) -> int:
        with self.database.transaction() as s:
            gone = s.execute(delete(ShortLivedState).where(ShortLivedState.expires_at <= utcnow())).rowcount
        return gone + self.purge_expired_counters()

    def keys(self, prefix: str) -> list[str]:
        with self.database.transaction() as s:
            return list(s.scalars(select(ShortLivedState.key).where(ShortLivedState.key.startswith(prefix))))


def _aware(value: Any) -> dt.datetime:
    if isinstance(value, str):  # SQLite RETURNING bypasses the type decorator on some versions
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


class RedisStateStore(RedisCounters):
    """Production: Redis with native expiry; ``take`` is GETDEL, ``add`` is SET NX."""

    def __init__(self, url: str, prefix: str = "idp:"):
        import redis

        # bounded waits: a Redis that is away gives a clean 503, not a hung worker
        self.client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2,
                                           health_check_interval=30, retry_on_timeout=True)
        self.prefix = prefix

    def put(self, key: str, value: dict, ttl: int) -> None:
        self.client.set(self.prefix + key, json.dumps(value), ex=ttl)

    def get(self, key: str) -> dict | None:
        raw = self.client.get(self.prefix + key)
        return None if raw is None else json.loads(raw)

    def take(self, key: str) -> dict | None:
        raw = self.client.getdel(self.prefix + key)
        return None if raw is None else json.loads(raw)

    def add(self, key: str, value: dict, ttl: int) -> bool:
        return bool(self.client.set(self.prefix + key, json.dumps(value), ex=ttl, nx=True))

    def delete(self, key: str) -> None:
        self.client.delete(self.prefix + key)

    def keys(self, prefix: str) -> list[str]:
        n = len(self.prefix)
        return [k.decode()[n:] for k in self.client.scan_iter(match=self.prefix + prefix + "*")]


def make_state_store(settings, database: Database) -> StateStore:
    if settings.redis_url:
        return RedisStateStore(settings.redis_url)
    return DatabaseStateStore(database)
