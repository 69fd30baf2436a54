"""Rate limits and attempt counters are shared by every worker and instance,
and production refuses to run several processes without a shared store."""
import threading

import pytest
import requests
from click.testing import CliRunner

from idp.config import ConfigError, check_workers, load_settings
from idp.state.store import DatabaseStateStore, RedisStateStore

PRODUCTION = {"IDP_ENV": "production", "IDP_SECRET_KEY": "x" * 40, "IDP_KEY_ENCRYPTION_KEY": "k",
              "IDP_PAIRWISE_SALT": "salt", "IDP_ISSUER": "https://id.gov.uz",
              "IDP_DATABASE_URL": "postgresql+psycopg://idp@db/idp",
              "IDP_REGISTRY_URL": "https://register.example", "IDP_SMTP_URL": "smtp://mail.internal:587"}


# -- the counter itself, on each store --------------------------------------------------------
@pytest.fixture(params=["database", "redis"])
def store(request, idp):
    if request.param == "database":
        return idp.state
    import secrets

    return RedisStateStore(request.getfixturevalue("redis_url"), prefix=f"test-{secrets.token_hex(4)}:")


def parallel(n, work):
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def run(i):
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


def test_parallel_hits_each_get_their_own_count(store):
    counts = parallel(12, lambda _i: store.hit("k:hits", 60).count)
    assert sorted(counts) == list(range(1, 13))
    assert store.count("k:hits") == 12
    store.reset("k:hits")
    assert store.count("k:hits") == 0 and store.hit("k:hits", 60).count == 1


def test_several_windows_are_counted_in_one_step_each_on_its_own(store):
    """hits/counts: the windows of one limit in one round trip, each key its own atomic count."""
    keys = [("k:w:10/60", 60), ("k:w:100/3600", 3600)]
    rounds = parallel(6, lambda _i: store.hits(keys))
    assert sorted(r[0].count for r in rounds) == list(range(1, 7))
    assert sorted(r[1].count for r in rounds) == list(range(1, 7))
    assert all(r[0].reset_in <= 61 and 61 < r[1].reset_in <= 3601 for r in rounds)  # windows started by another thread
    store.attempt("k:w:gate", free=5, max_delay=900, memory=3600)
    assert store.counts(["k:w:10/60", "k:w:none", "k:w:100/3600", "k:w:gate"]) == [6, 0, 6, 1]
    assert store.hits([]) == [] and store.counts([]) == []


def test_back_off_gate_lets_through_only_the_free_attempts_at_once(store):
    gates = parallel(12, lambda _i: store.attempt("k:gate", free=5, max_delay=900, memory=3600))
    assert sum(g.allowed for g in gates) == 5
    assert sorted(g.count for g in gates if g.allowed) == [1, 2, 3, 4, 5]
    assert all(1 <= g.wait <= 2 for g in gates if not g.allowed)  # the 5th makes the next wait 1 s
    store.reset("k:gate")
    assert store.attempt("k:gate", free=5, max_delay=900, memory=3600).allowed


def test_state_store_put_and_add_do_not_collide(idp):
    assert isinstance(idp.state, DatabaseStateStore)
    parallel(12, lambda i: idp.state.put("k:put", {"i": i}, 60))
    assert idp.state.get("k:put")["i"] in range(12)
    added = parallel(12, lambda i: idp.state.add("k:add", {"i": i}, 60))
    assert added.count(True) == 1


# -- production refuses several processes without Redis -------------------------------------
def test_production_refuses_several_workers_or_instances_without_redis():
    settings = load_settings(PRODUCTION)
    check_workers(settings, 1)
    with pytest.raises(ConfigError, match="IDP_REDIS_URL"):
        check_workers(settings, 2)
    with pytest.raises(ConfigError, match="IDP_REDIS_URL"):
        load_settings({**PRODUCTION, "IDP_INSTANCES": "2"})
    shared = load_settings({**PRODUCTION, "IDP_INSTANCES": "3", "IDP_REDIS_URL": "redis://cache:6379/0"})
    check_workers(shared, 4)
    check_workers(load_settings({"IDP_INSTANCES": "2"}), 4)  # development: allowed


def test_idp_serve_refuses_two_workers_in_production_without_redis(monkeypatch):
    from idp.cli import main

    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("IDP_REDIS_URL", raising=False)
    result = CliRunner().invoke(main, ["serve", "--workers", "2"])
    assert result.exit_code != 0 and "IDP_REDIS_URL" in result.output


@pytest.mark.parametrize("text", ["ten a minute", "a1b2"])
def test_malformed_limits_are_refused_with_the_variable_named(text):
    with pytest.raises(ConfigError, match="IDP_RATELIMIT"):
        load_settings({"IDP_RATELIMIT_LOGIN": text} if " " in text else {"IDP_RATELIMIT_CLIENTS": text})


