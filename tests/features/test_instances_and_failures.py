"""Two `idp serve` instances on one PostgreSQL and one Redis, as production
runs: a login moves between them, one is killed under load, Redis and then
PostgreSQL go away and come back, and a mixed load reports no unexpected
error. Loopback only; every wait is bounded.

Redis and PostgreSQL are reached through TCP proxies that the test cuts and
restores (tests/features/tcp_proxy.py): to the instances that is a restart
of the store, while the machine's own servers, which other tests use, keep
running.
"""
from __future__ import annotations

import base64
import hashlib
import os
import secrets
import signal
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from features.tcp_proxy import TcpProxy
from live import Citizen, LiveIdp, ServerProcess, csrf_token_in, free_port, idp_command
from service_checks import PG_URL, REDIS_URL
from service_checks import unavailable as _unavailable

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

PASSWORD = "failover-password-2026"
REDIRECT = "http://127.0.0.1:9/callback"
MIXED_SECONDS = float(os.environ.get("IDP_TEST_MIXED_SECONDS", "20"))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, postgres_engine_module, redis_url_module):
    from sqlalchemy import text

    workdir = tmp_path_factory.mktemp("cluster")
    schema = "t_" + secrets.token_hex(6)
    with postgres_engine_module.connect() as conn:
        conn.execute(text(f"create schema {schema}"))
    pg_proxy = TcpProxy("127.0.0.1", 5432)
    redis_db = redis_url_module.rsplit("/", 1)[0] + "/12"
    import redis

    redis.Redis.from_url(redis_db).flushdb()
    redis_proxy = TcpProxy("127.0.0.1", int(urlsplit(redis_db).port or 6379))
    direct = f"{PG_URL}?options=-csearch_path%3D{schema}"
    proxied = f"{PG_URL.replace('127.0.0.1:5432', f'127.0.0.1:{pg_proxy.port}')}?options=-csearch_path%3D{schema}"
    live = LiveIdp.prepare(workdir, database_url=direct,
                           extra_env={"IDP_REDIS_URL": redis_db, "IDP_INSTANCES": "2"})
    pinfl = "".join(secrets.choice("0123456789") for _ in range(14))
    live.cli("users", "create", "--pinfl", pinfl, "--password-stdin", "--given-name", "Two", stdin=PASSWORD + "\n")
    client = live.cli_json("clients", "create", "--name", "portal", "--redirect-uri", REDIRECT)
    env = {**live.env, "IDP_DATABASE_URL": proxied,
           "IDP_REDIS_URL": f"redis://127.0.0.1:{redis_proxy.port}/12"}
    ports = [live.port, free_port()]
    servers = []
    try:
        for i, port in enumerate(ports):
            server = ServerProcess.start(f"idp-{i}", [*idp_command(), "serve", "--bind", f"127.0.0.1:{port}",
                                                      "--workers", "1", "--threads", "4"], env=env, cwd=workdir)
            servers.append(server)
        for server, port in zip(servers, ports):
            server.wait_until_ready(f"http://127.0.0.1:{port}/healthz")
        yield {"urls": [f"http://127.0.0.1:{p}" for p in ports], "servers": servers, "pinfl": pinfl,
               "client": client, "issuer": live.issuer, "pg": pg_proxy, "redis": redis_proxy, "live": live,
               "env": env}
    finally:
        for server in servers:
            server.stop()
        pg_proxy.close()
        redis_proxy.close()
        with postgres_engine_module.connect() as conn:
            conn.execute(text(f"drop schema {schema} cascade"))


@pytest.fixture(scope="module")
def postgres_engine_module():
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:
        _unavailable("PostgreSQL at 127.0.0.1:5432", type(exc).__name__)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def redis_url_module():
    try:
        import redis

        redis.Redis.from_url(REDIS_URL).ping()
    except Exception as exc:
        _unavailable("Redis at 127.0.0.1:6379", type(exc).__name__)
    return REDIS_URL


