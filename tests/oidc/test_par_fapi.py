"""FAPI 2.0 clients: pushed authorization requests (RFC 9126), signed request
objects through PAR (RFC 9101), private_key_jwt and DPoP with a server nonce."""
import base64
import hashlib
import json
import secrets
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from joserfc import jws, jwt
from joserfc.jwk import ECKey

from idp.demo import DEMO_PASSWORD
from oidc import dpop
from oidc.clients import create_client
from oidc_helpers import csrf_from

PINFL = "31503901234567"
ISSUER = "http://localhost"
REDIRECT = "https://bank.example.uz/cb"


@pytest.fixture
def bank(idp, demo):
    key = ECKey.generate_key("P-256", parameters={"kid": "bank-1"})
    with idp.db.transaction() as s:
        new = create_client(s, name="Bank", redirect_uris=[REDIRECT], profile="fapi2",
                            jwks={"keys": [key.as_dict(private=False)]}, scopes=["openid", "profile", "pinfl"])
    return {"client_id": new.client.client_id, "key": key}


def assertion(bank, aud=ISSUER):
    now = int(time.time())
    claims = {"iss": bank["client_id"], "sub": bank["client_id"], "aud": aud, "jti": secrets.token_urlsafe(12),
              "iat": now, "exp": now + 60}
    return jwt.encode({"alg": "ES256", "kid": "bank-1"}, claims, bank["key"])


def client_auth(bank):
    return {"client_id": bank["client_id"], "client_assertion": assertion(bank),
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}


def pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorization_params(bank, challenge):
    return {"response_type": "code", "client_id": bank["client_id"], "redirect_uri": REDIRECT,
            "scope": "openid profile", "state": "st", "code_challenge": challenge, "code_challenge_method": "S256"}


def dpop_proof(key, url, nonce=None, method="POST"):
    claims = {"jti": secrets.token_urlsafe(12), "htm": method, "htu": url, "iat": int(time.time())}
    if nonce:
        claims["nonce"] = nonce
    return jws.serialize_compact({"typ": "dpop+jwt", "alg": "ES256", "jwk": key.as_dict(private=False)},
                                 json.dumps(claims), key, algorithms=["ES256"])


def browser_to_code(http, url):
    response = http.get(url)
    for _ in range(10):
        location = response.headers.get("Location", "")
        if location.startswith(REDIRECT):
            return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
        path = location.replace("http://localhost", "")
        page = http.get(path)
        if path.startswith("/login"):
            response = http.post(path, data={"identifier": PINFL, "password": DEMO_PASSWORD,
                                             "csrf_token": csrf_from(page.get_data(as_text=True))})
        elif path.startswith("/authorize/consent"):
            response = http.post(path, data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                             "decision": "allow"})
        else:
            response = page
    raise AssertionError("no code")


def test_a_fapi_client_logs_in_with_par_private_key_jwt_and_dpop(http, bank):
    verifier, challenge = pkce()
    pushed = http.post("/par", data={**authorization_params(bank, challenge), **client_auth(bank)})
    assert pushed.status_code == 201, pushed.get_data(as_text=True)
    body = pushed.get_json()
    assert body["request_uri"].startswith("urn:ietf:params:oauth:request_uri:") and body["expires_in"] == 60
    url = "/authorize?" + urlencode({"client_id": bank["client_id"], "request_uri": body["request_uri"]})
    result = browser_to_code(http, url)
    assert result["state"] == "st" and result["iss"] == ISSUER and "code" in result, result
    # the request_uri is used up
    assert http.get(url).status_code == 400
    key = ECKey.generate_key("P-256")
    token_data = {"grant_type": "authorization_code", "code": result["code"], "redirect_uri": REDIRECT,
                  "code_verifier": verifier}
    first = http.post("/token", data={**token_data, **client_auth(bank)},
                      headers={"DPoP": dpop_proof(key, ISSUER + "/token")})
    assert first.status_code == 400 and first.get_json()["error"] == "use_dpop_nonce"
    nonce = first.headers["DPoP-Nonce"]
    tokens = http.post("/token", data={**token_data, **client_auth(bank)},
                       headers={"DPoP": dpop_proof(key, ISSUER + "/token", nonce)})
    assert tokens.status_code == 200, tokens.get_data(as_text=True)
    assert tokens.get_json()["token_type"] == "DPoP"