# -- login limits across two real server processes ------------------------------------------
@pytest.mark.parametrize("shared", ["database", "redis"])
def test_login_limit_is_shared_by_two_instances(tmp_path, shared, request):
    from live import HOST, LiveIdp, csrf_token_in, free_port

    extra = {"IDP_RATELIMIT_LOGIN": "10/minute"}
    if shared == "redis":
        extra["IDP_REDIS_URL"] = request.getfixturevalue("redis_url")
        import redis

        redis.Redis.from_url(extra["IDP_REDIS_URL"]).flushdb()
    first = LiveIdp.prepare(tmp_path, extra_env=extra)
    second = LiveIdp(first.workdir, free_port(), {**first.env})
    second.env["IDP_ISSUER"] = f"http://{HOST}:{second.port}"
    browser = requests.Session()
    with first.serve(workers=1, threads=2), second.serve(workers=1, threads=2):
        token = csrf_token_in(browser.get(first.issuer + "/login", timeout=30).text)
        statuses = [browser.post((first, second)[i % 2].issuer + "/login", timeout=30, data={
            "identifier": f"person{i}@example.com", "password": "wrong password", "csrf_token": token,
        }).status_code for i in range(20)]
    assert statuses == [401] * 10 + [429] * 10, statuses


# -- token endpoint: per client, and failed client authentication per address ---------------
def _token_post(http, client_id, secret, address):
    import base64

    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return http.post("/token", data={"grant_type": "refresh_token", "refresh_token": "not-a-token"},
                     headers={"Authorization": f"Basic {basic}"}, environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def two_clients(idp, demo):
    from oidc.clients import create_client

    with idp.db.transaction() as s:
        other = create_client(s, name="Tax portal", redirect_uris=["http://tax.example/cb"])
        return ((demo["client"]["client_id"], demo["client"]["client_secret"]),
                (other.client.client_id, other.secret))


@pytest.fixture
def limited_app(settings_overrides, two_clients):
    from idp.app import create_app

    (portal, _), _other = two_clients
    return create_app({**settings_overrides, "ratelimit_token": "5/minute", "ratelimit_client_auth": "3/minute",
                       "ratelimit_clients": f"{portal}=8/minute"})


def test_token_quota_is_per_client_not_per_address(limited_app, two_clients):
    (portal, portal_secret), (tax, tax_secret) = two_clients
    http = limited_app.test_client()
    # One backend address sends for both portals: each has its own quota.
    portal_codes = [_token_post(http, portal, portal_secret, "192.0.2.10").status_code for _ in range(9)]
    tax_codes = [_token_post(http, tax, tax_secret, "192.0.2.10").status_code for _ in range(6)]
    assert portal_codes == [400] * 8 + [429]  # its own override: 8/minute
    assert tax_codes == [400] * 5 + [429]  # the default: 5/minute
    # The quota follows the client to any address.
    late = _token_post(http, tax, tax_secret, "198.51.100.7")
    assert late.status_code == 429 and late.get_json()["error"] == "slow_down" and late.headers["Retry-After"]


def test_failed_client_authentication_is_limited_per_address(limited_app, two_clients):
    (portal, portal_secret), _ = two_clients
    http = limited_app.test_client()
    wrong = [_token_post(http, portal, "wrong-secret", "203.0.113.5").status_code for _ in range(3)]
    assert wrong == [401] * 3
    blocked = _token_post(http, portal, portal_secret, "203.0.113.5")  # checked no more from there
    assert blocked.status_code == 429 and blocked.get_json()["error"] == "slow_down"
    assert _token_post(http, portal, portal_secret, "192.0.2.10").status_code == 400  # the client's own backend


def test_expired_counters_are_purged(idp):
    from sqlalchemy import func, select, update

    from idp.state.models import AttemptCounter

    idp.state.hit("k:old", 60)
    idp.state.hit("k:live", 60)
    with idp.db.transaction() as s:
        s.execute(update(AttemptCounter).where(AttemptCounter.key == "k:old").values(expires_at=0))
    assert idp.state.count("k:old") == 0  # an expired counter counts nothing
    assert idp.state.hit("k:old", 60).count == 1  # and starts again
    with idp.db.transaction() as s:
        s.execute(update(AttemptCounter).where(AttemptCounter.key == "k:old").values(expires_at=0))
    idp.state.purge_expired()
    with idp.db.transaction() as s:
        assert s.scalars(select(AttemptCounter.key)).all() == ["k:live"]
        assert s.scalar(select(func.count()).select_from(AttemptCounter)) == 1
