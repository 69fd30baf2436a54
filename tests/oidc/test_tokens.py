"""Token endpoint behaviour beyond the certification basics."""
import time
import uuid

from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

from oidc.clients import create_client
from oidc_helpers import RP

PINFL = "31503901234567"


def bearer(http, token):
    return http.get("/userinfo", headers={"Authorization": f"Bearer {token}"})


def test_refresh_reuse_revokes_only_that_family(rp, login, password, http):
    # A second, independent login family for the same user and client.
    _params, resp = rp.authorize()
    other = rp.token(rp.follow_to_code(resp, identifier=PINFL, password=password)["code"]).get_json()
    rotated = rp.refresh(login["refresh_token"]).get_json()
    reuse = rp.refresh(login["refresh_token"])
    assert reuse.status_code == 400 and reuse.get_json()["error"] == "invalid_grant"
    assert bearer(http, rotated["access_token"]).status_code == 401  # family revoked
    assert rp.refresh(rotated["refresh_token"]).status_code == 400
    assert bearer(http, other["access_token"]).status_code == 200  # other family untouched
    assert rp.refresh(other["refresh_token"]).status_code == 200


def test_refresh_token_bound_to_its_client(rp, login, app, http, idp):
    with idp.db.transaction() as s:
        new = create_client(s, name="Other", redirect_uris=["https://other.example/cb"])
    other = RP(http, app, client_id=new.client.client_id, secret=new.secret, redirect_uri="https://other.example/cb")
    resp = other.refresh(login["refresh_token"])
    assert resp.status_code == 400 and resp.get_json()["error"] == "invalid_grant"


def test_wrong_client_secret_is_invalid_client(rp, login):
    rp.secret = "wrong"
    resp = rp.refresh(login["refresh_token"])
    assert resp.status_code == 401 and resp.get_json()["error"] == "invalid_client"


def test_revocation_of_access_token(rp, login, http):
    assert bearer(http, login["access_token"]).status_code == 200
    resp = http.post("/revoke", data={"token": login["access_token"], "token_type_hint": "access_token"},
                     headers=_basic(rp))
    assert resp.status_code == 200
    assert bearer(http, login["access_token"]).status_code == 401


def test_revocation_of_refresh_token_ends_the_family(rp, login, http):
    resp = http.post("/revoke", data={"token": login["refresh_token"]}, headers=_basic(rp))
    assert resp.status_code == 200
    assert rp.refresh(login["refresh_token"]).status_code == 400
    assert bearer(http, login["access_token"]).status_code == 401


def test_revocation_of_unknown_token_is_ok(rp, http, demo):
    assert http.post("/revoke", data={"token": "nonsense"}, headers=_basic(rp)).status_code == 200


def test_introspection_only_for_registered_resource_servers(rp, login, http, idp, app):
    denied = http.post("/introspect", data={"token": login["access_token"]}, headers=_basic(rp))
    assert denied.get_json() == {"active": False}  # RFC 7662 2.2: not allowed looks like inactive
    with idp.db.transaction() as s:
        api = create_client(s, name="Tax API", redirect_uris=["https://api.example/none"], can_introspect=True)
    api_rp = RP(http, app, client_id=api.client.client_id, secret=api.secret, redirect_uri="https://api.example/none")
    active = http.post("/introspect", data={"token": login["access_token"]}, headers=_basic(api_rp)).get_json()
    assert active["active"] is True and active["client_id"] == rp.client_id
    assert active["acr"] == "http://eidas.europa.eu/LoA/low"
    http.post("/revoke", data={"token": login["access_token"]}, headers=_basic(rp))
    inactive = http.post("/introspect", data={"token": login["access_token"]}, headers=_basic(api_rp)).get_json()
    assert inactive == {"active": False}


def _basic(rp):
    import base64

    return {"Authorization": "Basic " + base64.b64encode(f"{rp.client_id}:{rp.secret}".encode()).decode()}


def _assertion(client_id, key, *, aud="http://localhost/token", jti=None, exp_in=60):
    now = int(time.time())
    claims = {"iss": client_id, "sub": client_id, "aud": aud, "iat": now, "exp": now + exp_in,
              "jti": jti or str(uuid.uuid4())}
    return jwt.encode({"alg": "ES256", "kid": key.kid}, claims, key, ["ES256"])


