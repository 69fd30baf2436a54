"""No input to the authorization, token, userinfo or logout endpoints gives a 500."""
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

PARAMS = ["response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "prompt", "max_age",
          "claims", "acr_values", "ui_locales", "login_hint", "code_challenge", "code_challenge_method",
          "request", "request_uri", "r", "id_token_hint", "post_logout_redirect_uri"]
TOKEN_PARAMS = ["grant_type", "code", "redirect_uri", "code_verifier", "refresh_token", "client_id",
                "client_secret", "client_assertion", "client_assertion_type", "scope", "token", "token_type_hint"]
values = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["code", "demo-portal", "http://rp.example/callback", "openid profile", "none", "login",
                     "-1", "9" * 30, '{"id_token": {"acr": {"essential": true}}}', "{", "[]", "null",
                     "authorization_code", "refresh_token", "S256", "plain", "\x00", "é" * 5,
                     "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "a.b.c"]),
)
query = st.dictionaries(st.sampled_from(PARAMS), values, max_size=8)
form = st.dictionaries(st.sampled_from(TOKEN_PARAMS), values, max_size=8)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def fuzz_client(app, demo):
    return app.test_client()


def test_authorize_never_500(fuzz_client, login_once):
    @FUZZ
    @given(params=query, method=st.sampled_from(["GET", "POST"]))
    def check(params, method):
        if method == "GET":
            resp = fuzz_client.get("/authorize?" + urlencode(params))
        else:
            resp = fuzz_client.post("/authorize", data=params)
        assert resp.status_code < 500, (params, resp.status_code)
    check()


def test_token_revoke_introspect_never_500(fuzz_client):
    @FUZZ
    @given(data=form, path=st.sampled_from(["/token", "/revoke", "/introspect"]),
           auth=st.sampled_from([None, "Basic ZGVtby1wb3J0YWw6eA==", "Basic !!!", "Bearer x"]))
    def check(data, path, auth):
        headers = {"Authorization": auth} if auth else {}
        resp = fuzz_client.post(path, data=data, headers=headers)
        assert resp.status_code < 500, (path, data, resp.status_code)
        assert resp.is_json and "error" in resp.get_json() or resp.status_code == 200
    check()


def test_userinfo_and_logout_never_500(fuzz_client):
    @FUZZ
    @given(token=st.text(st.characters(min_codepoint=32, max_codepoint=0x2FFF), max_size=80), params=query)
    def check(token, params):
        resp = fuzz_client.get("/userinfo", headers={"Authorization": "Bearer " + token})
        assert resp.status_code < 500
        assert fuzz_client.get("/logout?" + urlencode(params)).status_code < 500
    check()


@pytest.fixture
def login_once(fuzz_client):
    """Half the interesting paths need a logged-in browser."""
    from oidc_helpers import csrf_from

    token = csrf_from(fuzz_client.get("/login").get_data(as_text=True))
    fuzz_client.post("/login", data={"identifier": "31503901234567", "password": "demo-password-2026",
                                     "csrf_token": token})
