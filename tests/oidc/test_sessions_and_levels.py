"""Consent, account selection, assurance levels, logout."""
import http.server as hs
import threading
from urllib.parse import parse_qs, urlencode

from joserfc import jwt
from joserfc.jwk import KeySet

from oidc_helpers import csrf_from, query_of

PINFL = "31503901234567"
HIGH = "http://eidas.europa.eu/LoA/high"


def test_consent_is_remembered_and_revocable(rp, login, http):
    _params, resp = rp.authorize()
    assert resp.headers["Location"].startswith(rp.redirect_uri)  # remembered: straight back
    page = http.get("/")
    token = csrf_from(page.get_data(as_text=True))
    assert http.post(f"/cabinet/consents/{rp.client_id}/revoke", data={"csrf_token": token}).status_code == 302
    _params, resp = rp.authorize()
    assert resp.headers["Location"].startswith("/authorize/consent")


def test_consent_lists_the_claims(rp, password, http):
    _params, resp = rp.authorize()
    resp = rp.login(PINFL, password, resp.headers["Location"])
    resp = http.get(resp.headers["Location"])
    assert resp.headers["Location"].startswith("/authorize/consent")
    text = http.get(resp.headers["Location"], headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "PINFL (personal identification number)" in text
    assert "E-mail address" in text and "Full name" in text


def test_denied_consent_returns_access_denied(rp, password):
    _params, resp = rp.authorize()
    q = rp.follow_to_code(resp, identifier=PINFL, password=password, consent=False)
    assert q["error"] == "access_denied" and q["iss"] == "http://localhost"


def test_prompt_consent_asks_again(rp, login):
    _params, resp = rp.authorize(prompt="consent")
    assert resp.headers["Location"].startswith("/authorize/consent")


def test_prompt_none_with_consent_needed_gives_consent_required(rp, login, http):
    token = csrf_from(http.get("/").get_data(as_text=True))
    http.post(f"/cabinet/consents/{rp.client_id}/revoke", data={"csrf_token": token})
    _params, resp = rp.authorize(prompt="none")
    assert query_of(resp.headers["Location"])["error"] == "consent_required"


def test_prompt_select_account(rp, login, http):
    _params, resp = rp.authorize(prompt="select_account")
    assert resp.headers["Location"].startswith("/authorize/select-account")
    path = resp.headers["Location"]
    token = csrf_from(http.get(path).get_data(as_text=True))
    resp = http.post(path, data={"csrf_token": token, "choice": "current"})
    q = rp.follow_to_code(resp)
    assert "code" in q


def test_login_hint_for_another_account_asks_to_log_in(rp, login):
    _params, resp = rp.authorize(login_hint="42207851234568")
    assert resp.headers["Location"].startswith("/login")


def test_acr_high_with_low_identity_explains_and_can_continue_lower(rp, login, http):
    _params, resp = rp.authorize(acr_values=HIGH)
    assert "why=identity_level" in resp.headers["Location"]
    page = http.get(resp.headers["Location"])
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    token = csrf_from(text)
    rid = parse_qs(resp.headers["Location"].split("?", 1)[1])["r"][0]
    resp = http.post(f"/authorize/accept-lower-level?r={rid}", data={"csrf_token": token})
    q = rp.follow_to_code(resp)
    claims = rp.decode_id_token(rp.token(q["code"]).get_json()["id_token"]).claims
    assert claims["acr"] == "http://eidas.europa.eu/LoA/low"


def test_essential_acr_that_cannot_be_met_is_an_error(rp, login):
    claims = '{"id_token": {"acr": {"essential": true, "values": ["%s"]}}}' % HIGH
    _params, resp = rp.authorize(claims=claims)
    q = query_of(resp.headers["Location"])
    assert q["error"] == "unmet_authentication_requirements"


def test_acr_prompt_none_gives_interaction_required_when_step_up_possible(rp, login, idp):
    from sqlalchemy import update

    from idp.people.models import Account

    with idp.db.transaction() as s:
        s.execute(update(Account).values(identity_level="high"))
    _params, resp = rp.authorize(acr_values=HIGH, prompt="none")
    assert query_of(resp.headers["Location"])["error"] == "interaction_required"


def test_acr_is_the_lower_of_identity_and_authentication(rp, login, idp, password):
    from sqlalchemy import update

    from idp.people.models import Account

    with idp.db.transaction() as s:
        s.execute(update(Account).values(identity_level="high"))
    _params, resp = rp.authorize(prompt="login")
    q = rp.follow_to_code(resp, identifier=PINFL, password=password)
    claims = rp.decode_id_token(rp.token(q["code"]).get_json()["id_token"]).claims
    assert claims["acr"] == "http://eidas.europa.eu/LoA/low"  # password only


def test_pairwise_subjects_differ_per_sector_and_public_is_stable(app, http, idp, demo, password):
    from oidc.clients import create_client
    from oidc_helpers import RP

    subs = []
    with idp.db.transaction() as s:
        a = create_client(s, name="A", redirect_uris=["https://a.example/cb"])
        b = create_client(s, name="B", redirect_uris=["https://b.example/cb"])
        p = create_client(s, name="P", redirect_uris=["https://p.example/cb"], subject_type="public")
    for new, uri in ((a, "https://a.example/cb"), (b, "https://b.example/cb"), (p, "https://p.example/cb")):
        rp = RP(http, app, client_id=new.client.client_id, secret=new.secret, redirect_uri=uri)
        _params, resp = rp.authorize()
        q = rp.follow_to_code(resp, identifier=PINFL, password=password)
        subs.append(rp.decode_id_token(rp.token(q["code"]).get_json()["id_token"]).claims["sub"])
    assert subs[0] != subs[1]
    from idp.people.models import Account

    with idp.db.transaction() as s:
        account_id = s.query(Account).join(Account.person).filter_by(pinfl=PINFL).one().id
    assert subs[2] == account_id


def test_rp_initiated_logout_with_hint_and_registered_redirect(rp, login, http):
    params = {"id_token_hint": login["id_token"], "post_logout_redirect_uri": "http://rp.example/logged-out",
              "state": "bye"}
    resp = http.get("/logout?" + urlencode(params))
    assert resp.status_code == 302
    assert resp.headers["Location"] == "http://rp.example/logged-out?state=bye"
    assert http.get("/userinfo", headers={"Authorization": f"Bearer {login['access_token']}"}).status_code == 401
    _params, resp = rp.authorize(prompt="none")
    assert query_of(resp.headers["Location"])["error"] == "login_required"


def test_logout_refuses_unregistered_redirect(rp, login, http):
    params = {"id_token_hint": login["id_token"], "post_logout_redirect_uri": "https://evil.example/"}
    resp = http.get("/logout?" + urlencode(params))
    assert resp.status_code == 400 and "Location" not in resp.headers


def test_logout_without_hint_asks_for_confirmation(rp, login, http):
    page = http.get("/logout")
    assert page.status_code == 200 and 'name="confirm"' in page.get_data(as_text=True)
    assert http.post("/logout", data={"confirm": "yes"}).status_code == 200  # no CSRF token: not logged out
    _params, resp = rp.authorize(prompt="none")
    assert "code" in query_of(resp.headers["Location"])
    token = csrf_from(page.get_data(as_text=True))
    http.post("/logout", data={"confirm": "yes", "csrf_token": token})
    _params, resp = rp.authorize(prompt="none")
    assert query_of(resp.headers["Location"])["error"] == "login_required"


def test_back_channel_logout_token_reaches_the_client(rp, password, http, idp):
    received = []

    class Handler(hs.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            length = int(self.headers["Content-Length"])
            received.append(parse_qs(self.rfile.read(length).decode())["logout_token"][0])
            self.send_response(200)
            self.end_headers()

    server = hs.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        from oidc.models import Client

        with idp.db.transaction() as s:
            s.get(Client, rp.client_id).backchannel_logout_uri = f"http://127.0.0.1:{server.server_port}/bcl"
        _params, resp = rp.authorize()
        tokens = rp.token(rp.follow_to_code(resp, identifier=PINFL, password=password)["code"]).get_json()
        id_claims = rp.decode_id_token(tokens["id_token"]).claims
        http.get("/logout?" + urlencode({"id_token_hint": tokens["id_token"]}))
        http.application.extensions["oidc_backchannel"].idle(5)  # sent after the logout commits
    finally:
        server.shutdown()
    assert len(received) == 1
    jwks = KeySet.import_key_set(http.get("/jwks.json").get_json())
    claims = jwt.decode(received[0], jwks, algorithms=["ES256"]).claims
    assert claims["sid"] == id_claims["sid"] and claims["sub"] == id_claims["sub"]
    assert claims["aud"] == rp.client_id and "nonce" not in claims
    assert "http://schemas.openid.net/event/backchannel-logout" in claims["events"]
