"""SQLAlchemy 2 engine and session handling for one application.

The session is scoped to the Flask app context (or the thread, outside Flask)
and removed at teardown. Services receive a ``Session`` explicitly and never
import Flask.
"""
from __future__ import annotations

import datetime as dt
import os
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(dt.timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        path = url[len("sqlite:///"):]
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
    else:
        # a connection lost in a database restart is replaced, not used; a database
        # that is away fails a request within seconds (a 503), never hangs it
        kwargs.setdefault("pool_pre_ping", True)
        kwargs.setdefault("pool_timeout", 10)
        kwargs.setdefault("pool_recycle", 1800)
        if url.startswith("postgresql"):
            kwargs.setdefault("connect_args", {"connect_timeout": 5})
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - driver hook
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in url:
                cursor.execute("PRAGMA journal_mode=WAL")
                # In WAL mode NORMAL never corrupts the database; a power cut may lose
                # the last commits (fsync at checkpoints, not at every commit). The
                # embedded database is for one host; production runs PostgreSQL.
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()
    return engine


class Database:
    """Engine plus a scoped session factory."""

    def __init__(self, url: str, **engine_kwargs):
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.session = scoped_session(self.factory)

    def create_all(self) -> None:
        import_models()
        Base.metadata.create_all(self.engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A fresh session committed on success, rolled back on error."""
        session = self.factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.session.remove()
        self.engine.dispose()


_AFTER_COMMIT = "idp_after_commit"


def after_commit(session, effect) -> None:
    """Run `effect` once, right after `session`'s next successful commit; drop
    it on a rollback. Short-lived state and notifications go here, so that a
    view commits once, wherever it likes (the short-lived state store may be
    the same SQLite file, which has one writer at a time)."""
    session = session() if isinstance(session, scoped_session) else session
    effects = session.info.get(_AFTER_COMMIT)
    if effects is None:
        effects = session.info[_AFTER_COMMIT] = []

        @event.listens_for(session, "after_commit")
        def _run(s):
            todo, s.info[_AFTER_COMMIT] = list(s.info[_AFTER_COMMIT]), []
            for fn in todo:
                fn()

        @event.listens_for(session, "after_rollback")
        def _drop(s):
            s.info[_AFTER_COMMIT] = []
    effects.append(effect)


def import_models() -> None:
    """Import every module that declares tables so metadata is complete."""
    from idp.people import models as _people  # noqa: F401
    from idp.registry import models as _registry  # noqa: F401
    from idp.auth import models as _auth  # noqa: F401
    from idp.audit import models as _audit  # noqa: F401
    from idp.state import models as _state  # noqa: F401
    from idp.notify import models as _notify  # noqa: F401
    from oidc import models as _oidc  # noqa: F401
    from enrollment import models as _enrollment  # noqa: F401
    from consular import models as _consular  # noqa: F401
    from idp.cabinet import models as _cabinet  # noqa: F401
