"""One atomic attempt counter, shared by every instance.

Every limit on guesses and requests counts here: passwords and second
factors (back-off), one-time code tries and sends, enrollment and consular
limits, activation codes, request rates per address or client. Each
operation is one atomic step on the shared store: on the database a single
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` (SQLite 3.35+, PostgreSQL),
on Redis one Lua script. Callers count first and evaluate a guess only when
the count allows it, so N parallel guesses never get more evaluations than
the limit.

- ``hit(key, window)``: count one attempt in a window that starts at the
  first attempt; the count so far (this one included) and the seconds left.
- ``attempt(key, free=, max_delay=, memory=)``: a back-off gate. The first
  ``free - 1`` attempts pass at once; from the ``free``-th on, each passing
  attempt makes the next wait 1, 2, 4 ... seconds (at most ``max_delay``).
  An attempt made while waiting is refused and not counted. ``memory``
  seconds without an attempt forget the key.
- ``count(key)``, ``reset(key)``.
- ``hits([(key, window), ...])`` and ``counts([key, ...])``: the same for
  several keys in one round trip (one statement, one Redis script), for the
  several windows of one rate limit.
"""
from __future__ import annotations

import functools
import math
import random
import time
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import case, delete, literal, select, text
from sqlalchemy.dialects import postgresql, sqlite

from idp.state.models import AttemptCounter


@dataclass(frozen=True)
class Hit:
    count: int  # attempts in this window, this one included
    reset_in: int  # seconds until the window ends


@dataclass(frozen=True)
class Gate:
    allowed: bool
    count: int = 0  # attempts counted, this one included when allowed
    wait: int = 0  # seconds until an attempt may be made again (when refused)


class Counters(Protocol):
    def hit(self, key: str, window: int) -> Hit: ...
    def attempt(self, key: str, *, free: int, max_delay: int, memory: int) -> Gate: ...
    def count(self, key: str) -> int: ...
    def reset(self, key: str) -> None: ...
    def hits(self, keys: list[tuple[str, int]]) -> list[Hit]: ...
    def counts(self, keys: list[str]) -> list[int]: ...


def _seconds(value: float) -> int:
    return max(1, math.ceil(value))


PURGE_EVERY = 1 / 1000  # share of window hits that also delete expired counters


@functools.lru_cache(maxsize=8)
def _hits_statement(n: int):
    """The upsert of ``hits`` for n keys, as text: SQLAlchemy compiles a
    multi-row INSERT anew for every execution, which cost more than the
    statement itself; this text is compiled once. The same SQL runs on
    SQLite 3.35+ and PostgreSQL."""
    rows = ", ".join(f"(:k{i}, 1, 0, 0.0, :e{i})" for i in range(n))
    return text(
        f'INSERT INTO attempt_counter ("key", count, delay, not_before, expires_at) VALUES {rows} '
        'ON CONFLICT ("key") DO UPDATE SET '
        "count = CASE WHEN attempt_counter.expires_at <= :now THEN 1 ELSE attempt_counter.count + 1 END, "
        "expires_at = CASE WHEN attempt_counter.expires_at <= :now THEN excluded.expires_at "
        "ELSE attempt_counter.expires_at END "
        'RETURNING "key", count, expires_at')


@functools.lru_cache(maxsize=8)
def _counts_statement(n: int):
    keys = ", ".join(f":k{i}" for i in range(n))
    return text(f'SELECT "key", count FROM attempt_counter WHERE "key" IN ({keys}) AND expires_at > :now')


class DatabaseCounters:
    """Counters in the ``attempt_counter`` table (expects ``self.database``)."""

    def _insert(self):
        dialect = self.database.engine.dialect.name
        return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(AttemptCounter)

    def hit(self, key: str, window: int) -> Hit:
        return self.hits([(key, window)])[0]

    def hits(self, keys: list[tuple[str, int]]) -> list[Hit]:
        """One multi-row upsert; each row is still its own atomic count."""
        if not keys:
            return []
        now = time.time()
        params = {"now": now}
        for i, (key, window) in enumerate(keys):
            params[f"k{i}"], params[f"e{i}"] = key, now + window
        # Core on a pooled connection: no ORM session for one statement
        with self.database.engine.begin() as conn:
            rows = {row.key: row for row in conn.execute(_hits_statement(len(keys)), params)}
        if random.random() < PURGE_EVERY:
            self.purge_expired_counters()
        return [Hit(rows[key].count, _seconds(rows[key].expires_at - now)) for key, _window in keys]

    def attempt(self, key: str, *, free: int, max_delay: int, memory: int) -> Gate:
        now = time.time()
        t = AttemptCounter.__table__.c
        expired = t.expires_at <= now
        new_count = case((expired, 1), else_=t.count + 1)
        doubled = case((t.delay * 2 > max_delay, max_delay), else_=t.delay * 2)
        new_delay = case((new_count < free, 0), (new_count == free, min(1, max_delay)), else_=doubled)
        first_delay = 0 if free > 1 else min(1, max_delay)
        # A free attempt sets no time: a request that read the clock earlier
        # but reached the row later must not be refused by it.
        stmt = self._insert().values(key=key, count=1, delay=first_delay,
                                     not_before=now + first_delay if first_delay else 0.0, expires_at=now + memory)
        stmt = stmt.on_conflict_do_update(index_elements=["key"], set_={
            "count": new_count, "delay": new_delay,
            "not_before": case((new_delay == 0, 0.0), else_=literal(now) + new_delay),
            "expires_at": now + memory,
        }, where=(t.not_before <= now) | expired).returning(t.count)
        with self.database.transaction() as s:
            row = s.execute(stmt).first()
            if row is not None:
                return Gate(True, row.count)
            held = s.execute(select(t.count, t.not_before).where(t.key == key)).first()
        if held is None:  # forgotten in between
            return Gate(False, 0, 1)
        return Gate(False, held.count, _seconds(held.not_before - now))

    def count(self, key: str) -> int:
        t = AttemptCounter.__table__.c
        with self.database.transaction() as s:
            value = s.scalar(select(t.count).where(t.key == key, t.expires_at > time.time()))
        return value or 0

    def counts(self, keys: list[str]) -> list[int]:
        if not keys:
            return []
        params = {f"k{i}": key for i, key in enumerate(keys)}
        params["now"] = time.time()
        with self.database.engine.connect() as conn:
            found = dict(conn.execute(_counts_statement(len(keys)), params).all())
        return [found.get(key, 0) for key in keys]

    def reset(self, key: str) -> None:
        with self.database.transaction() as s:
            s.execute(delete(AttemptCounter).where(AttemptCounter.key == key))

    def purge_expired_counters(self) -> int:
        with self.database.transaction() as s:
            return s.execute(delete(AttemptCounter).where(AttemptCounter.expires_at <= time.time())).rowcount


