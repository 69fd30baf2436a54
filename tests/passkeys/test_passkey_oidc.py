"""A relying party asks for eIDAS high; the citizen logs in with a password,
is sent to step up, proves a passkey with user verification, and the ID
token says acr high with amr hwk and user."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from conftest import PASSWORD, PINFL, Browser, lift_cap
from oidc_helpers import RP

HIGH = "http://eidas.europa.eu/LoA/high"


@pytest.fixture
def proofed_in_person(idp, demo):
    """Aziz's identity was verified at a public service centre: identity level high."""
    from idp.people.models import Account, Person

    with idp.db.transaction() as s:
        s.scalars(select(Account).join(Person).where(Person.pinfl == PINFL)).one().identity_level = "high"


@pytest.fixture
def with_passkey(app, idp, demo, phone, proofed_in_person):
    """Earlier, when his identity was proofed, Aziz made a passkey (its natural level)."""
    earlier = Browser(app.test_client())
    earlier.log_in_with_password()
    assert earlier.register(phone, "My phone").status_code == 200
    lift_cap(idp)


def password_login_sent_to_step_up(rp, browser):
    _params, response = rp.authorize(acr_values=HIGH)
    login_url = response.headers["Location"]
    assert login_url.startswith("/login?r=")
    response = rp.login(PINFL, PASSWORD, login_url)  # the password alone is level low
    response = browser.http.get(response.headers["Location"])  # back at /authorize
    step_up_url = response.headers["Location"]
    assert step_up_url.startswith("/login?") and "why=authentication_level" in step_up_url
    page = browser.http.get(step_up_url + "&lang=en").get_data(as_text=True)
    assert "More assurance needed" in page and 'id="passkey-step-up-button"' in page
    box = page[page.index('id="passkey-step-up"'):]
    return html.unescape(re.search(r'data-verify-url="([^"]+)"', box).group(1))


def test_step_up_from_password_to_passkey_gives_acr_high_and_amr_hwk_user(app, demo, phone, with_passkey):
    browser = Browser(app.test_client())
    rp = RP(browser.http, app, client_id=demo["client"]["client_id"], secret=demo["client"]["client_secret"],
            redirect_uri="http://rp.example/callback", scope="openid profile")
    verify_url = password_login_sent_to_step_up(rp, browser)
    assert verify_url.startswith("/passkeys/step-up?r=")

    options = browser.options("step-up")
    response = browser.answer("step-up", options, phone, query=verify_url[len("/passkeys/step-up"):])
    assert response.status_code == 200, response.get_json()
    back_to_authorize = response.get_json()["redirect"]
    assert back_to_authorize.startswith("/authorize?")

    code = rp.follow_to_code(browser.http.get(back_to_authorize))["code"]
    tokens = rp.token(code).get_json()
    claims = rp.decode_id_token(tokens["id_token"]).claims
    assert claims["acr"] == HIGH
    assert {"hwk", "user", "pwd", "mfa"} <= set(claims["amr"])


def test_a_step_up_without_user_verification_does_not_reach_high(app, demo, phone, with_passkey):
    browser = Browser(app.test_client())
    rp = RP(browser.http, app, client_id=demo["client"]["client_id"], secret=demo["client"]["client_secret"],
            redirect_uri="http://rp.example/callback", scope="openid profile")
    verify_url = password_login_sent_to_step_up(rp, browser)
    response = browser.answer("step-up", browser.options("step-up"), phone, uv=False,
                              query=verify_url[len("/passkeys/step-up"):])
    assert response.status_code == 401 and response.get_json()["error"] == "user_not_verified"
    _params, again = rp.authorize(acr_values=HIGH)  # the service still cannot get high
    assert "why=authentication_level" in again.headers["Location"]
