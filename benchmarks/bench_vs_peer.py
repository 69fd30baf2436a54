#!/usr/bin/env python3
"""This IdP side by side with panva's oidc-provider (OpenID Certified), in one run.

    python benchmarks/bench_vs_peer.py [--duration 15] [--concurrency 4]
                                       [--setups sqlite,production] [--workers 1] [--threads 4]

The same load generator (benchmarks/bench_oidc.py's virtual users, in a
separate process on the other cores) drives, one after the other:

  peer        oidc-provider 8 (js/peer-op, pinned in its package-lock) on Node,
              in-memory storage, ES256, PKCE S256 required, client_secret_basic,
              rotating refresh tokens, userinfo
  sqlite      `idp serve` on an SQLite file
  production  `idp serve` on PostgreSQL (a fresh schema in 127.0.0.1:5432/test)
              with Redis (127.0.0.1:6379) for short-lived state and limits

Every server is pinned to the same single CPU core. Two operations:
  flow     with a login session and remembered consent: authorize -> code,
           token (code + PKCE verifier), userinfo
  refresh  token with grant_type=refresh_token (rotating)

It prints each one's throughput, p50/p99 and the ratio to the peer, by wall
clock and by server CPU time.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urljoin

import requests

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
from bench_oidc import VirtualUser, measure, percentile, seed  # noqa: E402
from bench_oidc import Target  # noqa: E402
from live import HOST, ServerProcess, free_port, LiveIdp  # noqa: E402

PEER_DIR = HERE.parent / "js" / "peer-op"
PG_URL = os.environ.get("IDP_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("IDP_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
OPERATIONS = ("flow", "refresh")


class PeerUser(VirtualUser):
    """A virtual user of the peer: its login page logs in by itself."""

    def sign_in(self) -> None:
        url, verifier = self.authorization_url()
        for _ in range(10):
            response = self.browser.get(url, allow_redirects=False, timeout=30)
            location = response.headers.get("Location", "")
            if location.startswith(self.target.redirect_uri):
                self.exchange(location, verifier)
                return
            if response.status_code not in (302, 303) or not location:
                raise RuntimeError(f"peer sign-in: {response.status_code} {response.text[:200]}")
            url = urljoin(url, location)
        raise RuntimeError("peer sign-in: too many redirects")


@contextlib.contextmanager
def peer_server(workdir: Path, cpus: set[int] | None):
    if not (PEER_DIR / "node_modules").exists():
        subprocess.run(["npm", "ci", "--silent", "--no-audit", "--no-fund"], cwd=PEER_DIR, check=True)
    port = free_port()
    target = Target(f"http://{HOST}:{port}", "bench-" + secrets.token_hex(4), secrets.token_urlsafe(32),
                    "http://127.0.0.1:9/callback", "", authorize_path="/auth", userinfo_path="/me")
    env = {**os.environ, "PORT": str(port), "CLIENT_ID": target.client_id, "CLIENT_SECRET": target.client_secret,
           "REDIRECT_URI": target.redirect_uri, "NODE_ENV": "production"}
    server = ServerProcess.start("oidc-provider", ["node", str(PEER_DIR / "server.mjs")], env=env, cwd=workdir,
                                 cpus=cpus)
    try:
        server.wait_until_ready(target.issuer + "/.well-known/openid-configuration")
        yield server, target
    finally:
        server.stop()


@contextlib.contextmanager
def postgres_schema():
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    schema = "bench_" + secrets.token_hex(4)
    with engine.connect() as conn:
        conn.execute(text(f"create schema {schema}"))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with engine.connect() as conn:
            conn.execute(text(f"drop schema {schema} cascade"))
        engine.dispose()


@contextlib.contextmanager
def idp_server(setup: str, workdir: Path, cpus: set[int] | None, args):
    with contextlib.ExitStack() as stack:
        extra = {"IDP_RATELIMIT_TOKEN": "1000000/minute", "IDP_RATELIMIT_LOGIN": "1000000/minute"}
        database_url = None
        if setup == "production":
            database_url = stack.enter_context(postgres_schema())
            extra["IDP_REDIS_URL"] = REDIS_URL
        live = LiveIdp.prepare(workdir / setup, database_url=database_url, fast_hashing=True, extra_env=extra)
        target = seed(live)
        server = stack.enter_context(live.serve(workers=args.workers, threads=args.threads, cpus=cpus))
        yield server, target


def summary(result: dict) -> dict:
    latencies = sorted(result["latencies"])
    if not latencies:
        return {"ok": 0, "errors": result["errors"], "rate": 0.0, "per_cpu": 0.0, "p50": float("nan"),
                "p99": float("nan"), "first_error": result["first_error"]}
    return {"ok": len(latencies), "errors": result["errors"], "rate": len(latencies) / result["wall"],
            "per_cpu": len(latencies) / result["server_cpu"] if result["server_cpu"] else float("nan"),
            "p50": percentile(latencies, 50) * 1000, "p99": percentile(latencies, 99) * 1000,
            "first_error": result["first_error"]}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=15, help="seconds per operation (default 15)")
    parser.add_argument("--concurrency", type=int, default=4, help="simultaneous virtual users (default 4)")
    parser.add_argument("--setups", default="sqlite,production", help="IdP set-ups: sqlite, production")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers (default 1)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (default 4)")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cores = sorted(os.sched_getaffinity(0))
    server_cpus, load_cpus = ({cores[0]}, set(cores[1:])) if len(cores) > 1 else (None, None)
    rows: list[tuple[str, str, dict]] = []
    with tempfile.TemporaryDirectory(prefix="idp-vs-peer-") as tmp:
        workdir = Path(tmp)
        with peer_server(workdir, server_cpus) as (server, target):
            for op in OPERATIONS:
                rows.append(("oidc-provider", op, summary(measure(op, target, server.process.pid, args, load_cpus,
                                                                  PeerUser))))
        for setup in [s.strip() for s in args.setups.split(",") if s.strip()]:
            with idp_server(setup, workdir, server_cpus, args) as (server, target):
                for op in OPERATIONS:
                    rows.append((f"idp ({setup})", op, summary(measure(op, target, server.process.pid, args,
                                                                       load_cpus))))
    peer = {op: r for name, op, r in rows if name == "oidc-provider"}
    print(f"servers pinned to CPU {cores[0]}; load generator on CPU "
          f"{','.join(map(str, sorted(load_cpus))) if load_cpus else 'shared'}; {args.concurrency} virtual users; "
          f"idp serve: {args.workers} worker(s) x {args.threads} threads\n")
    print(f"{'server':<20}{'operation':<10}{'ok':>7}{'errors':>8}{'per s':>9}{'per CPU-s':>11}{'p50 ms':>9}"
          f"{'p99 ms':>9}{'ratio':>8}{'CPU ratio':>11}")
    for name, op, r in rows:
        ratio = r["rate"] / peer[op]["rate"] if peer[op]["rate"] else float("nan")
        cpu_ratio = r["per_cpu"] / peer[op]["per_cpu"] if peer[op]["per_cpu"] else float("nan")
        print(f"{name:<20}{op:<10}{r['ok']:>7}{r['errors']:>8}{r['rate']:>9.1f}{r['per_cpu']:>11.1f}"
              f"{r['p50']:>9.1f}{r['p99']:>9.1f}{ratio:>7.2f}x{cpu_ratio:>10.2f}x")
        if r["first_error"]:
            print(f"    first error: {r['first_error']}")
    print("\nratio: per s against oidc-provider's; CPU ratio: per CPU-second of the server against the peer's")


if __name__ == "__main__":
    main()
