#!/usr/bin/env python3
"""Throughput and latency of the OpenID Provider, per CPU core.

    python benchmarks/bench_oidc.py [--duration 20] [--concurrency 4]
                                    [--database-url postgresql+psycopg://...]
                                    [--only flow|refresh|login] [--tmpdir DIR] [--keep DIR]

Starts `idp serve` (gunicorn, ONE worker with 4 threads) on 127.0.0.1 with a
fresh SQLite database in a temporary directory (or the given database),
seeds a person and a confidential client through the CLI, and drives it from
a separate load-generating process. The server is pinned to CPU 0 and the
load generator to the other cores, so every figure is for one CPU core.

Three operations, each bounded by a request count and a time limit:

  flow     authorization code + PKCE S256 with an existing login session:
           GET /authorize -> code, POST /token (client_secret_basic), GET /userinfo
  refresh  POST /token with grant_type=refresh_token (rotating)
  login    a password login as a browser does it, without a session:
           GET /authorize -> GET /login -> POST /login (argon2id, the real
           default parameters) -> GET /authorize -> code -> POST /token

It prints operations per second, the server's CPU use, p50/p99 latency, and
the ratio to Keycloak's published sizing (15 password logins and 120 refresh
grants per second per vCPU).
"""
from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import multiprocessing
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from live import Citizen, LiveIdp  # noqa: E402

KEYCLOAK_PER_VCPU = {"login": 15, "refresh": 120}  # Keycloak "Concepts for sizing CPU and memory resources"
LIMITS = {"flow": 20_000, "refresh": 50_000, "login": 2_000}  # requests per operation, besides the time limit
TITLES = {"flow": "code + PKCE flow (session)", "refresh": "refresh grant", "login": "password login"}
PASSWORD = "bench-password-2026"


@dataclass(frozen=True)
class Target:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    pinfl: str
    # endpoint paths under the issuer (another provider names them otherwise)
    authorize_path: str = "/authorize"
    token_path: str = "/token"
    userinfo_path: str = "/userinfo"


