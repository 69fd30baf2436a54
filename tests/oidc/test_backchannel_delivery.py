"""Back-channel logout is delivered after the logout commits, outside the
request, in parallel, with a timeout and retries, and recorded per client.

The relying parties here are real HTTP servers on loopback ports. One of them
behaves as Apache's mod_auth_openidc does: on a logout token it revokes its
tokens at the IdP's ``/revoke`` before it answers.
"""
from __future__ import annotations

import base64
import datetime as dt
import http.server as hs
import threading
import time
from urllib.parse import parse_qs, urlencode

import pytest
from click.testing import CliRunner
from joserfc import jwt
from joserfc.jwk import KeySet
from sqlalchemy import select

from idp.db import utcnow
from oidc.clients import create_client
from oidc.delivery import Policy, attempt, claim
from oidc.models import BackchannelDelivery, Client
from oidc_helpers import RP, csrf_from

PINFL = "31503901234567"
FAST = Policy(timeout=1.0, max_attempts=3, backoff=(0.05,))


class RelyingParty:
    """A back-channel logout endpoint. ``answers``: (status, delay) per
    request, the last one repeating; ``on_token`` runs before it answers."""

    def __init__(self, answers=((200, 0.0),), on_token=None):
        self.answers, self.on_token = list(answers), on_token
        self.tokens: list[str] = []
        self.callback_results: list = []
        rp = self

        class Handler(hs.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers["Content-Length"])
                token = parse_qs(self.rfile.read(length).decode())["logout_token"][0]
                rp.tokens.append(token)
                status, delay = rp.answers[min(len(rp.tokens), len(rp.answers)) - 1]
                if rp.on_token:
                    rp.callback_results.append(rp.on_token(token))
                time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:  # the IdP stopped waiting
                    pass

        self.server = hs.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.uri = f"http://127.0.0.1:{self.server.server_port}/backchannel"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def worker(app):
    worker = app.extensions["oidc_backchannel"]
    worker.policy = FAST
    yield worker
    worker.stop()


@pytest.fixture
def parties():
    started = []

    def start(**kwargs):
        started.append(RelyingParty(**kwargs))
        return started[-1]

    yield start
    for rp in started:
        rp.close()


def _client(app, http, idp, name, backchannel_uri):
    """A confidential client with a back-channel URI, and its RP driver."""
    redirect = f"http://{name}.example/callback"
    with idp.db.transaction() as s:
        new = create_client(s, name=name, redirect_uris=[redirect], scopes=["openid", "profile"],
                            backchannel_logout_uri=backchannel_uri)
    return RP(http, app, client_id=new.client.client_id, secret=new.secret, redirect_uri=redirect)


def _log_in(rp, password):
    """The browser logs in (or reuses its session) and the client gets tokens."""
    _params, resp = rp.authorize()
    return rp.token(rp.follow_to_code(resp, identifier=PINFL, password=password)["code"]).get_json()


def _deliveries(idp):
    with idp.db.transaction() as s:
        return list(s.scalars(select(BackchannelDelivery).order_by(BackchannelDelivery.created_at)))


def _revoker(app, rp, access_token):
    """What mod_auth_openidc does with a logout token: revoke at /revoke."""
    def revoke(_token):
        basic = base64.b64encode(f"{rp.client_id}:{rp.secret}".encode()).decode()
        started = time.monotonic()
        status = app.test_client().post("/revoke", data={"token": access_token},
                                        headers={"Authorization": "Basic " + basic}).status_code
        return status, time.monotonic() - started
    return revoke


