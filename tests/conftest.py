"""Shared fixtures: an application on each database backend.

Every test that uses `app` runs twice: on SQLite (a file in a temp dir) and
on PostgreSQL (a fresh schema in the `test` database at 127.0.0.1:5432).
The PostgreSQL run skips with a reason where no server answers; in CI it must
run (CI=true turns the skip into a failure).
"""
from __future__ import annotations

import os
import secrets
import sys
import weakref

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from service_checks import PG_URL, REDIS_URL  # noqa: E402
from service_checks import unavailable as _unavailable  # noqa: E402

FAST_ARGON2 = {"argon2_memory_kib": 1024, "argon2_time_cost": 1}

_ENGINES: "weakref.WeakSet" = weakref.WeakSet()


def pytest_configure(config):
    """Keep track of every engine the application makes, so that a test's
    engines give their pooled connections back when it ends (see below)."""
    import idp.db

    made = idp.db.make_engine

    def tracked(url, **kwargs):
        engine = made(url, **kwargs)
        _ENGINES.add(engine)
        return engine

    idp.db.make_engine = tracked


@pytest.fixture(autouse=True)
def _engines_closed():
    """Applications a test makes besides the `app` fixture (a second
    instance, a CLI run) would keep their PostgreSQL connections open until
    garbage collection: over a whole run, more than the server's 100. Each
    test's engines are disposed when it ends (an engine still in use
    reconnects)."""
    before = set(_ENGINES)
    yield
    for engine in set(_ENGINES) - before:
        if engine.dialect.name != "sqlite":
            engine.dispose()


@pytest.fixture(scope="session")
def postgres_engine():
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # no server here
        _unavailable("PostgreSQL at 127.0.0.1:5432", type(exc).__name__)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/idp.sqlite"
        return
    from sqlalchemy import text

    engine = request.getfixturevalue("postgres_engine")
    schema = "t_" + secrets.token_hex(6)
    with engine.connect() as conn:
        conn.execute(text(f"create schema {schema}"))
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    with engine.connect() as conn:
        conn.execute(text(f"drop schema {schema} cascade"))


@pytest.fixture
def settings_overrides(database_url):
    return {"env": "test", "database_url": database_url, "issuer": "http://localhost",
            "ratelimit_login": "1000/minute", "ratelimit_token": "1000/minute", **FAST_ARGON2}


@pytest.fixture
def app(settings_overrides):
    from idp.app import create_app

    app = create_app(settings_overrides)
    idp = app.extensions["idp"]
    idp.db.create_all()
    idp.warm()
    with idp.db.transaction() as s:
        idp.keys.ensure(s)
    yield app
    worker = app.extensions.get("oidc_backchannel")
    if worker is not None:  # its threads use the database that goes next
        worker.stop()
    idp.db.dispose()


@pytest.fixture
def idp(app):
    return app.extensions["idp"]


@pytest.fixture
def demo(idp):
    from idp.demo import seed

    with idp.db.transaction() as s:
        return seed(s, idp.passwords, portal_url="http://rp.example", environment="test")


@pytest.fixture
def http(app):
    return app.test_client()


@pytest.fixture
def redis_url():
    try:
        import redis

        redis.Redis.from_url(REDIS_URL).ping()
    except Exception as exc:
        _unavailable("Redis at 127.0.0.1:6379", type(exc).__name__)
    return REDIS_URL
