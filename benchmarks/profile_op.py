#!/usr/bin/env python3
"""Where the OpenID Provider's CPU goes on its hot paths, in one process.

    python benchmarks/profile_op.py [-n 300] [--setup sqlite|production] [--top 30]
                                    [--only flow|refresh] [--sort tottime|cumulative]

Builds the application with `create_app` (SQLite in a temporary directory,
or PostgreSQL at 127.0.0.1:5432/test in a fresh schema with Redis at
127.0.0.1:6379 for `--setup production`), seeds the demo person and portal,
logs a browser in once, and then drives through Flask's test client, with no
network and no server in between:

  flow     GET /authorize with the login session -> code, POST /token
           (code + PKCE, client_secret_basic), GET /userinfo
  refresh  POST /token with grant_type=refresh_token (rotating)

For each operation it prints the CPU milliseconds per operation (process
time, so a busy machine hurts less than wall-clock figures), the SQL
statements and commits per operation, and then the same run again under
cProfile with its top entries. Run it before and after a change to the hot
paths; the test client adds a little CPU of its own (building the WSGI
environ, reading the response), the same in both runs.
"""
from __future__ import annotations

import argparse
import cProfile
import contextlib
import io
import os
import pstats
import secrets
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))

PG_URL = os.environ.get("IDP_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("IDP_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


class Counter:
    """SQL statements and commits on every engine of the process."""

    def __init__(self):
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        self.statements = self.commits = 0
        self.seen: dict[str, int] = {}
        self.keep = False
        event.listen(Engine, "before_cursor_execute", self._statement)
        event.listen(Engine, "commit", self._commit)

    def _statement(self, _conn, _cursor, statement, *_args):
        self.statements += 1
        if self.keep:
            key = " ".join(statement.split())[:110]
            self.seen[key] = self.seen.get(key, 0) + 1

    def _commit(self, _conn):
        self.commits += 1


@contextlib.contextmanager
def application(setup: str):
    from sqlalchemy import create_engine, text

    with contextlib.ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="idp-profile-")))
        overrides = {"env": "development", "issuer": "http://localhost", "secret_key": secrets.token_urlsafe(32),
                     "ratelimit_login": "1000000/minute", "ratelimit_token": "1000000/minute",
                     "argon2_memory_kib": 1024, "argon2_time_cost": 1, "log_level": "WARNING"}
        if setup == "production":
            engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            schema = "profile_" + secrets.token_hex(4)
            with engine.connect() as conn:
                conn.execute(text(f"create schema {schema}"))

            def drop():
                with engine.connect() as conn:
                    conn.execute(text(f"drop schema {schema} cascade"))
                engine.dispose()

            stack.callback(drop)
            overrides["database_url"] = f"{PG_URL}?options=-csearch_path%3D{schema}"
            overrides["redis_url"] = REDIS_URL
        else:
            overrides["database_url"] = f"sqlite:///{workdir / 'idp.sqlite'}"
        from idp.app import create_app

        app = create_app(overrides)
        idp = app.extensions["idp"]
        idp.db.create_all()
        idp.warm()  # as `idp serve` does on a migrated database
        with idp.db.transaction() as s:
            idp.keys.ensure(s)
        stack.callback(idp.db.dispose)
        yield app


def prepare(app):
    """The demo portal as a relying party with a logged-in browser and a
    first set of tokens (consent remembered)."""
    from idp.demo import DEMO_PASSWORD, seed
    from oidc_helpers import RP

    idp = app.extensions["idp"]
    with idp.db.transaction() as s:
        demo = seed(s, idp.passwords, portal_url="http://rp.example", environment="test")
    rp = RP(app.test_client(), app, client_id=demo["client"]["client_id"], secret=demo["client"]["client_secret"],
            redirect_uri="http://rp.example/callback", scope="openid profile")
    _params, response = rp.authorize()
    query = rp.follow_to_code(response, identifier="31503901234567", password=DEMO_PASSWORD)
    tokens = rp.token(query["code"]).get_json()
    return rp, tokens


def flow(rp) -> None:
    from oidc_helpers import query_of

    _params, response = rp.authorize()
    location = response.headers.get("Location", "")
    assert location.startswith(rp.redirect_uri), (response.status_code, location)
    tokens = rp.token(query_of(location)["code"])
    assert tokens.status_code == 200, tokens.get_data(as_text=True)
    access = tokens.get_json()["access_token"]
    info = rp.http.get("/userinfo", headers={"Authorization": "Bearer " + access})
    assert info.status_code == 200, info.get_data(as_text=True)


def make_refresh(tokens: dict):
    state = {"refresh_token": tokens["refresh_token"]}

    def refresh(rp) -> None:
        response = rp.refresh(state["refresh_token"])
        assert response.status_code == 200, response.get_data(as_text=True)
        state["refresh_token"] = response.get_json()["refresh_token"]
    return refresh


def run(name, operation, rp, n, counter, args) -> None:
    for _ in range(min(20, n)):  # warm-up: caches, compiled statements, pool
        operation(rp)
    runs = []
    for _ in range(args.repeat):  # the fastest run: the others were slowed by neighbours on the machine
        counter.statements = counter.commits = 0
        counter.seen.clear()
        counter.keep = True
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(n):
            operation(rp)
        runs.append((time.process_time() - cpu, time.perf_counter() - wall))
        counter.keep = False
    cpu, wall = min(runs)
    print(f"\n== {name}: {n} operations, {cpu / n * 1000:.2f} CPU ms and {wall / n * 1000:.2f} wall ms each "
          f"(fastest of {args.repeat} runs), {counter.statements / n:.1f} SQL statements and "
          f"{counter.commits / n:.1f} commits each")
    for statement, count in sorted(counter.seen.items(), key=lambda kv: -kv[1]):
        print(f"  {count / n:4.1f}x  {statement}")
    if args.no_profile:
        return
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        operation(rp)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=300, help="operations of each kind (default 300)")
    parser.add_argument("--setup", choices=["sqlite", "production"], default="sqlite")
    parser.add_argument("--only", choices=["flow", "refresh"], action="append")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of n operations (default 3)")
    parser.add_argument("--top", type=int, default=30, help="profile entries to print (default 30)")
    parser.add_argument("--sort", default="tottime", help="pstats sort key (default tottime)")
    parser.add_argument("--no-profile", action="store_true", help="only the CPU ms and statement counts")
    args = parser.parse_args()
    counter = Counter()
    with application(args.setup) as app:
        rp, tokens = prepare(app)
        operations = {"flow": flow, "refresh": make_refresh(tokens)}
        for name in args.only or list(operations):
            run(name, operations[name], rp, args.n, counter, args)


if __name__ == "__main__":
    main()
