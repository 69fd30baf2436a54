"""Attempts are counted per account and before each guess is checked, so no
number of addresses or parallel requests gets more guesses than the limit."""
import math
import threading
import time

import pyotp
import pytest

from idp.auth.throttle import FREE_FAILURES
from oidc_helpers import csrf_from

from .conftest import PINFL, Browser


def post_from(http, path, data, address, page=None):
    """A form post from ``address`` (the page with the CSRF token is fetched from there too)."""
    environ = {"REMOTE_ADDR": address}
    token = csrf_from(http.get(page or path, environ_base=environ).get_data(as_text=True))
    return http.post(path, data={**data, "csrf_token": token}, environ_base=environ)


def attacker_after_password(app, idp):
    """A second browser that knows the password and stands at the second step."""
    attacker = Browser(app.test_client(), idp)
    assert attacker.password_login().headers["Location"].startswith("/login/verify")
    return attacker


@pytest.fixture
def still_clock(monkeypatch):
    """The counters' clock stands still, so no back-off step ends during a test."""
    from types import SimpleNamespace

    from idp.state import counters

    now = time.time()
    monkeypatch.setattr(counters, "time", SimpleNamespace(time=lambda: now))


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_totp_guesses_from_many_addresses_are_throttled_per_account(browser, app, idp, still_clock):
    browser.password_login()
    secret = browser.enable_totp()
    attacker = attacker_after_password(app, idp)
    right = pyotp.TOTP(secret).at(time.time() + 30)  # next step: not yet used
    statuses = [post_from(attacker.http, "/login/verify?lang=en", {"action": "totp", "code": wrong(right)},
                          f"10.0.{i}.7").status_code for i in range(40)]
    assert set(statuses) <= {400}
    late = post_from(attacker.http, "/login/verify?lang=en", {"action": "totp", "code": right}, "10.1.0.1")
    assert late.status_code == 400 and "Too many failed attempts" in late.get_data(as_text=True)
    assert _events(idp, "login.totp.failed") == FREE_FAILURES
    assert _events(idp, "login.totp.throttled") == 40 - FREE_FAILURES + 1


def test_recovery_code_guesses_from_many_addresses_are_throttled_per_account(browser, app, idp, still_clock):
    browser.password_login()
    browser.enable_totp()
    page = browser.form("/cabinet/security/recovery-codes", {}, page="/cabinet/security/")
    import re

    codes = re.findall(r"<li>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</li>", page.get_data(as_text=True))
    assert len(codes) == 10
    attacker = attacker_after_password(app, idp)
    for i in range(20):
        post_from(attacker.http, "/login/verify", {"action": "recovery", "code": "AAAA-BBBB-CCCC"}, f"10.2.{i}.9")
    late = post_from(attacker.http, "/login/verify?lang=en", {"action": "recovery", "code": codes[0]}, "10.3.0.1")
    assert late.status_code == 400 and "Too many failed attempts" in late.get_data(as_text=True)
    assert _events(idp, "login.recovery_code.failed") == FREE_FAILURES


def test_second_factor_guesses_do_not_slow_the_owners_known_device(browser, app, idp, still_clock):
    browser.password_login()
    secret = browser.enable_totp()
    owner = Browser(app.test_client(), idp)
    owner.password_login()
    owner.form("/login/verify", {"action": "totp", "code": pyotp.TOTP(secret).at(time.time() + 30)})
    owner.http.delete_cookie("idp_sid")  # logged out; the known-device cookie stays
    attacker = attacker_after_password(app, idp)
    for i in range(10):
        post_from(attacker.http, "/login/verify", {"action": "totp", "code": "000000"}, f"10.4.{i}.1")
    assert owner.password_login().headers["Location"].startswith("/login/verify")
    # The owner's device has its own counter: a wrong code there is only "not right".
    resp = owner.form("/login/verify?lang=en", {"action": "totp", "code": "000001"}, page="/login/verify")
    assert "not right" in resp.get_data(as_text=True)


def _events(idp, action: str) -> int:
    from sqlalchemy import func, select

    from idp.audit.models import AuditEvent

    with idp.db.transaction() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.event == action))


@pytest.fixture
def wide_app(settings_overrides, monkeypatch):
    """The application with a connection pool for many request threads in one
    process (each request holds one connection, and the counter takes another)."""
    import functools

    import idp.app
    from idp.db import Database

    monkeypatch.setattr(idp.app, "Database", functools.partial(Database, pool_size=30, max_overflow=30))
    app = idp.app.create_app(settings_overrides)
    services = app.extensions["idp"]
    services.db.create_all()
    services.warm()
    with services.db.transaction() as s:
        services.keys.ensure(s)
    from idp.demo import seed

    with services.db.transaction() as s:
        seed(s, services.passwords, portal_url="http://rp.example", environment="test")
    yield app
    services.db.dispose()


def _in_parallel(clients, send):
    """Call ``send(client)`` for every client at once; their responses."""
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def run(i):
        barrier.wait()
        try:
            results[i] = send(clients[i])
        except Exception as exc:  # surfaced by the assertion below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def _counting(monkeypatch, obj, name):
    calls = []
    original = getattr(obj, name)

    def spy(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(obj, name, spy)
    return calls


@pytest.mark.parametrize("n", [16])
def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(wide_app, monkeypatch, n):
    app, idp = wide_app, wide_app.extensions["idp"]
    clients = [app.test_client() for _ in range(n)]
    tokens = [csrf_from(c.get("/login").get_data(as_text=True)) for c in clients]
    checks = _counting(monkeypatch, idp.passwords, "verify")
    started = time.monotonic()
    responses = _in_parallel(list(zip(clients, tokens)), lambda ct: ct[0].post("/login", data={
        "identifier": PINFL, "password": "not the password", "csrf_token": ct[1]}))
    elapsed = time.monotonic() - started
    statuses = [getattr(r, "status_code", r) for r in responses]
    assert set(statuses) <= {401, 429}, statuses
    # Five free guesses, then one more per back-off step (1 s, 2 s, ...) that has passed.
    allowed = FREE_FAILURES + int(math.log2(elapsed + 1))
    print(f"{n} parallel wrong passwords: {len(checks)} checked in {elapsed:.2f} s (limit {allowed})")
    assert len(checks) <= allowed and statuses.count(401) == len(checks)


@pytest.mark.parametrize("n", [24])
def test_parallel_wrong_codes_get_no_more_checks_than_the_limit(wide_app, monkeypatch, n):
    app, idp = wide_app, wide_app.extensions["idp"]
    from idp.auth.codes import MAX_TRIES

    first = Browser(app.test_client(), idp)
    first.form("/login/code", {"action": "request", "identifier": PINFL, "channel": "email"})
    code = first.last_code()
    token = csrf_from(first.http.get("/login/code").get_data(as_text=True))
    session = first.http.get_cookie("idp_flow").value
    clients = []
    for _ in range(n):
        client = app.test_client()
        client.set_cookie("idp_flow", session)
        clients.append(client)
    checks = _counting(monkeypatch, idp.codes, "_mac")
    responses = _in_parallel(clients, lambda c: c.post("/login/code", data={
        "action": "verify", "code": wrong(code), "csrf_token": token}))
    statuses = [getattr(r, "status_code", r) for r in responses]
    print(f"{n} parallel wrong e-mail codes: {len(checks)} checked (limit {MAX_TRIES})")
    assert set(statuses) == {400}, statuses
    assert len(checks) <= MAX_TRIES
    late = clients[0].post("/login/code", data={"action": "verify", "code": code, "csrf_token": token})
    assert late.status_code == 400  # the right code no longer works
