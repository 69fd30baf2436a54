"""The organisation a login acts for, and OneID's own field names."""
from sqlalchemy import update

from idp.auth.models import LoginSession
from oidc.clients import create_client
from oidc_helpers import RP

PINFL = "31503901234567"


def make_rp(app, http, idp, scopes):
    with idp.db.transaction() as s:
        new = create_client(s, name="Legacy portal", redirect_uris=["https://legacy.example/cb"], scopes=scopes)
    return RP(http, app, client_id=new.client.client_id, secret=new.secret,
              redirect_uri="https://legacy.example/cb", scope=" ".join(scopes))


def userinfo(rp, password, idp, acting_for=None):
    _p, resp = rp.authorize()
    rp.login(PINFL, password, resp.headers["Location"])
    if acting_for is not None:
        with idp.db.transaction() as s:
            s.execute(update(LoginSession).values(acting_for=acting_for, amr=["swk"], auth_level="high"))
    _p, resp = rp.authorize()
    q = rp.follow_to_code(resp)
    tokens = rp.token(q["code"]).get_json()
    return rp.http.get("/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}).get_json()


def test_person_acting_for_themselves(app, http, idp, demo, password):
    rp = make_rp(app, http, idp, ["openid", "legal_entity"])
    info = userinfo(rp, password, idp)
    assert info["user_type"] == "I" and "legal_info" not in info


def test_legal_entity_after_an_organisation_key(app, http, idp, demo, password):
    rp = make_rp(app, http, idp, ["openid", "legal_entity"])
    info = userinfo(rp, password, idp, acting_for={"tin": "301234567", "organisation": "Ipak Yo'li MChJ",
                                                   "user_type": "L"})
    assert info["user_type"] == "L"
    assert info["legal_info"] == {"tin": "301234567", "name": "Ipak Yo'li MChJ"}


def test_oneid_field_names(app, http, idp, demo, password):
    rp = make_rp(app, http, idp, ["openid", "oneid"])
    info = userinfo(rp, password, idp)
    assert info["pin"] == PINFL and info["sur_name"] == "Karimov" and info["first_name"] == "Aziz"
    assert info["mid_name"] == "Rustamovich" and info["birth_date"] == "15.03.1990"
    assert info["pport_no"] == "AA1234567" and info["user_type"] == "I"
    assert info["auth_method"] == "LOGINPASSMETHOD"


def test_oneid_auth_method_for_an_organisation_key(app, http, idp, demo, password):
    rp = make_rp(app, http, idp, ["openid", "oneid"])
    info = userinfo(rp, password, idp, acting_for={"tin": "301234567", "organisation": "X", "user_type": "L"})
    assert info["auth_method"] == "LEPKCSMETHOD"


def test_consent_page_names_the_new_claims(app, http, idp, demo, password):
    rp = make_rp(app, http, idp, ["openid", "legal_entity"])
    _p, resp = rp.authorize()
    resp = rp.login(PINFL, password, resp.headers["Location"])
    resp = http.get(resp.headers["Location"])
    page = http.get(resp.headers["Location"] + "&lang=en").get_data(as_text=True)
    assert "The organisation you act for (name and TIN)" in page