def test_a_fapi_client_must_push_and_must_use_dpop_and_private_key_jwt(http, bank, idp):
    _verifier, challenge = pkce()
    direct = http.get("/authorize?" + urlencode(authorization_params(bank, challenge)))
    query = parse_qs(urlsplit(direct.headers["Location"]).query)
    assert query["error"] == ["invalid_request"] and "PAR" in query["error_description"][0]
    # a PAR without PKCE, and one with an unregistered redirect URI
    params = authorization_params(bank, challenge)
    del params["code_challenge"], params["code_challenge_method"]
    assert http.post("/par", data={**params, **client_auth(bank)}).status_code == 400
    bad = {**authorization_params(bank, challenge), "redirect_uri": "https://evil.example/cb"}
    assert http.post("/par", data={**bad, **client_auth(bank)}).status_code == 400
    # no client authentication, or a request_uri pushed
    assert http.post("/par", data=authorization_params(bank, challenge)).status_code == 401
    assert http.post("/par", data={**authorization_params(bank, challenge), **client_auth(bank),
                                   "request_uri": "urn:x"}).status_code == 400
    # another client's request_uri is not honoured for this one
    pushed = http.post("/par", data={**authorization_params(bank, challenge), **client_auth(bank)}).get_json()
    other = http.get("/authorize?" + urlencode({"client_id": "someone-else", "request_uri": pushed["request_uri"]}))
    assert other.status_code == 400


def test_a_signed_request_object_through_par(http, bank):
    verifier, challenge = pkce()
    now = int(time.time())
    request_object = jwt.encode({"alg": "ES256", "kid": "bank-1"},
                                {**authorization_params(bank, challenge), "iss": bank["client_id"], "aud": ISSUER,
                                 "exp": now + 60, "nbf": now}, bank["key"])
    pushed = http.post("/par", data={"request": request_object, **client_auth(bank)})
    assert pushed.status_code == 201, pushed.get_data(as_text=True)
    result = browser_to_code(http, "/authorize?" + urlencode({"client_id": bank["client_id"],
                                                              "request_uri": pushed.get_json()["request_uri"]}))
    assert result["code"]
    forged_key = ECKey.generate_key("P-256", parameters={"kid": "bank-1"})
    forged = jwt.encode({"alg": "ES256", "kid": "bank-1"},
                        {**authorization_params(bank, challenge), "iss": bank["client_id"], "aud": ISSUER,
                         "exp": now + 60}, forged_key)
    refused = http.post("/par", data={"request": forged, **client_auth(bank)})
    assert refused.status_code == 400 and refused.get_json()["error"] == "invalid_request_object"
    wrong_aud = jwt.encode({"alg": "ES256", "kid": "bank-1"},
                           {**authorization_params(bank, challenge), "iss": bank["client_id"], "aud": "https://x",
                            "exp": now + 60}, bank["key"])
    assert http.post("/par", data={"request": wrong_aud, **client_auth(bank)}).get_json()["error"] == \
        "invalid_request_object"


def test_discovery_advertises_par_dpop_and_request_objects(http):
    meta = http.get("/.well-known/openid-configuration").get_json()
    assert meta["pushed_authorization_request_endpoint"] == ISSUER + "/par"
    assert "ES256" in meta["dpop_signing_alg_values_supported"]
    assert meta["request_uri_parameter_supported"] is True
    assert "ES256" in meta["request_object_signing_alg_values_supported"]
    assert meta["authorization_response_iss_parameter_supported"] is True


def test_fapi_clients_are_registered_only_with_private_key_jwt(idp, demo):
    from oidc.clients import ClientError

    with idp.db.transaction() as s, pytest.raises(ClientError):
        create_client(s, name="Bank", redirect_uris=[REDIRECT], profile="fapi2", auth_method="client_secret_basic")


def test_nonce_windows():
    secret = b"s" * 32
    now = 1_000_000.0
    value = dpop.nonce(secret, now=now)
    assert dpop.nonce_is_current(value, secret, now=now + dpop.NONCE_WINDOW)
    assert not dpop.nonce_is_current(value, secret, now=now + 3 * dpop.NONCE_WINDOW)