def test_relying_party_that_calls_back_into_the_idp_does_not_wait_on_the_logout(app, http, idp, demo, password,
                                                                                 worker, parties):
    placeholder = _client(app, http, idp, "apache", None)
    tokens = _log_in(placeholder, password)
    rp = parties(on_token=_revoker(app, placeholder, tokens["access_token"]))
    with idp.db.transaction() as s:
        s.get(Client, placeholder.client_id).backchannel_logout_uri = rp.uri
    started = time.monotonic()
    http.get("/logout?" + urlencode({"id_token_hint": tokens["id_token"]}))
    logout_took = time.monotonic() - started
    assert worker.idle(10)
    assert logout_took < 1.0, f"the logout waited {logout_took:.2f} s for the relying party"
    (status, revoke_took), = rp.callback_results
    assert status == 200 and revoke_took < 1.0
    (delivery,) = _deliveries(idp)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 1, None)
    assert delivery.client_id == placeholder.client_id and delivery.delivered_at is not None


def test_every_client_of_the_session_gets_its_token_in_parallel(app, http, idp, demo, password, worker, parties):
    slow = [parties(answers=[(200, 0.6)]) for _ in range(3)]
    clients = [_client(app, http, idp, f"portal{n}", rp.uri) for n, rp in enumerate(slow)]
    tokens = [_log_in(client, password) for client in clients]
    started = time.monotonic()
    http.get("/logout?" + urlencode({"id_token_hint": tokens[0]["id_token"]}))
    logout_took = time.monotonic() - started
    assert worker.idle(10)
    delivered_after = time.monotonic() - started
    assert logout_took < 0.5 and delivered_after < 1.5  # three 0.6 s answers, side by side
    jwks = KeySet.import_key_set(http.get("/jwks.json").get_json())
    for client, rp, issued in zip(clients, slow, tokens):
        (token,) = rp.tokens
        claims = jwt.decode(token, jwks, algorithms=["ES256"]).claims
        id_claims = client.decode_id_token(issued["id_token"]).claims
        assert claims["aud"] == client.client_id
        assert (claims["sid"], claims["sub"]) == (id_claims["sid"], id_claims["sub"])
    assert {d.status for d in _deliveries(idp)} == {"delivered"}


def test_a_failed_delivery_is_retried_with_a_fresh_token(app, http, idp, demo, password, worker, parties):
    rp = parties(answers=[(503, 0.0), (200, 0.0)])
    client = _client(app, http, idp, "flaky", rp.uri)
    tokens = _log_in(client, password)
    http.get("/logout?" + urlencode({"id_token_hint": tokens["id_token"]}))
    assert worker.idle(10)
    (delivery,) = _deliveries(idp)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 2, "http_503")
    jwks = KeySet.import_key_set(http.get("/jwks.json").get_json())
    first, second = (jwt.decode(t, jwks, algorithms=["ES256"]).claims for t in rp.tokens)
    assert first["jti"] != second["jti"]


def test_an_unreachable_client_is_given_up_after_the_last_attempt(app, http, idp, demo, password, worker, parties):
    gone = parties()
    gone.close()  # nothing listens on its port any more
    client = _client(app, http, idp, "gone", gone.uri)
    tokens = _log_in(client, password)
    http.get("/logout?" + urlencode({"id_token_hint": tokens["id_token"]}))
    assert worker.idle(10)
    (delivery,) = _deliveries(idp)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 3, "connection")
    # The record holds no token and nothing that names the person.
    with idp.db.transaction() as s:
        row = s.execute(select(BackchannelDelivery.__table__)).one()
    assert not any(isinstance(v, str) and v.startswith("eyJ") for v in row)
    assert PINFL not in str(row)


def test_every_call_has_a_timeout(app, http, idp, demo, password, worker, parties):
    worker.policy = Policy(timeout=0.3, max_attempts=1)
    stuck = parties(answers=[(200, 3.0)])
    client = _client(app, http, idp, "stuck", stuck.uri)
    tokens = _log_in(client, password)
    started = time.monotonic()
    http.get("/logout?" + urlencode({"id_token_hint": tokens["id_token"]}))
    assert worker.idle(10)
    assert time.monotonic() - started < 1.5
    (delivery,) = _deliveries(idp)
    assert (delivery.status, delivery.last_error) == ("failed", "timeout")