class VirtualUser:
    """One citizen's browser plus the portal's back channel to the IdP."""

    def __init__(self, target: Target):
        self.target = target
        self.browser = requests.Session()
        self.backchannel = requests.Session()
        self.refresh_token: str | None = None

    def authorization_url(self) -> tuple[str, str]:
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = urlencode({"response_type": "code", "client_id": self.target.client_id,
                           "redirect_uri": self.target.redirect_uri, "scope": "openid profile",
                           "state": secrets.token_urlsafe(12), "nonce": secrets.token_urlsafe(12),
                           "code_challenge": challenge, "code_challenge_method": "S256"})
        return f"{self.target.issuer}{self.target.authorize_path}?{query}", verifier

    def token(self, data: dict) -> dict:
        response = self.backchannel.post(self.target.issuer + self.target.token_path, data=data, timeout=30,
                                         auth=(self.target.client_id, self.target.client_secret))
        if response.status_code != 200:
            raise RuntimeError(f"token endpoint: {response.status_code} {response.text[:200]}")
        tokens = response.json()
        self.refresh_token = tokens["refresh_token"]
        return tokens

    def exchange(self, callback: str, verifier: str) -> dict:
        code = parse_qs(urlsplit(callback).query)["code"][0]
        return self.token({"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                           "redirect_uri": self.target.redirect_uri})

    def sign_in(self) -> None:
        """Log in (and consent, the first time) with this browser."""
        url, verifier = self.authorization_url()
        callback = Citizen(self.target.pinfl, PASSWORD, http=self.browser).authorize(
            url, redirect_uri=self.target.redirect_uri)
        self.exchange(callback, verifier)

    def flow(self) -> None:
        url, verifier = self.authorization_url()
        response = self.browser.get(url, allow_redirects=False, timeout=30)
        location = response.headers.get("Location", "")
        if response.status_code not in (302, 303) or not location.startswith(self.target.redirect_uri):
            raise RuntimeError(f"authorize: {response.status_code} to {location[:100]}")
        tokens = self.exchange(location, verifier)
        userinfo = self.backchannel.get(self.target.issuer + self.target.userinfo_path, timeout=30,
                                        headers={"Authorization": "Bearer " + tokens["access_token"]})
        if userinfo.status_code != 200:
            raise RuntimeError(f"userinfo: {userinfo.status_code}")

    def refresh(self) -> None:
        self.token({"grant_type": "refresh_token", "refresh_token": self.refresh_token})

    def login(self) -> None:
        url, verifier = self.authorization_url()
        callback = Citizen(self.target.pinfl, PASSWORD).authorize(url, redirect_uri=self.target.redirect_uri)
        self.exchange(callback, verifier)


def run_load(users: list[VirtualUser], operation: str, duration: float, limit: int) -> dict:
    """Each user in its own thread repeats ``operation`` until the time or
    request budget is spent."""
    lock, latencies, errors = threading.Lock(), [], []
    deadline = time.monotonic() + duration

    def worker(user: VirtualUser) -> None:
        act = getattr(user, operation)
        while time.monotonic() < deadline:
            with lock:
                if len(latencies) + len(errors) >= limit:
                    return
            start = time.perf_counter()
            try:
                act()
            except Exception as exc:  # counted and reported, the run goes on
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            with lock:
                latencies.append(time.perf_counter() - start)

    threads = [threading.Thread(target=worker, args=(user,)) for user in users]
    cpu, wall = time.process_time(), time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "errors": len(errors), "first_error": errors[0] if errors else None,
            "wall": time.monotonic() - wall, "client_cpu": time.process_time() - cpu}


def load_process(target: Target, operation: str, concurrency: int, duration: float, limit: int,
                 cpus: set[int] | None, conn, user_class=None) -> None:
    """The load generator (a separate process): prepare untimed, wait for
    the go, run, send the results back."""
    if cpus:
        os.sched_setaffinity(0, cpus)
    users = [(user_class or VirtualUser)(target) for _ in range(concurrency)]
    for user in users:
        user.sign_in()
        getattr(user, operation)()  # warm-up
    conn.send("ready")
    conn.recv()
    conn.send(run_load(users, operation, duration, limit))


def process_group_cpu(pgid: int) -> float:
    """CPU seconds (user + system) used so far by every process in a group."""
    ticks = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the command: state, ppid, pgrp, ...
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def measure(operation: str, target: Target, server_pgid: int, args, load_cpus: set[int] | None,
            user_class=None) -> dict:
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=load_process, args=(target, operation, args.concurrency, args.duration,
                                                         LIMITS[operation], load_cpus, theirs, user_class))
    process.start()
    try:
        if not ours.poll(120):
            raise RuntimeError(f"the {operation} load generator did not get ready")
        ours.recv()
        before = process_group_cpu(server_pgid)
        ours.send("go")
        if not ours.poll(args.duration + 120):
            raise RuntimeError(f"the {operation} load generator did not finish")
        result = ours.recv()
        result["server_cpu"] = process_group_cpu(server_pgid) - before
    finally:
        process.join(timeout=30)
        if process.is_alive():
            process.kill()
    return result


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def report(operation: str, result: dict) -> str:
    latencies = sorted(result["latencies"])
    if not latencies:
        return f"{TITLES[operation]:<28} no successful operation ({result['first_error']})"
    rate = len(latencies) / result["wall"]
    per_cpu_second = len(latencies) / result["server_cpu"] if result["server_cpu"] else float("nan")
    keycloak = KEYCLOAK_PER_VCPU.get(operation)
    ratio = f"{rate / keycloak:.2f}x / {per_cpu_second / keycloak:.2f}x of {keycloak}" if keycloak else "n/a"
    line = (f"{TITLES[operation]:<28}{len(latencies):>7}{result['errors']:>8}{rate:>8.1f}"
            f"{result['server_cpu'] / result['wall']:>8.0%}{per_cpu_second:>10.1f}"
            f"{result['client_cpu'] / result['wall']:>8.0%}{percentile(latencies, 50) * 1000:>8.1f}"
            f"{percentile(latencies, 99) * 1000:>8.1f}  {ratio}")
    if result["first_error"]:
        line += f"\n    first error: {result['first_error']}"
    return line


