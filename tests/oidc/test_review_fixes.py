"""Protocol findings of the independent review: client assertions that live
too long or name a client without keys, invalid_client answers that name the
registered method, and claims that must not be sent."""
import time
import uuid

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet
from sqlalchemy import select, update

from oidc.clients import create_client
from oidc_helpers import RP

PINFL = "31503901234567"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def _assertion(client_id, key, *, iat=..., exp_in=60, jti=None):
    now = int(time.time())
    claims = {"iss": client_id, "sub": client_id, "aud": "http://localhost/token", "exp": now + exp_in,
              "jti": jti or str(uuid.uuid4())}
    if iat is ...:
        claims["iat"] = now
    elif iat is not None:
        claims["iat"] = iat
    return jwt.encode({"alg": "ES256", "kid": key.kid}, claims, key, ["ES256"])


@pytest.fixture
def signed_rp(app, http, idp, demo):
    key = ECKey.generate_key("P-256", parameters={"kid": "rp-key-1"})
    with idp.db.transaction() as s:
        new = create_client(s, name="Signed RP", redirect_uris=["https://signed.example/cb"],
                            auth_method="private_key_jwt", jwks=KeySet([key]).as_dict(private=False),
                            scopes=["openid"])
    rp = RP(http, app, client_id=new.client.client_id, redirect_uri="https://signed.example/cb", scope="openid")
    rp.key = key
    return rp