def test_a_redirect_is_not_followed(app, http, idp, demo, password, worker, parties):
    rp = parties(answers=[(302, 0.0)])
    client = _client(app, http, idp, "redirecting", rp.uri)
    tokens = _log_in(client, password)
    http.get("/logout?" + urlencode({"id_token_hint": tokens["id_token"]}))
    assert worker.idle(10)
    (delivery,) = _deliveries(idp)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 1, "http_302")
    assert len(rp.tokens) == 1


def test_a_logout_that_rolls_back_sends_nothing(app, http, idp, demo, password, worker, parties):
    from idp.auth.models import LoginSession
    from oidc.backchannel import end_session_everywhere

    rp = parties()
    client = _client(app, http, idp, "rolledback", rp.uri)
    _log_in(client, password)
    with app.app_context():
        login = idp.db.session.scalars(select(LoginSession)).one()
        assert end_session_everywhere(idp, login)
        idp.db.session.rollback()
        idp.db.session.commit()
    assert worker.idle(5)
    assert rp.tokens == [] and _deliveries(idp) == []


def test_two_workers_cannot_claim_the_same_attempt(app, http, idp, demo, password, worker, parties):
    client = _client(app, http, idp, "claimed", parties().uri)
    with idp.db.transaction() as s:
        s.add(BackchannelDelivery(id="d1", client_id=client.client_id, sid="s", sub="x"))
    now, lease = utcnow(), dt.timedelta(seconds=30)
    with idp.db.transaction() as s:
        assert claim(s, "d1", now=now, lease=lease)
    with idp.db.transaction() as s:
        assert not claim(s, "d1", now=now, lease=lease)
        assert claim(s, "d1", now=now + lease + dt.timedelta(seconds=1), lease=lease)  # its holder died
    assert attempt(idp, "d1", policy=FAST).status == "skipped"


def test_deliveries_left_by_a_stopped_server_are_sent_by_the_next_one(app, http, idp, demo, password, worker,
                                                                      parties, settings_overrides):
    from idp.app import create_app

    rp = parties()
    client = _client(app, http, idp, "restart", rp.uri)
    past = utcnow() - dt.timedelta(minutes=5)
    with idp.db.transaction() as s:  # one waiting for its retry, one whose sender died mid-call
        s.add(BackchannelDelivery(id="left1", client_id=client.client_id, sid="s1", sub="x", attempts=1,
                                  next_attempt_at=past, last_error="timeout"))
        s.add(BackchannelDelivery(id="left2", client_id=client.client_id, sid="s2", sub="y", attempts=1,
                                  next_attempt_at=past, claimed_until=past))
    restarted = create_app(settings_overrides)
    later = restarted.extensions["oidc_backchannel"]
    try:
        restarted.test_client().get("/.well-known/openid-configuration")  # its first request
        assert later.idle(10)
    finally:
        later.stop()
        restarted.extensions["idp"].db.dispose()
    assert len(rp.tokens) == 2
    assert {(d.id, d.status, d.attempts) for d in _deliveries(idp)} == {("left1", "delivered", 2),
                                                                        ("left2", "delivered", 2)}


def test_cli_retry_resends_what_failed(app, idp, demo, parties, settings_overrides, monkeypatch):
    from idp.cli import main

    rp = parties(answers=[(200, 0.0)])
    with idp.db.transaction() as s:
        client = create_client(s, name="Later", redirect_uris=["http://later.example/cb"],
                               backchannel_logout_uri=rp.uri).client
        s.add(BackchannelDelivery(id="f1", client_id=client.client_id, sid="s1", sub="x", status="failed",
                                  attempts=5, last_error="connection"))
    for key, value in settings_overrides.items():
        monkeypatch.setenv(f"IDP_{key.upper()}", str(value))
    result = CliRunner().invoke(main, ["backchannel", "retry", "--json"])
    assert result.exit_code == 0, result.output
    assert '"delivered": 1' in result.output
    assert len(rp.tokens) == 1
    (delivery,) = _deliveries(idp)
    assert (delivery.status, delivery.attempts) == ("delivered", 6)
    status = CliRunner().invoke(main, ["backchannel", "status"])
    assert f"{client.client_id}: delivered 1" in status.output


