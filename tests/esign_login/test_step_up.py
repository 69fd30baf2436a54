"""Stepping a live password session up with an e-signature key, for a
relying party that asks for level high, and refusing someone else's key."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from idp.auth.models import LoginSession
from idp.demo import DEMO_PASSWORD
from idp.esign.democa import DEMO_HOLDERS
from oidc_helpers import RP, csrf_from

HIGH = "http://eidas.europa.eu/LoA/high"
HOLDERS = {h.slug: h for h in DEMO_HOLDERS}
AZIZ = "31503901234567"  # idp.demo.PEOPLE: a password account, identity level low
LINK = re.compile(r'<a class="button secondary" id="esign-login-link" href="([^"]+)">\s*([^<]+?)\s*</a>')


def sessions(idp) -> list[tuple]:
    with idp.db.transaction() as s:
        rows = s.scalars(select(LoginSession).where(LoginSession.ended_at.is_(None))).all()
        return [(r.id, r.account.person.pinfl, sorted(r.amr), r.auth_level, r.acting_for) for r in rows]


def password_login(http, pinfl: str):
    token = csrf_from(http.get("/login").get_data(as_text=True))
    response = http.post("/login", data={"identifier": pinfl, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def rp(app, http, holders):
    return RP(http, app, client_id=holders["client"]["client_id"], secret=holders["client"]["client_secret"],
              redirect_uri="http://rp.example/callback", scope="openid profile")


def test_rp_asking_for_high_gets_it_after_a_key_step_up(rp, http, key_login, idp):
    alisher = HOLDERS["individual-rsa"]  # seeded with identity level high
    _params, response = rp.authorize(acr_values=HIGH)
    response = rp.login(alisher.pinfl, DEMO_PASSWORD, response.headers["Location"])
    response = http.get(response.headers["Location"])
    step_up = response.headers["Location"]
    assert "why=authentication_level" in step_up
    [(sid, _pinfl, amr, level, _)] = sessions(idp)
    assert (amr, level) == (["pwd"], "low")

    page = http.get(step_up + "&lang=en").get_data(as_text=True)
    href, label = LINK.search(page).groups()
    assert label == "Confirm with your e-signature key"
    query = "?" + html.unescape(href).split("?", 1)[1]
    assert "why=authentication_level" in query
    response = key_login.login("individual-rsa", query=query, why="authentication_level")
    assert response.status_code == 302 and response.headers["Location"].startswith("/authorize?")
    assert sessions(idp) == [(sid, alisher.pinfl, ["mfa", "pwd", "swk"], "high", None)]  # the same session

    code = rp.follow_to_code(response)["code"]
    claims = rp.decode_id_token(rp.token(code).get_json()["id_token"]).claims
    assert claims["acr"] == HIGH
    assert {"pwd", "swk"} <= set(claims["amr"])


def test_low_identity_account_stays_low_after_a_key_login(rp, http, key_login, idp):
    # acr is the lower of identity and authentication assurance
    from sqlalchemy import update

    from idp.people.models import Account, Person

    with idp.db.transaction() as s:
        person_id = s.scalars(select(Person.id).where(Person.pinfl == HOLDERS["individual-ec"].pinfl)).one()
        s.execute(update(Account).where(Account.person_id == person_id).values(identity_level="low"))
    _params, response = rp.authorize()
    query = "?" + response.headers["Location"].split("?", 1)[1]
    response = key_login.login("individual-ec", query=query)
    code = rp.follow_to_code(response)["code"]
    claims = rp.decode_id_token(rp.token(code).get_json()["id_token"]).claims
    assert claims["acr"] == "http://eidas.europa.eu/LoA/low"
    assert claims["amr"] == ["swk"]


def test_cabinet_session_steps_up_in_place(http, key_login, holders, idp):
    password_login(http, HOLDERS["legal-rsa"].pinfl)
    [(sid, *_)] = sessions(idp)
    assert key_login.login("legal-rsa").status_code == 302
    assert sessions(idp) == [(sid, HOLDERS["legal-rsa"].pinfl, ["mfa", "pwd", "swk"], "high",
                              {"tin": "301234567", "organisation": "DEMO TEXTILE LLC", "user_type": "L"})]


def test_someone_elses_key_does_not_step_up_the_session(http, key_login, holders, idp):
    password_login(http, AZIZ)
    before = sessions(idp)
    page = key_login.open("?lang=en")
    assert "You are logged in as Aziz Rustamovich Karimov." in page
    challenge = key_login.challenge()
    response = key_login.post(challenge["id"], key_login.sign("individual-rsa", challenge["challenge"]),
                              query="?lang=en")
    assert response.status_code == 403
    assert "This key belongs to someone other than the person logged in." in response.get_data(as_text=True)
    assert sessions(idp) == before and before[0][1:4] == (AZIZ, ["pwd"], "low")


def test_service_asking_for_another_account_may_switch(http, key_login, holders, idp):
    password_login(http, AZIZ)
    response = key_login.login("individual-rsa", why="login_hint")
    assert response.status_code == 302
    assert [s[1:4] for s in sessions(idp)] == [(HOLDERS["individual-rsa"].pinfl, ["swk"], "high")]
