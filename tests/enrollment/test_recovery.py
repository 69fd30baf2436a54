"""Account recovery for a citizen who lost every authenticator: the same
journey, an officer's approval, new authenticators on the existing account
(matched by PINFL), and everything old revoked."""
from __future__ import annotations

import datetime as dt
import os
import re
import sys

import pyotp
from sqlalchemy import select

from nfc.testing import Identity, make_passport

from enrollment_journey import Journey
from idp.auth.models import Authenticator, LoginSession
from idp.people.models import Account, Person

AZIZ = Identity(surname="KARIMOV", given_names="AZIZ", document_number="AA1234567",
                date_of_birth=dt.date(1990, 3, 15), date_of_expiry=dt.date(2031, 6, 30), sex="M",
                personal_number="31503901234567")


def old_login(app):
    """Aziz's old phone: logged in with the password he later forgets."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))
    from oidc_helpers import RP, csrf_from
    from idp.demo import DEMO_PASSWORD, PORTAL_SECRET

    http = app.test_client()
    page = http.get("/login").get_data(as_text=True)
    assert http.post("/login", data={"identifier": AZIZ.personal_number, "password": DEMO_PASSWORD,
                                     "csrf_token": csrf_from(page)}).status_code == 302
    rp = RP(http, app, client_id="demo-portal", secret=PORTAL_SECRET, redirect_uri="http://rp.example/callback")
    _params, response = rp.authorize()
    tokens = rp.token(rp.follow_to_code(response)["code"]).get_json()
    assert tokens["access_token"]
    return http, tokens


def test_a_citizen_who_lost_everything_gets_new_authenticators_on_the_same_account(app, idp, demo, pki, cli):
    old_phone, _tokens = old_login(app)
    assert old_phone.get("/").status_code == 200
    with idp.db.transaction() as s:
        account_id = s.scalars(select(Account.id).join(Person).where(Person.pinfl == AZIZ.personal_number)).one()

    journey = Journey(app, idp, make_passport(pki, AZIZ), email="aziz.abroad@example.org")
    assert journey.start(purpose="recovery").status_code == 302
    journey.contact(), journey.verify_email()
    assert journey.document(AZIZ).status_code == 302
    assert journey.read_chip().get_json()["outcome"] == "verified"
    assert journey.selfie().get_json()["done"]
    journey.submit()
    case = journey.case()
    assert case.purpose == "recovery" and case.status == "awaiting_review" and case.flags == ["account_recovery"]
    cli("enrollment", "approve", case.id)
    link = re.search(r"http://localhost(/enroll/activate/\S+)", journey.last_mail().body).group(1)
    journey.get(link)
    assert "old password, codes and passkeys stop working" in journey.get("/enroll/activate").get_data(as_text=True)
    page = journey.get("/enroll/activate/app").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    done = journey.post_form("/enroll/activate/app", {"password": "new life in Seoul 2026",
                                                      "password_again": "new life in Seoul 2026",
                                                      "code": pyotp.TOTP(secret).now()})
    assert done.headers["Location"].endswith("/enroll/done")

    with idp.db.transaction() as s:
        account = s.get(Account, account_id)
        assert account.email == "aziz.abroad@example.org" and account.identity_level == "substantial"
        kinds = sorted(a.kind for a in s.scalars(select(Authenticator).where(Authenticator.account_id == account_id)))
        assert kinds == ["password", "totp"]
        live = [x for x in s.scalars(select(LoginSession).where(LoginSession.account_id == account_id))
                if x.ended_at is None]
        assert len(live) == 1  # only the new one
        from oidc.models import Token

        assert all(t.revoked_at is not None for t in s.scalars(select(Token).where(Token.account_id == account_id)))
    # The old phone is logged out; the old password no longer works.
    assert old_phone.get("/").status_code == 302
    from idp.demo import DEMO_PASSWORD

    stranger = app.test_client()
    page = stranger.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert stranger.post("/login", data={"identifier": AZIZ.personal_number, "password": DEMO_PASSWORD,
                                         "csrf_token": token}).status_code == 401



def test_recovery_needs_an_account_to_recover(app, idp, holder, passport):
    journey = Journey(app, idp, passport)
    journey.start(purpose="recovery")
    journey.contact(), journey.verify_email()
    journey.document()
    response = journey.read_chip()
    assert response.get_json()["outcome"] == "refused"
    assert "no active OneID account for you to restore" in journey.get("/enroll/chip").get_data(as_text=True)