class Portal:
    """A confidential portal's back channel plus one citizen's browser."""

    def __init__(self, cluster):
        self.c = cluster
        self.browser = requests.Session()
        self.backchannel = requests.Session()
        self.backchannel.auth = (cluster["client"]["client_id"], cluster["client"]["client_secret"])

    def authorization_query(self) -> tuple[str, str]:
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = urlencode({"response_type": "code", "client_id": self.c["client"]["client_id"],
                           "redirect_uri": REDIRECT, "scope": "openid profile", "state": "s",
                           "nonce": secrets.token_urlsafe(8), "code_challenge": challenge,
                           "code_challenge_method": "S256"})
        return query, verifier

    def tokens(self, base: str, code: str, verifier: str) -> requests.Response:
        return self.backchannel.post(base + "/token", data={"grant_type": "authorization_code", "code": code,
                                                            "redirect_uri": REDIRECT, "code_verifier": verifier},
                                     timeout=30)


def test_a_login_started_on_one_instance_finishes_on_the_other(cluster):
    a, b = cluster["urls"]
    portal = Portal(cluster)
    query, verifier = portal.authorization_query()
    response = portal.browser.get(a + "/authorize?" + query, allow_redirects=False, timeout=30)
    hops = [a]
    for i in range(10):
        location = response.headers["Location"]
        if location.startswith(REDIRECT):
            break
        base = (b, a)[i % 2]  # every step on the other instance
        hops.append(base)
        path = location if location.startswith("/") else "/" + location.split("/", 3)[-1]
        if path.startswith("/login"):
            page = portal.browser.get(base + path, timeout=30)
            response = portal.browser.post(base + path, data={"identifier": cluster["pinfl"], "password": PASSWORD,
                                                              "csrf_token": csrf_token_in(page.text)},
                                           allow_redirects=False, timeout=30)
        elif path.startswith("/authorize/consent"):
            page = portal.browser.get(base + path, timeout=30)
            response = portal.browser.post(base + path, data={"csrf_token": csrf_token_in(page.text),
                                                              "decision": "allow", "remember": "1"},
                                           allow_redirects=False, timeout=30)
        else:
            response = portal.browser.get(base + path, allow_redirects=False, timeout=30)
    assert set(hops) == {a, b}
    code = parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]
    tokens = portal.tokens(b, code, verifier)
    assert tokens.status_code == 200, tokens.text
    userinfo = requests.get(a + "/userinfo", headers={"Authorization": "Bearer " + tokens.json()["access_token"]},
                            timeout=30)
    assert userinfo.status_code == 200


def signed_in_portal(cluster) -> Portal:
    portal = Portal(cluster)
    query, verifier = portal.authorization_query()
    callback = Citizen(cluster["pinfl"], PASSWORD, http=portal.browser).authorize(
        cluster["urls"][0] + "/authorize?" + query, redirect_uri=REDIRECT)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    assert portal.tokens(cluster["urls"][0], code, verifier).status_code == 200
    return portal


def one_flow(portal: Portal, base: str) -> list[int]:
    """authorize with the session -> token -> userinfo; the statuses seen."""
    query, verifier = portal.authorization_query()
    first = portal.browser.get(base + "/authorize?" + query, allow_redirects=False, timeout=30)
    statuses = [first.status_code]
    location = first.headers.get("Location", "")
    if not location.startswith(REDIRECT):
        return statuses
    tokens = portal.tokens(base, parse_qs(urlsplit(location).query)["code"][0], verifier)
    statuses.append(tokens.status_code)
    if tokens.status_code == 200:
        info = requests.get(base + "/userinfo", timeout=30,
                            headers={"Authorization": "Bearer " + tokens.json()["access_token"]})
        statuses.append(info.status_code)
    return statuses


def test_redis_then_postgresql_go_away_and_come_back_with_clean_503s(cluster):
    portal = signed_in_portal(cluster)
    base = cluster["urls"][1]
    assert one_flow(portal, base) == [302, 200, 200]
    for store in ("redis", "pg"):
        cluster[store].cut()
        try:
            seen = []
            for _ in range(3):
                seen += one_flow(portal, base)
            assert 500 not in seen and 503 in seen, (store, seen)
            outage = requests.get(base + "/readyz", timeout=30)
            assert outage.status_code == 503 and outage.headers["Retry-After"]
            blocked = requests.post(base + "/token", data={"grant_type": "refresh_token", "refresh_token": "x"},
                                    auth=portal.backchannel.auth, timeout=30)
            assert blocked.status_code == 503 and blocked.headers["Retry-After"], (store, blocked.text)
        finally:
            cluster[store].restore()
        deadline = time.monotonic() + 30
        while requests.get(base + "/readyz", timeout=30).status_code != 200:
            assert time.monotonic() < deadline, f"{store}: not ready again"
            time.sleep(0.5)
        assert one_flow(portal, base) == [302, 200, 200], f"after {store} came back"  # no restart of the IdP