def test_cabinet_end_session_and_account_revocation_notify_the_clients(app, http, idp, demo, password, worker,
                                                                        parties):
    from idp.auth.models import LoginSession

    rp = parties()
    client = _client(app, http, idp, "cabinet", rp.uri)
    _log_in(client, password)
    with idp.db.transaction() as s:
        sid = s.scalars(select(LoginSession.id)).one()
    page = http.get("/")
    assert http.post(f"/cabinet/sessions/{sid}/end",
                     data={"csrf_token": csrf_from(page.get_data(as_text=True))}).status_code == 302
    assert worker.idle(10) and len(rp.tokens) == 1
    _log_in(client, password)
    with idp.db.transaction() as s:
        account_id = s.scalars(select(LoginSession.account_id)).first()
    with app.app_context():
        idp.revoke_account(account_id)
        idp.db.session.commit()
    assert worker.idle(10) and len(rp.tokens) == 2
    assert [d.status for d in _deliveries(idp)] == ["delivered", "delivered"]


def test_an_attempt_that_breaks_counts_and_is_given_up_at_the_limit(app, http, idp, demo, password, worker, parties):
    from oidc.models import SigningKey

    rp = parties()
    client = _client(app, http, idp, "nokey", rp.uri)
    tokens = _log_in(client, password)
    with idp.db.transaction() as s:  # the client signs with RS256, and no RS256 key is left
        s.get(Client, client.client_id).id_token_signed_response_alg = "RS256"
        for key in s.scalars(select(SigningKey).where(SigningKey.alg == "RS256")):
            s.delete(key)
    http.get("/logout?" + urlencode({"id_token_hint": tokens["id_token"]}))
    assert worker.idle(10)
    (delivery,) = _deliveries(idp)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 3, "internal")
    assert delivery.claimed_until is None and rp.tokens == []


def test_cli_purge_forgets_old_outcomes_but_keeps_pending(app, idp, demo, parties, settings_overrides, monkeypatch):
    from idp.cli import main

    old = utcnow() - dt.timedelta(days=40)
    with idp.db.transaction() as s:
        client = create_client(s, name="Old", redirect_uris=["http://old.example/cb"],
                               backchannel_logout_uri=parties().uri).client
        for n, status in enumerate(["delivered", "failed", "pending"]):
            s.add(BackchannelDelivery(id=f"old{n}", client_id=client.client_id, sub="x", status=status,
                                      created_at=old, next_attempt_at=utcnow() + dt.timedelta(hours=1)))
        s.add(BackchannelDelivery(id="recent", client_id=client.client_id, sub="y", status="delivered"))
    for key, value in settings_overrides.items():
        monkeypatch.setenv(f"IDP_{key.upper()}", str(value))
    result = CliRunner().invoke(main, ["backchannel", "purge", "--days", "30", "--json"])
    assert result.exit_code == 0 and '"removed": 2' in result.output, result.output
    assert sorted(d.id for d in _deliveries(idp)) == ["old2", "recent"]


def test_a_sweep_does_not_schedule_a_waiting_delivery_twice(app, idp, demo, worker, parties):
    with idp.db.transaction() as s:
        client = create_client(s, name="Waiting", redirect_uris=["http://waiting.example/cb"],
                               backchannel_logout_uri=parties().uri).client
        s.add(BackchannelDelivery(id="w1", client_id=client.client_id, sub="x", attempts=1,
                                  next_attempt_at=utcnow() + dt.timedelta(hours=1)))
    assert worker.sweep() == 1 and worker.sweep() == 1
    assert [entry[2] for entry in worker._heap] == ["w1"]
