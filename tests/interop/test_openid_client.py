"""panva's openid-client, a certified relying-party library, against a live
server: discovery, authorization code with PKCE S256, ID token validation,
userinfo, refresh and revocation, once per client authentication method.

The Node script (js/interop/rp.mjs) does every protocol step itself; this
test plays the citizen (login form and consent, with ``requests``) and then
checks what the library accepted.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

pytestmark = pytest.mark.interop
LOW = "http://eidas.europa.eu/LoA/low"


def test_authorization_request_uses_pkce_s256_state_and_nonce(flow):
    query = {k: v[0] for k, v in parse_qs(urlsplit(flow["start"]["authorization_url"]).query).items()}
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43  # base64url(SHA-256), RFC 7636 4.2
    assert query["state"] == flow["start"]["state"]
    assert query["nonce"] == flow["start"]["nonce"]
    assert query["client_id"] == flow["client"]["client_id"]


def test_callback_carries_code_state_and_issuer(flow):
    callback = {k: v[0] for k, v in parse_qs(urlsplit(flow["callback"]).query).items()}
    assert callback["code"]
    assert callback["state"] == flow["start"]["state"]
    assert callback["iss"] == flow["issuer"]  # RFC 9207


def test_discovery_and_id_token_accepted(flow):
    done = flow["done"]
    assert done["discovered_issuer"] == flow["issuer"]
    claims = done["id_token_claims"]
    assert claims["iss"] == flow["issuer"]
    assert flow["client"]["client_id"] in (claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]])
    assert claims["nonce"] == flow["start"]["nonce"]
    assert claims["exp"] > claims["iat"]
    assert claims["acr"] == LOW
    assert "pwd" in claims["amr"]
    assert isinstance(claims["auth_time"], int)
    assert done["token_type"].lower() == "bearer"


def test_id_token_kid_is_published_in_jwks(flow):
    header = flow["done"]["id_token_header"]
    jwks = requests.get(flow["issuer"] + "/jwks.json", timeout=10).json()
    published = {key["kid"]: key for key in jwks["keys"]}
    assert header["kid"] in published
    assert published[header["kid"]]["alg"] == header["alg"] == flow["client"]["id_token_signed_response_alg"]


def test_userinfo_returns_the_same_subject_and_profile(flow):
    done = flow["done"]
    userinfo = done["userinfo"]
    assert userinfo["ok"], userinfo
    assert userinfo["claims"]["sub"] == done["id_token_claims"]["sub"]
    assert userinfo["claims"]["given_name"] == "Nodira"
    assert userinfo["claims"]["family_name"] == "Saidova"
    assert userinfo["claims"]["email"] == "interop@example.uz"


def test_refresh_rotates_tokens_and_the_new_access_token_works(flow):
    done = flow["done"]
    assert done["refresh"]["access_token_changed"]
    assert done["refresh"]["refresh_token_rotated"]
    refreshed_id = done["refresh"]["id_token_claims"]
    if refreshed_id is not None:  # optional on refresh (Core 12.2); same subject when sent
        assert refreshed_id["sub"] == done["id_token_claims"]["sub"]
    assert done["userinfo_after_refresh"]["ok"], done["userinfo_after_refresh"]
    assert done["userinfo_after_refresh"]["claims"]["sub"] == done["id_token_claims"]["sub"]


def test_revoked_access_token_is_refused_at_userinfo(flow):
    refused = flow["done"]["userinfo_after_revocation"]
    assert not refused["ok"]
    assert refused["error"]["status"] == 401
    assert refused["error"]["error"] == "invalid_token"