HEADER = (f"{'operation':<28}{'ok':>7}{'errors':>8}{'per s':>8}{'server':>8}{'per CPU-s':>10}{'client':>8}"
          f"{'p50 ms':>8}{'p99 ms':>8}  vs Keycloak per vCPU")
LEGEND = """
per s     completed operations per second (wall clock), server on one core
server    share of that core the server's processes used; the rest is waiting (disk flushes,\n          database locks, a database server elsewhere)
per CPU-s completed operations per second of server CPU time: the CPU-bound ceiling per core
client    share of a core the load generator used (near 100% would mean it, not the server, limits)
Keycloak  ratio of "per s" and of "per CPU-s" to Keycloak's published sizing per vCPU"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20, help="seconds per operation (default 20)")
    parser.add_argument("--concurrency", type=int, default=4, help="simultaneous virtual users (default 4)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads in the one worker (default 4)")
    parser.add_argument("--database-url", help="e.g. postgresql+psycopg://postgres@127.0.0.1/bench (default: "
                        "SQLite in a temporary directory); rows are added, never removed")
    parser.add_argument("--only", choices=list(TITLES), action="append", help="run only these operations")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (database, server log)")
    parser.add_argument("--tmpdir", help="where the temporary SQLite database goes (e.g. /dev/shm to take the "
                        "disk out of the measurement)")
    return parser.parse_args()


def seed(live: LiveIdp) -> Target:
    """A person with a password and a confidential client, through the CLI."""
    pinfl = "".join(secrets.choice("0123456789") for _ in range(14))
    live.cli("users", "create", "--pinfl", pinfl, "--password-stdin", "--given-name", "Virtual",
             stdin=PASSWORD + "\n")
    redirect_uri = "http://127.0.0.1:9/callback"  # never requested: the load generator reads the redirect
    client = live.cli_json("clients", "create", "--name", "benchmark", "--redirect-uri", redirect_uri)
    return Target(live.issuer, client["client_id"], client["client_secret"], redirect_uri, pinfl)


def main() -> None:
    args = parse_args()
    cores = sorted(os.sched_getaffinity(0))
    server_cpus, load_cpus = ({cores[0]}, set(cores[1:])) if len(cores) > 1 else (None, None)
    from idp.config import load_settings

    defaults = load_settings({})  # what the server runs with: no IDP_ARGON2_* override
    workspace = (contextlib.nullcontext(args.keep) if args.keep
                 else tempfile.TemporaryDirectory(prefix="idp-bench-", dir=args.tmpdir))
    with workspace as workdir:
        live = LiveIdp.prepare(Path(workdir), database_url=args.database_url, fast_hashing=False)
        target = seed(live)
        with live.serve(workers=1, threads=args.threads, cpus=server_cpus) as server:
            print(f"idp serve: 1 gunicorn worker x {args.threads} threads"
                  + (f", pinned to CPU {cores[0]}: figures are per CPU core" if server_cpus else
                     " (one CPU only: the load generator shares it)"))
            print(f"database: {'SQLite in ' + str(workdir) if not args.database_url else 'from --database-url'};"
                  f" argon2id m={defaults.argon2_memory_kib} KiB t={defaults.argon2_time_cost}"
                  f" p={defaults.argon2_parallelism}; {args.concurrency} virtual users on CPU "
                  f"{','.join(map(str, sorted(load_cpus))) if load_cpus else 'shared'};"
                  f" at most {args.duration:g} s per operation\n")
            print(HEADER)
            for operation in args.only or list(TITLES):
                print(report(operation, measure(operation, target, server.process.pid, args, load_cpus)),
                      flush=True)
    print(LEGEND)


if __name__ == "__main__":
    main()