# KEYS[1]: the counter; ARGV: window. Returns {count, seconds left}.
_HIT = """
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('TTL', KEYS[1])
if n == 1 or ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
"""

# KEYS: counters; ARGV: their windows. Returns {count, seconds left} per key.
_HITS = """
local out = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  local ttl = redis.call('TTL', key)
  if n == 1 or ttl < 0 then
    redis.call('EXPIRE', key, ARGV[i])
    ttl = tonumber(ARGV[i])
  end
  out[i] = {n, ttl}
end
return out
"""

# KEYS: counters (window counters are strings, back-off gates hashes). Returns their counts.
_COUNTS = """
local out = {}
for i, key in ipairs(KEYS) do
  local kind = redis.call('TYPE', key)['ok']
  if kind == 'hash' then
    out[i] = tonumber(redis.call('HGET', key, 'n') or '0')
  elseif kind == 'string' then
    out[i] = tonumber(redis.call('GET', key)) or 0
  else
    out[i] = 0
  end
end
return out
"""

# KEYS[1]: a hash {n, d, nb}; ARGV: now, free, max_delay, memory.
# Returns {allowed (0/1), count, wait as a string}.
_ATTEMPT = """
local now, free, maxd, memory = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local nb = tonumber(redis.call('HGET', KEYS[1], 'nb') or '0')
if nb > now then
  return {0, tonumber(redis.call('HGET', KEYS[1], 'n') or '0'), tostring(nb - now)}
end
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
local d = tonumber(redis.call('HGET', KEYS[1], 'd') or '0')
if n < free then d = 0 elseif n == free then d = math.min(1, maxd) else d = math.min(d * 2, maxd) end
local next = 0
if d > 0 then next = now + d end
redis.call('HSET', KEYS[1], 'd', d, 'nb', tostring(next))
redis.call('EXPIRE', KEYS[1], memory)
return {1, n, '0'}
"""


class RedisCounters:
    """Counters in Redis (expects ``self.client`` and ``self.prefix``)."""

    def _scripts(self):
        if not hasattr(self, "_hit_script"):
            self._hit_script = self.client.register_script(_HIT)
            self._attempt_script = self.client.register_script(_ATTEMPT)
            self._hits_script = self.client.register_script(_HITS)
            self._counts_script = self.client.register_script(_COUNTS)
        return self._hit_script, self._attempt_script

    def _key(self, key: str) -> str:
        return self.prefix + "n:" + key

    def hit(self, key: str, window: int) -> Hit:
        count, ttl = self._scripts()[0](keys=[self._key(key)], args=[int(window)])
        return Hit(int(count), max(1, int(ttl)))

    def attempt(self, key: str, *, free: int, max_delay: int, memory: int) -> Gate:
        allowed, count, wait = self._scripts()[1](keys=[self._key(key)],
                                                   args=[repr(time.time()), free, max_delay, memory])
        return Gate(bool(allowed), int(count), 0 if allowed else _seconds(float(wait)))

    def count(self, key: str) -> int:
        key = self._key(key)
        kind = self.client.type(key)
        if kind == b"hash":
            return int(self.client.hget(key, "n") or 0)
        return int(self.client.get(key) or 0)

    def hits(self, keys: list[tuple[str, int]]) -> list[Hit]:
        if not keys:
            return []
        self._scripts()
        rows = self._hits_script(keys=[self._key(k) for k, _ in keys], args=[int(w) for _, w in keys])
        return [Hit(int(count), max(1, int(ttl))) for count, ttl in rows]

    def counts(self, keys: list[str]) -> list[int]:
        if not keys:
            return []
        self._scripts()
        return [int(n) for n in self._counts_script(keys=[self._key(k) for k in keys])]

    def reset(self, key: str) -> None:
        self.client.delete(self._key(key))