def test_one_instance_killed_under_load_the_other_keeps_serving(cluster):
    a, b = cluster["urls"]
    portals = [signed_in_portal(cluster) for _ in range(3)]
    results = {a: [], b: []}
    codes_received = []
    stop = threading.Event()
    killed = threading.Event()
    lock = threading.Lock()

    def worker(portal):
        i = 0
        while not stop.is_set():
            base = (a, b)[i % 2]
            i += 1
            try:
                statuses = one_flow(portal, base)
            except requests.RequestException:
                if base == a and killed.is_set():
                    continue  # the killed instance: its connection fails, as expected
                raise
            with lock:
                results[base].append((killed.is_set(), statuses))
                if statuses[:2] == [302, 200]:
                    codes_received.append(base)

    threads = [threading.Thread(target=worker, args=(p,)) for p in portals]
    for t in threads:
        t.start()
    time.sleep(3)
    server_a = cluster["servers"][0]
    os.killpg(server_a.process.pid, signal.SIGKILL)
    killed.set()
    time.sleep(4)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    after_kill_on_b = [s for k, s in results[b] if k]
    assert after_kill_on_b, "instance B served nothing after A died"
    assert all(code < 500 for _k, statuses in results[b] for code in statuses), results[b]
    assert all(statuses == [302, 200, 200] for statuses in after_kill_on_b)
    # every code a portal received was recorded: the audit log has at least as many
    live = cluster["live"]
    counted = live.cli_json("audit", "verify")
    assert counted["ok"] is True
    from sqlalchemy import create_engine, text

    engine = create_engine(live.env["IDP_DATABASE_URL"])
    with engine.connect() as conn:
        authorized = conn.execute(text("select count(*) from audit_event where event = 'oidc.authorized'")).scalar()
    engine.dispose()
    assert authorized >= len(codes_received)
    # A comes back on the same database and Redis and serves at once
    restarted = ServerProcess.start("idp-0b", [*idp_command(), "serve", "--bind", a.split("//")[1], "--workers", "1",
                                               "--threads", "4"], env=cluster["env"],
                                    cwd=Path(server_a.log_path).parent)
    cluster["servers"][0] = restarted
    restarted.wait_until_ready(a + "/healthz")
    assert one_flow(portals[0], a) == [302, 200, 200]


def test_a_mixed_load_has_no_unexpected_error(cluster):
    a, b = cluster["urls"]
    portals = [signed_in_portal(cluster) for _ in range(2)]
    unexpected, counts = [], {"ok": 0}
    stop = time.monotonic() + MIXED_SECONDS
    lock = threading.Lock()

    def note(what, response, allowed):
        with lock:
            if response.status_code in allowed:
                counts["ok"] += 1
            else:
                unexpected.append((what, response.status_code, response.text[:200]))

    def browsing(portal):
        i = 0
        while time.monotonic() < stop:
            base = (a, b)[i % 2]
            i += 1
            statuses = one_flow(portal, base)
            with lock:
                if statuses == [302, 200, 200]:
                    counts["ok"] += 1
                else:
                    unexpected.append(("flow", statuses, base))
            note("discovery", requests.get(base + "/.well-known/openid-configuration", timeout=30), {200})
            note("jwks", requests.get(base + "/jwks.json", timeout=30), {200})

    def attacker():
        session = requests.Session()
        while time.monotonic() < stop:
            page = session.get(a + "/login", timeout=30)
            wrong = session.post(a + "/login", data={"identifier": "nobody@example.uz", "password": "wrong",
                                                     "csrf_token": csrf_token_in(page.text)}, timeout=30)
            note("wrong password", wrong, {401, 429})
            note("bad token", requests.post(b + "/token", data={"grant_type": "refresh_token",
                                                                "refresh_token": "nope"},
                                            auth=portals[0].backchannel.auth, timeout=30), {400})
            time.sleep(0.05)

    threads = [threading.Thread(target=browsing, args=(p,)) for p in portals] + [threading.Thread(target=attacker)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=MIXED_SECONDS + 120)
    assert unexpected == [] and counts["ok"] > 20, (unexpected[:5], counts)
