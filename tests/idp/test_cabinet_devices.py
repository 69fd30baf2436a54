"""Devices in the cabinet: each login session as "Chrome on Android, last
used ...", signed out one at a time or everywhere; signing out ends the
session at the IdP and tells each portal by back-channel logout."""
from __future__ import annotations

import http.server as hs
import threading
from urllib.parse import parse_qs

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from sqlalchemy import select

from idp.cabinet.devices import device_of
from oidc.clients import create_client
from oidc.delivery import Policy
from oidc_helpers import RP, csrf_from

PINFL = "31503901234567"
OTHER_PINFL = "42207851234568"
PASSWORD = "demo-password-2026"
ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Mobile Safari/537.36")
IPHONE_SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/17.5 Mobile/15E148 Safari/604.1")
WINDOWS_FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


@pytest.mark.parametrize("ua,browser,system", [
    (ANDROID_CHROME, "Chrome", "Android"),
    (IPHONE_SAFARI, "Safari", "iOS"),
    (WINDOWS_FIREFOX, "Firefox", "Windows"),
    ("", None, None),
    (None, None, None),
    ("\x00<script>alert(1)</script>", None, None),
])
def test_user_agents_in_words(ua, browser, system):
    device = device_of(ua)
    assert (device.browser, device.system) == (browser, system)


class BackchannelEndpoint:
    """A portal's back-channel logout URI on a loopback port."""

    def __init__(self):
        self.tokens: list[str] = []
        endpoint = self

        class Handler(hs.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                endpoint.tokens.append(parse_qs(body)["logout_token"][0])
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = hs.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.uri = f"http://127.0.0.1:{self.server.server_port}/backchannel"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint():
    server = BackchannelEndpoint()
    yield server
    server.close()


@pytest.fixture
def worker(app):
    worker = app.extensions["oidc_backchannel"]
    worker.policy = Policy(timeout=1.0, max_attempts=2, backoff=(0.05,))
    yield worker
    worker.stop()


def _browser(app, ua=ANDROID_CHROME):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = ua
    return client


def _log_in(browser, pinfl=PINFL):
    page = browser.get("/login?lang=en").get_data(as_text=True)
    response = browser.post("/login?lang=en", data={"identifier": pinfl, "password": PASSWORD,
                                                    "csrf_token": csrf_from(page)})
    assert response.status_code == 302


def _post(browser, path):
    token = csrf_from(browser.get("/?lang=en").get_data(as_text=True))
    return browser.post(path, data={"csrf_token": token})


def _sessions(idp, pinfl=PINFL):
    from idp.people.models import Account, Person

    with idp.db.transaction() as s:
        account = s.scalars(select(Account).join(Person).where(Person.pinfl == pinfl)).one()
        return [(x.id, x.user_agent) for x in idp.sessions.active_for(s, account.id)]


def test_sessions_are_listed_as_devices(app, demo):
    phone, laptop = _browser(app), _browser(app, WINDOWS_FIREFOX)
    _log_in(phone)
    _log_in(laptop)
    html = phone.get("/?lang=en").get_data(as_text=True)
    assert "Chrome on Android" in html and "Firefox on Windows" in html
    assert "Last used" in html and "Mozilla/5.0" not in html


def test_sign_out_everywhere_ends_every_session_and_tells_the_portal(app, idp, demo, endpoint, worker):
    phone, laptop = _browser(app), _browser(app, WINDOWS_FIREFOX)
    _log_in(laptop)
    redirect = "http://portal.example/callback"
    with idp.db.transaction() as s:
        new = create_client(s, name="Portal", redirect_uris=[redirect], scopes=["openid", "profile"],
                            backchannel_logout_uri=endpoint.uri)
    rp = RP(phone, app, client_id=new.client.client_id, secret=new.secret, redirect_uri=redirect)
    _params, response = rp.authorize()
    issued = rp.token(rp.follow_to_code(response, identifier=PINFL, password=PASSWORD)["code"]).get_json()
    assert len(_sessions(idp)) == 2

    response = _post(phone, "/cabinet/sessions/end-all")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert worker.idle(10)
    assert _sessions(idp) == []
    assert phone.get("/").status_code == 302 and laptop.get("/").status_code == 302
    (token,) = endpoint.tokens
    jwks = KeySet.import_key_set(phone.get("/jwks.json").get_json())
    claims = jwt.decode(token, jwks, algorithms=["ES256"]).claims
    id_claims = rp.decode_id_token(issued["id_token"]).claims
    assert claims["aud"] == rp.client_id and claims["sid"] == id_claims["sid"]
    # The portal's tokens of that session no longer work.
    assert phone.get("/userinfo", headers={"Authorization": "Bearer " + issued["access_token"]}).status_code == 401
    from idp.audit.models import AuditEvent

    with idp.db.transaction() as s:
        (event,) = s.scalars(select(AuditEvent).where(AuditEvent.event == "session.ended_all_by_user"))
        assert event.data == {"sessions": 2}


def test_sign_out_one_device_keeps_the_others(app, idp, demo):
    phone, laptop = _browser(app), _browser(app, WINDOWS_FIREFOX)
    _log_in(phone)
    _log_in(laptop)
    (laptop_sid,) = [sid for sid, ua in _sessions(idp) if ua == WINDOWS_FIREFOX]
    assert _post(phone, f"/cabinet/sessions/{laptop_sid}/end").status_code == 302
    assert [ua for _sid, ua in _sessions(idp)] == [ANDROID_CHROME]
    assert laptop.get("/").status_code == 302 and phone.get("/").status_code == 200


def test_nobody_signs_out_another_persons_session(app, idp, demo):
    mine, theirs = _browser(app), _browser(app, WINDOWS_FIREFOX)
    _log_in(mine)
    _log_in(theirs, OTHER_PINFL)
    (their_sid,), = [[sid for sid, _ua in _sessions(idp, OTHER_PINFL)]]
    _post(mine, f"/cabinet/sessions/{their_sid}/end")
    assert _sessions(idp, OTHER_PINFL) == [(their_sid, WINDOWS_FIREFOX)]


def test_sign_out_everywhere_needs_the_csrf_token(app, idp, demo):
    phone = _browser(app)
    _log_in(phone)
    assert phone.post("/cabinet/sessions/end-all").status_code == 400
    assert len(_sessions(idp)) == 1
