"""The OpenID Foundation basic and config certification checks, as tests."""
import time
from urllib.parse import urlencode

from oidc_helpers import query_of

PINFL = "31503901234567"


def test_discovery_document_has_required_fields(http):
    meta = http.get("/.well-known/openid-configuration").get_json()
    for field in ("issuer", "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri",
                  "response_types_supported", "subject_types_supported", "id_token_signing_alg_values_supported",
                  "end_session_endpoint", "revocation_endpoint", "introspection_endpoint"):
        assert field in meta, field
    assert meta["issuer"] == "http://localhost"
    assert meta["response_types_supported"] == ["code"]
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert "ES256" in meta["id_token_signing_alg_values_supported"]
    assert meta["authorization_response_iss_parameter_supported"] is True
    assert "http://eidas.europa.eu/LoA/high" in meta["acr_values_supported"]


def test_jwks_publishes_es256_and_rs256_without_private_parts(http):
    keys = http.get("/jwks.json").get_json()["keys"]
    assert {k["alg"] for k in keys} == {"ES256", "RS256"}
    for key in keys:
        assert "kid" in key and "d" not in key and "p" not in key


def test_state_is_echoed_with_iss(rp, password):
    params, resp = rp.authorize(state="xyz-123")
    q = rp.follow_to_code(resp, identifier=PINFL, password=password)
    assert q["state"] == "xyz-123"
    assert q["iss"] == "http://localhost"


def test_id_token_core_claims_and_kid(rp, password, http):
    params, resp = rp.authorize(nonce="n-0S6_WzA2Mj")
    q = rp.follow_to_code(resp, identifier=PINFL, password=password)
    body = rp.token(q["code"]).get_json()
    token = rp.decode_id_token(body["id_token"])
    claims = token.claims
    assert claims["iss"] == "http://localhost"
    assert claims["aud"] == [rp.client_id]
    assert claims["nonce"] == "n-0S6_WzA2Mj"
    assert claims["iat"] <= time.time() < claims["exp"]
    assert claims["sub"] and claims["sub"] != PINFL
    assert token.header["kid"] in {k["kid"] for k in http.get("/jwks.json").get_json()["keys"]}
    assert claims["acr"] == "http://eidas.europa.eu/LoA/low"
    assert claims["amr"] == ["pwd"]
    assert "sid" in claims and "auth_time" in claims


def test_missing_response_type_is_an_error_at_the_client(rp):
    params = rp.authorize_params(response_type=...)
    resp = rp.http.get("/authorize?" + urlencode(params))
    assert resp.status_code == 302
    q = query_of(resp.headers["Location"])
    assert q["error"] in ("invalid_request", "unsupported_response_type")
    assert q["state"] == params["state"]


def test_prompt_none_without_session_gives_login_required_and_long_state(rp):
    state = "s" * 128
    _params, resp = rp.authorize(prompt="none", state=state)
    assert resp.status_code == 302
    q = query_of(resp.headers["Location"])
    assert resp.headers["Location"].startswith(rp.redirect_uri)
    assert q["error"] == "login_required"
    assert q["state"] == state
    assert q["iss"] == "http://localhost"


def test_prompt_none_with_session_succeeds(rp, login):
    _params, resp = rp.authorize(prompt="none")
    q = query_of(resp.headers["Location"])
    assert "code" in q, q
    assert rp.token(q["code"]).status_code == 200


def test_prompt_login_reauthenticates_and_moves_auth_time(rp, login, password):
    first = rp.decode_id_token(login["id_token"]).claims["auth_time"]
    time.sleep(1.1)
    _params, resp = rp.authorize(prompt="login")
    assert resp.headers["Location"].startswith("/login")
    q = rp.follow_to_code(resp, identifier=PINFL, password=password)
    second = rp.decode_id_token(rp.token(q["code"]).get_json()["id_token"]).claims["auth_time"]
    assert second > first


def test_max_age_forces_login_and_later_auth_time(rp, login, password):
    first = rp.decode_id_token(login["id_token"]).claims["auth_time"]
    time.sleep(2.1)
    _params, resp = rp.authorize(max_age="1")
    assert resp.headers["Location"].startswith("/login")
    q = rp.follow_to_code(resp, identifier=PINFL, password=password)
    claims = rp.decode_id_token(rp.token(q["code"]).get_json()["id_token"]).claims
    assert claims["auth_time"] > first
    assert claims["auth_time"] >= int(time.time()) - 5


def test_code_reuse_gives_invalid_grant_and_revokes_its_access_token(rp, password, http):
    _params, resp = rp.authorize()
    q = rp.follow_to_code(resp, identifier=PINFL, password=password)
    first = rp.token(q["code"])
    access = first.get_json()["access_token"]
    assert http.get("/userinfo", headers={"Authorization": f"Bearer {access}"}).status_code == 200
    again = rp.token(q["code"])
    assert again.status_code == 400
    assert again.get_json()["error"] == "invalid_grant"
    assert http.get("/userinfo", headers={"Authorization": f"Bearer {access}"}).status_code == 401