def test_private_key_jwt_and_jti_replay(app, http, idp, demo, password):
    key = ECKey.generate_key("P-256", parameters={"kid": "rp-key-1"})
    jwks = KeySet([key]).as_dict(private=False)
    with idp.db.transaction() as s:
        new = create_client(s, name="Signed RP", redirect_uris=["https://signed.example/cb"],
                            auth_method="private_key_jwt", jwks=jwks, scopes=["openid"])
    rp = RP(http, app, client_id=new.client.client_id, redirect_uri="https://signed.example/cb", scope="openid")
    _params, resp = rp.authorize()
    q = rp.follow_to_code(resp, identifier=PINFL, password=password)
    assertion = _assertion(rp.client_id, key)
    form = {"grant_type": "authorization_code", "code": q["code"], "redirect_uri": rp.redirect_uri,
            "code_verifier": rp.verifier,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion}
    ok = http.post("/token", data=form)
    assert ok.status_code == 200, ok.get_json()
    form["grant_type"], form["refresh_token"] = "refresh_token", ok.get_json()["refresh_token"]
    replay = http.post("/token", data=form)
    # RFC 6749 5.2: 401 is for Authorization-header credentials; assertions get 400.
    assert replay.status_code == 400 and replay.get_json()["error"] == "invalid_client"
    assert "used" in replay.get_json()["error_description"]
    form["client_assertion"] = _assertion(rp.client_id, ECKey.generate_key("P-256", parameters={"kid": "rp-key-1"}))
    forged = http.post("/token", data=form)  # signed by a key the client did not register
    assert forged.status_code == 400 and forged.get_json()["error"] == "invalid_client"


def test_unsupported_grant_type(rp, http, demo):
    resp = rp.post_token({"grant_type": "password", "username": "x", "password": "y"})
    assert resp.status_code == 400 and resp.get_json()["error"] == "unsupported_grant_type"


def test_expired_code_is_invalid_grant(rp, password, idp):
    from sqlalchemy import update

    from idp.db import utcnow
    from oidc.models import AuthorizationCode

    _params, resp = rp.authorize()
    q = rp.follow_to_code(resp, identifier=PINFL, password=password)
    with idp.db.transaction() as s:
        s.execute(update(AuthorizationCode).values(expires_at=utcnow()))
    resp = rp.token(q["code"])
    assert resp.status_code == 400 and resp.get_json()["error"] == "invalid_grant"


def test_code_bound_to_redirect_uri(rp, password):
    _params, resp = rp.authorize()
    q = rp.follow_to_code(resp, identifier=PINFL, password=password)
    resp = rp.token(q["code"], redirect_uri="http://rp.example/other")
    assert resp.status_code == 400 and resp.get_json()["error"] == "invalid_grant"


def test_rs256_for_a_client_that_asks(app, http, idp, demo, password):
    with idp.db.transaction() as s:
        new = create_client(s, name="Legacy RSA RP", redirect_uris=["https://rsa.example/cb"], alg="RS256")
    rp = RP(http, app, client_id=new.client.client_id, secret=new.secret, redirect_uri="https://rsa.example/cb")
    _params, resp = rp.authorize()
    q = rp.follow_to_code(resp, identifier=PINFL, password=password)
    token = rp.decode_id_token(rp.token(q["code"]).get_json()["id_token"])
    assert token.header["alg"] == "RS256" and token.header["kid"].startswith("rs256-")
    assert token.claims["aud"] == [rp.client_id]


def test_a_code_presented_by_another_client_is_not_used_up(rp, login, app, http, idp):
    with idp.db.transaction() as s:
        new = create_client(s, name="Other", redirect_uris=["http://rp.example/callback"])
    other = RP(http, app, client_id=new.client.client_id, secret=new.secret, redirect_uri=rp.redirect_uri)
    _params, resp = rp.authorize()
    code = rp.follow_to_code(resp)["code"]
    refused = other.token(code, verifier=rp.verifier)
    assert refused.status_code == 400 and refused.get_json()["error"] == "invalid_grant"
    assert rp.token(code).status_code == 200  # its own client still redeems it, once
    assert rp.token(code).status_code == 400


def test_a_rotated_refresh_token_takes_its_access_token_with_it(rp, login, http):
    assert bearer(http, login["access_token"]).status_code == 200
    rotated = rp.refresh(login["refresh_token"]).get_json()
    assert bearer(http, login["access_token"]).status_code == 401
    assert bearer(http, rotated["access_token"]).status_code == 200
