"""DPoP-bound access and refresh tokens (RFC 9449): proofs checked at the
token endpoint and at userinfo, replays and other keys refused, server nonces."""
import json
import secrets
import time

import pytest
from joserfc import jws
from joserfc.jwk import ECKey

from oidc import dpop
PINFL = "31503901234567"

ISSUER = "http://localhost"


def proof(key, method, url, *, access_token=None, nonce=None, iat=None, jti=None, typ="dpop+jwt", alg="ES256"):
    claims = {"jti": jti or secrets.token_urlsafe(12), "htm": method, "htu": url,
              "iat": int(iat if iat is not None else time.time())}
    if access_token:
        claims["ath"] = dpop.token_hash(access_token)
    if nonce:
        claims["nonce"] = nonce
    header = {"typ": typ, "alg": alg, "jwk": key.as_dict(private=False)}
    return jws.serialize_compact(header, json.dumps(claims), key, algorithms=[alg])


@pytest.fixture
def code(rp, login, password):
    """A fresh code for the already logged-in browser."""
    def make():
        _params, resp = rp.authorize()
        return rp.follow_to_code(resp, identifier=PINFL, password=password)["code"]
    return make


def test_tokens_are_bound_and_userinfo_needs_a_proof_by_that_key(rp, code, http):
    key = ECKey.generate_key("P-256")
    c = code()
    response = http.post("/token", data={"grant_type": "authorization_code", "code": c,
                                         "redirect_uri": rp.redirect_uri, "code_verifier": rp.verifier},
                         headers={**_basic(rp), "DPoP": proof(key, "POST", ISSUER + "/token")})
    assert response.status_code == 200, response.get_data(as_text=True)
    tokens = response.get_json()
    assert tokens["token_type"] == "DPoP" and response.headers["DPoP-Nonce"]
    at = tokens["access_token"]
    # as a bearer token it is refused
    assert http.get("/userinfo", headers={"Authorization": "Bearer " + at}).status_code == 401
    # with the DPoP scheme and a proof over this token by the same key
    good = proof(key, "GET", ISSUER + "/userinfo", access_token=at)
    ok = http.get("/userinfo", headers={"Authorization": "DPoP " + at, "DPoP": good})
    assert ok.status_code == 200 and ok.get_json()["sub"]
    # the same proof again: a replay
    assert http.get("/userinfo", headers={"Authorization": "DPoP " + at, "DPoP": good}).status_code == 401
    # another key, a proof for another token, another URL, a stale proof
    other = ECKey.generate_key("P-256")
    for bad in (proof(other, "GET", ISSUER + "/userinfo", access_token=at),
                proof(key, "GET", ISSUER + "/userinfo", access_token="something-else"),
                proof(key, "GET", ISSUER + "/token", access_token=at),
                proof(key, "GET", ISSUER + "/userinfo", access_token=at, iat=time.time() - 600),
                proof(key, "GET", ISSUER + "/userinfo", access_token=at, typ="JWT")):
        refused = http.get("/userinfo", headers={"Authorization": "DPoP " + at, "DPoP": bad})
        assert refused.status_code == 401, bad
    # refresh needs a proof by the same key; a failed try does not use up the refresh token
    rt = tokens["refresh_token"]
    wrong = http.post("/token", data={"grant_type": "refresh_token", "refresh_token": rt},
                      headers={**_basic(rp), "DPoP": proof(other, "POST", ISSUER + "/token")})
    assert wrong.status_code == 400 and wrong.get_json()["error"] == "invalid_dpop_proof"
    missing = http.post("/token", data={"grant_type": "refresh_token", "refresh_token": rt}, headers=_basic(rp))
    assert missing.status_code == 400
    right = http.post("/token", data={"grant_type": "refresh_token", "refresh_token": rt},
                      headers={**_basic(rp), "DPoP": proof(key, "POST", ISSUER + "/token")})
    assert right.status_code == 200 and right.get_json()["token_type"] == "DPoP"


def test_bearer_tokens_stay_bearer_and_refuse_the_dpop_scheme(rp, login, http):
    at = login["access_token"]
    assert login["token_type"] == "Bearer"
    key = ECKey.generate_key("P-256")
    refused = http.get("/userinfo", headers={"Authorization": "DPoP " + at,
                                             "DPoP": proof(key, "GET", ISSUER + "/userinfo", access_token=at)})
    assert refused.status_code == 401
    assert http.get("/userinfo", headers={"Authorization": "Bearer " + at}).status_code == 200


def test_a_refused_proof_does_not_use_up_the_code(rp, code, http):
    c = code()
    data = {"grant_type": "authorization_code", "code": c, "redirect_uri": rp.redirect_uri,
            "code_verifier": rp.verifier}
    key = ECKey.generate_key("P-256")
    bad = http.post("/token", data=data, headers={**_basic(rp), "DPoP": proof(key, "POST", ISSUER + "/other")})
    assert bad.status_code == 400 and bad.get_json()["error"] == "invalid_dpop_proof"
    good = http.post("/token", data=data, headers={**_basic(rp), "DPoP": proof(key, "POST", ISSUER + "/token")})
    assert good.status_code == 200


def test_proof_checks_one_error_each():
    key = ECKey.generate_key("P-256")
    url = ISSUER + "/token"
    assert dpop.check_proof(proof(key, "POST", url), method="POST", url=url, nonce_secret=None).jkt == \
        key.thumbprint()
    cases = {
        "typ": proof(key, "POST", url, typ="jwt"),
        "htm": proof(key, "GET", url),
        "htu": proof(key, "POST", url + "x"),
        "iat": proof(key, "POST", url, iat=time.time() + 600),
        "jti": proof(key, "POST", url, jti="short"),
    }
    for name, value in cases.items():
        with pytest.raises(dpop.DPoPError) as exc:
            dpop.check_proof(value, method="POST", url=url, nonce_secret=None)
        assert name in str(exc.value) or name == "jti" and "jti" in str(exc.value), name
    with pytest.raises(dpop.DPoPError) as exc:
        dpop.check_proof(proof(key, "POST", url), method="POST", url=url, nonce_secret=b"k")
    assert exc.value.error == "use_dpop_nonce"
    secret = b"k" * 32
    assert dpop.check_proof(proof(key, "POST", url, nonce=dpop.nonce(secret)), method="POST", url=url,
                            nonce_secret=secret)
    # a private key in the header, and an unsigned proof, are refused
    header = {"typ": "dpop+jwt", "alg": "ES256", "jwk": key.as_dict(private=True)}
    leaked = jws.serialize_compact(header, json.dumps({"jti": "x" * 12, "htm": "POST", "htu": url,
                                                       "iat": int(time.time())}), key, algorithms=["ES256"])
    with pytest.raises(dpop.DPoPError):
        dpop.check_proof(leaked, method="POST", url=url, nonce_secret=None)
    with pytest.raises(dpop.DPoPError):
        dpop.check_proof("eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6Im5vbmUifQ.e30.", method="POST", url=url,
                         nonce_secret=None)


def _basic(rp):
    import base64

    return {"Authorization": "Basic " + base64.b64encode(f"{rp.client_id}:{rp.secret}".encode()).decode()}