def test_unregistered_redirect_uri_shows_an_error_page(rp):
    params = rp.authorize_params(redirect_uri="https://attacker.example/cb")
    resp = rp.http.get("/authorize?" + urlencode(params))
    assert resp.status_code == 400
    assert "Location" not in resp.headers
    assert 'data-code="invalid_redirect_uri"' in resp.get_data(as_text=True)


def test_redirect_uri_must_match_exactly(rp):
    for variant in ("http://rp.example/callback/", "http://rp.example/callback?x=1", "HTTP://rp.example/callback"):
        params = rp.authorize_params(redirect_uri=variant)
        assert rp.http.get("/authorize?" + urlencode(params)).status_code == 400


def test_unknown_client_shows_an_error_page(rp):
    params = rp.authorize_params(client_id="nobody")
    resp = rp.http.get("/authorize?" + urlencode(params))
    assert resp.status_code == 400 and "Location" not in resp.headers


def test_userinfo_by_get_post_header_and_post_body(login, http):
    access = login["access_token"]
    by_get = http.get("/userinfo", headers={"Authorization": f"Bearer {access}"})
    by_post = http.post("/userinfo", headers={"Authorization": f"Bearer {access}"})
    by_body = http.post("/userinfo", data={"access_token": access})
    assert by_get.status_code == by_post.status_code == by_body.status_code == 200
    assert by_get.get_json() == by_post.get_json() == by_body.get_json()
    assert by_get.get_json()["pinfl"] == PINFL
    assert by_get.get_json()["family_name"] == "Karimov"


def test_userinfo_without_token_asks_for_bearer(http):
    resp = http.get("/userinfo")
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_client_secret_post(rp, password, idp):
    from oidc.models import Client

    with idp.db.transaction() as s:
        s.get(Client, rp.client_id).token_endpoint_auth_method = "client_secret_post"
    _params, resp = rp.authorize()
    q = rp.follow_to_code(resp, identifier=PINFL, password=password)
    assert rp.token(q["code"], auth="basic").status_code == 401
    _params, resp = rp.authorize()
    q = rp.follow_to_code(resp, identifier=PINFL, password=password)
    assert rp.token(q["code"], auth="post").status_code == 200


def test_essential_claims_are_honoured(rp, password):
    claims = '{"id_token": {"pinfl": {"essential": true}, "birthdate": null}, "userinfo": {"email": null}}'
    _params, resp = rp.authorize(claims=claims, scope="openid")
    q = rp.follow_to_code(resp, identifier=PINFL, password=password)
    body = rp.token(q["code"]).get_json()
    id_claims = rp.decode_id_token(body["id_token"]).claims
    assert id_claims["pinfl"] == PINFL
    assert id_claims["birthdate"] == "1990-03-15"
    info = rp.http.get("/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"}).get_json()
    assert info["email"] == "aziz@example.uz"
    assert "family_name" not in info  # the profile scope was not asked for


def test_malformed_claims_parameter_is_invalid_request(rp, login):
    _params, resp = rp.authorize(claims="{not json")
    assert query_of(resp.headers["Location"])["error"] == "invalid_request"


def test_refresh_works(login, rp):
    resp = rp.refresh(login["refresh_token"])
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["refresh_token"] != login["refresh_token"]
    assert rp.http.get("/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"}).status_code == 200


def test_pkce_verified_and_wrong_verifier_refused(public_rp, password):
    _params, resp = public_rp.authorize()
    q = public_rp.follow_to_code(resp, identifier=PINFL, password=password)
    bad = public_rp.token(q["code"], verifier="x" * 50, auth="none")
    assert bad.status_code == 400 and bad.get_json()["error"] == "invalid_grant"
    _params, resp = public_rp.authorize()
    q = public_rp.follow_to_code(resp, identifier=PINFL, password=password)
    assert public_rp.token(q["code"], auth="none").status_code == 200


def test_plain_pkce_is_refused(public_rp, login):
    _params, resp = public_rp.authorize(code_challenge_method="plain")
    assert query_of(resp.headers["Location"])["error"] == "invalid_request"


def test_public_client_without_pkce_is_refused(public_rp, login):
    _params, resp = public_rp.authorize(code_challenge=..., code_challenge_method=...)
    assert query_of(resp.headers["Location"])["error"] == "invalid_request"


def test_ui_locales_picks_the_login_language(rp):
    _params, resp = rp.authorize(ui_locales="ru-RU en")
    page = rp.http.get(resp.headers["Location"])
    assert '<html lang="ru">' in page.get_data(as_text=True)


def test_unknown_parameters_are_ignored(rp, login):
    _params, resp = rp.authorize(foo="bar", x_custom="1")
    assert "code" in query_of(resp.headers["Location"])


def test_max_age_zero_needs_one_fresh_login_not_a_loop(rp, login, password):
    _params, resp = rp.authorize(max_age="0")
    assert resp.headers["Location"].startswith("/login")
    q = rp.follow_to_code(resp, identifier=PINFL, password=password)
    assert "code" in q
