#!/usr/bin/env python3
"""Password login latency with 1 000 and with 1 000 000 accounts in PostgreSQL.

    python benchmarks/bench_login_scale.py [--small 1000] [--large 1000000] [--logins 400]

Seeds two fresh schemas in 127.0.0.1:5432/test with COPY (people, accounts,
password authenticators; one argon2id hash shared by all, made with light
parameters so that the database part of a login is what is measured, not the
hash), then logs in random accounts through the login page (POST /login,
in-process test client, one core) and prints p50/p99 for both sizes and
their ratio. The goal: p99 at one million within 10% of p99 at one thousand.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import secrets
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.benchutil import pin_one_core  # noqa: E402

PG_URL = os.environ.get("IDP_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "scale-password-2026"
LIGHT = {"argon2_memory_kib": 1024, "argon2_time_cost": 1}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def pinfl_of(i: int) -> str:
    return f"{30000000000000 + i:014d}"


def seed(url: str, count: int, password_hash: str) -> float:
    """COPY `count` people with accounts and passwords; seconds taken."""
    import psycopg

    schema = url.split("search_path%3D")[1]
    started = time.perf_counter()
    now = dt.datetime.now(dt.timezone.utc)
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=False) as conn:
        conn.execute(f"set search_path to {schema}")
        with conn.cursor() as cur:
            people, accounts = [], []
            with cur.copy("COPY person (id, pinfl, family_name, given_name, birth_date, sex, citizenship, residency,"
                          " created_at) FROM STDIN") as copy:
                for i in range(count):
                    pid = str(uuid.uuid4())
                    people.append(pid)
                    copy.write_row((pid, pinfl_of(i), "Scale", f"Person{i}", dt.date(1990, 1, 1), "M", "UZB",
                                    "resident", now))
            with cur.copy("COPY account (id, person_id, status, locale, email_verified, phone_verified,"
                          " identity_level, proofing_method, created_at) FROM STDIN") as copy:
                for pid in people:
                    aid = str(uuid.uuid4())
                    accounts.append(aid)
                    copy.write_row((aid, pid, "active", "uz", False, False, "low", "register_match", now))
            with cur.copy("COPY authenticator (id, account_id, kind, secret, data, created_at, disabled)"
                          " FROM STDIN") as copy:
                for aid in accounts:
                    copy.write_row((str(uuid.uuid4()), aid, "password", password_hash, "{}", now, False))
        conn.commit()
        conn.autocommit = True
        conn.execute(f"analyze {schema}.person; analyze {schema}.account; analyze {schema}.authenticator")
    return time.perf_counter() - started


def measure(url: str, count: int, logins: int) -> list[float]:
    from idp.app import create_app

    app = create_app({"env": "test", "database_url": url, "issuer": "http://localhost",
                      "ratelimit_login": "1000000/minute", **LIGHT})
    idp = app.extensions["idp"]
    idp.warm()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    found = CSRF.search(page)
    token = found.group(1) or found.group(2)
    rng = random.Random(7)
    latencies = []
    for n in range(logins + 20):
        client.delete_cookie("idp_session") if hasattr(client, "delete_cookie") else None
        identifier = pinfl_of(rng.randrange(count))
        start = time.perf_counter()
        response = client.post("/login", data={"identifier": identifier, "password": PASSWORD, "csrf_token": token})
        elapsed = time.perf_counter() - start
        if response.status_code not in (302, 303):
            raise RuntimeError(f"login of {identifier}: {response.status_code}")
        if n >= 20:  # warm-up
            latencies.append(elapsed)
    idp.db.dispose()
    return latencies


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--logins", type=int, default=400)
    args = parser.parse_args()
    cpu = pin_one_core()
    from sqlalchemy import create_engine, text

    from idp.auth.passwords import Passwords
    from idp.db import Database

    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    password_hash = Passwords(memory_kib=LIGHT["argon2_memory_kib"], time_cost=LIGHT["argon2_time_cost"],
                              parallelism=1).hash(PASSWORD)
    rows = []
    for count in (args.small, args.large):
        schema = "bench_" + secrets.token_hex(4)
        with engine.connect() as conn:
            conn.execute(text(f"create schema {schema}"))
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
        try:
            database = Database(url)
            database.create_all()
            database.dispose()
            seconds = seed(url, count, password_hash)
            latencies = measure(url, count, args.logins)
            rows.append((count, seconds, latencies))
        finally:
            with engine.connect() as conn:
                conn.execute(text(f"drop schema {schema} cascade"))
    print(f"password login (POST /login) on PostgreSQL, in-process, {cpu}; argon2id m={LIGHT['argon2_memory_kib']} KiB "
          f"t={LIGHT['argon2_time_cost']} so the database part is what is measured\n")
    print(f"{'accounts':>10}{'seeded in':>11}{'logins':>8}{'p50 ms':>9}{'p99 ms':>9}")
    for count, seconds, latencies in rows:
        print(f"{count:>10,}{seconds:>10.1f}s{len(latencies):>8}{percentile(latencies, 50) * 1000:>9.2f}"
              f"{percentile(latencies, 99) * 1000:>9.2f}")
    (_, _, small), (_, _, large) = rows
    print(f"\np99 ratio (large / small): {percentile(large, 99) / percentile(small, 99):.2f}  (goal: at most 1.10)")


if __name__ == "__main__":
    main()