def _code_form(rp, password, assertion):
    _params, resp = rp.authorize()
    q = rp.follow_to_code(resp, identifier=PINFL, password=password)
    return {"grant_type": "authorization_code", "code": q["code"], "redirect_uri": rp.redirect_uri,
            "code_verifier": rp.verifier, "client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion}


@pytest.mark.parametrize("iat,exp_in", [(..., 7200), (None, 7200), (int(time.time()) + 6900, 7200)],
                         ids=["exp-iat", "no-iat", "iat-in-future"])
def test_long_lived_client_assertion_is_refused(signed_rp, http, password, iat, exp_in):
    form = _code_form(signed_rp, password, _assertion(signed_rp.client_id, signed_rp.key, iat=iat, exp_in=exp_in))
    resp = http.post("/token", data=form)
    assert resp.status_code == 400 and resp.get_json()["error"] == "invalid_client", resp.get_json()


def test_short_assertion_without_iat_is_accepted(signed_rp, http, password):
    form = _code_form(signed_rp, password, _assertion(signed_rp.client_id, signed_rp.key, iat=None, exp_in=120))
    resp = http.post("/token", data=form)
    assert resp.status_code == 200, resp.get_json()


def test_refused_assertion_does_not_burn_its_jti(signed_rp, http, password):
    jti = str(uuid.uuid4())
    form = _code_form(signed_rp, password, _assertion(signed_rp.client_id, signed_rp.key, exp_in=3600, jti=jti))
    assert http.post("/token", data=form).status_code == 400
    form["client_assertion"] = _assertion(signed_rp.client_id, signed_rp.key, exp_in=60, jti=jti)
    assert http.post("/token", data=form).status_code == 200


@pytest.fixture
def settings_overrides(settings_overrides, request):
    return {**settings_overrides, **getattr(request, "param", {})}


@pytest.mark.parametrize("settings_overrides", [{"client_assertion_max_lifetime": 7200}], indirect=True)
def test_jti_is_remembered_until_the_assertion_expires(signed_rp, http, idp, password):
    from idp.db import utcnow
    from idp.state.models import ShortLivedState

    jti = str(uuid.uuid4())
    exp_in = 7000  # allowed by this configuration, longer than the old fixed hour
    form = _code_form(signed_rp, password, _assertion(signed_rp.client_id, signed_rp.key, exp_in=exp_in, jti=jti))
    assert http.post("/token", data=form).status_code == 200
    with idp.db.transaction() as s:
        row = s.scalars(select(ShortLivedState).where(ShortLivedState.key.like(f"%{jti}"))).one()
        remembered = (row.expires_at - utcnow()).total_seconds()
    assert remembered >= exp_in - 5


def test_assertion_for_a_client_without_keys_is_invalid_client(rp, http):
    # The demo portal authenticates with a secret and registered no keys.
    key = ECKey.generate_key("P-256", parameters={"kid": "k"})
    resp = http.post("/token", data={"grant_type": "refresh_token", "refresh_token": "x",
                                     "client_assertion_type": ASSERTION_TYPE,
                                     "client_assertion": _assertion(rp.client_id, key)})
    assert resp.status_code == 400 and resp.get_json()["error"] == "invalid_client"
    assert "client_secret_basic" in resp.get_json()["error_description"]


def test_assertion_for_a_client_with_an_empty_key_set_is_invalid_client(signed_rp, http, idp, password):
    from oidc.models import Client

    with idp.db.transaction() as s:
        s.execute(update(Client).where(Client.client_id == signed_rp.client_id).values(jwks={"keys": []}))
    form = _code_form(signed_rp, password, _assertion(signed_rp.client_id, signed_rp.key))
    resp = http.post("/token", data=form)
    assert resp.status_code == 400 and resp.get_json()["error"] == "invalid_client"


@pytest.mark.parametrize("auth,presented", [("post", "client_secret_post"), ("none", "none")])
def test_wrong_auth_method_names_the_registered_one(rp, login, auth, presented):
    resp = rp.refresh(login["refresh_token"], auth=auth)
    body = resp.get_json()
    assert body["error"] == "invalid_client"
    assert "registered for token_endpoint_auth_method 'client_secret_basic'" in body["error_description"]
    assert f"'{presented}'" in body["error_description"]


def test_wrong_secret_keeps_the_plain_answer(rp, login):
    rp.secret = "wrong"
    body = rp.refresh(login["refresh_token"]).get_json()
    assert body["error"] == "invalid_client" and "registered for" not in body["error_description"]


def test_discovery_lists_each_claim_once(http):
    claims = http.get("/.well-known/openid-configuration").get_json()["claims_supported"]
    assert len(claims) == len(set(claims)) and "sub" in claims


def test_no_verified_flags_without_an_address(rp, login, http, idp):
    from idp.auth.services import find_account

    with idp.db.transaction() as s:
        account = find_account(s, PINFL)
        account.email, account.email_verified, account.phone, account.phone_verified = None, False, None, False
    info = http.get("/userinfo", headers={"Authorization": f"Bearer {login['access_token']}"}).get_json()
    assert "email" not in info and "email_verified" not in info
    assert "phone_number_verified" not in info


def test_verified_flags_of_present_addresses():
    from idp.people.models import Account, Person
    from oidc.userinfo import claim_values

    person = Person(pinfl=PINFL, given_name="A", family_name="B", documents=[])
    values = claim_values(Account(person=person, email="a@example.org", email_verified=False,
                                  phone="+998901234567", phone_verified=True),
                          {"email_verified", "phone_number_verified"})
    assert values == {"email_verified": False, "phone_number_verified": True}
    none = claim_values(Account(person=person, email=None, phone=None), {"email_verified", "phone_number_verified"})
    assert none == {}


@pytest.mark.parametrize("claims", [{"exp": float("nan")}, {"exp": float("inf")}, {"exp": "soon"}, {"exp": True},
                                    {"exp": 1e12, "iat": float("nan")}])
def test_odd_numbers_in_an_assertion_are_refused(claims):
    from oidc.client_auth import assertion_lifetime_error

    assert assertion_lifetime_error(claims, now=time.time(), max_lifetime=300, leeway=60)


def _dpop_proof(key, claims):
    import json

    from joserfc import jws

    header = {"typ": "dpop+jwt", "alg": "ES256", "jwk": key.as_dict(private=False)}
    return jws.serialize_compact(header, json.dumps(claims), key, algorithms=["ES256"])


@pytest.mark.parametrize("odd", [{"ath": "\u00e4th"}, {"iat": float("nan")}, {"iat": float("inf")}])
def test_dpop_proof_with_odd_claims_is_refused_not_a_500(odd):
    from oidc import dpop

    key = ECKey.generate_key("P-256")
    claims = {"jti": str(uuid.uuid4()), "htm": "GET", "htu": "http://localhost/userinfo", "iat": int(time.time()),
              "ath": dpop.token_hash("an access token"), **odd}
    with pytest.raises(dpop.DPoPError):
        dpop.check_proof(_dpop_proof(key, claims), method="GET", url="http://localhost/userinfo",
                         nonce_secret=None, access_token="an access token")


@pytest.mark.parametrize("raw", [b"\xff\xfe:\xff", b"client:\xc3"])
def test_basic_credentials_that_are_not_utf8_are_invalid_client(http, demo, raw):
    import base64

    for path, data in (("/token", {"grant_type": "refresh_token", "refresh_token": "x"}),
                       ("/revoke", {"token": "x"}), ("/introspect", {"token": "x"})):
        resp = http.post(path, data=data, headers={"Authorization": "Basic " + base64.b64encode(raw).decode()})
        assert resp.status_code == 401 and resp.get_json()["error"] == "invalid_client", (path, resp.status_code)
