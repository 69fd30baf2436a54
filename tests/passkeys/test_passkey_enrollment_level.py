"""A passkey added in the cabinet gives at most the level of the session that
added it (NIST 800-63B 6.1.2.1), and adding one needs a recent login: a
phished password or an old cookie does not become a high-assurance credential."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from conftest import PINFL, Browser
from oidc_helpers import RP
from soft_authenticator import SoftAuthenticator

LOW = "http://eidas.europa.eu/LoA/low"
HIGH = "http://eidas.europa.eu/LoA/high"


@pytest.fixture
def proofed_in_person(idp, demo):
    """Identity level high, so only the login limits the acr."""
    from idp.people.models import Account, Person

    with idp.db.transaction() as s:
        s.scalars(select(Account).join(Person).where(Person.pinfl == PINFL)).one().identity_level = "high"


def live_session(idp):
    from idp.auth.models import LoginSession

    with idp.db.transaction() as s:
        return s.scalars(select(LoginSession).where(LoginSession.ended_at.is_(None))
                         .order_by(LoginSession.auth_time.desc())).first()


def age_sessions(idp, minutes: int) -> None:
    from idp.auth.models import LoginSession

    with idp.db.transaction() as s:
        s.execute(update(LoginSession).values(auth_time=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=minutes)))


def step_up_with_email_code(browser, idp):
    """Password + a code to the verified address: substantial."""
    import re

    from idp.notify.models import OutboxMessage

    from conftest import csrf_in

    token = csrf_in(browser.http.get("/login/verify").get_data(as_text=True))
    browser.http.post("/login/verify", data={"action": "send_email", "csrf_token": token})
    with idp.db.transaction() as s:
        body = s.scalars(select(OutboxMessage).order_by(OutboxMessage.created_at.desc())).first().body
    done = browser.http.post("/login/verify", data={"action": "email", "csrf_token": token,
                                                    "code": re.search(r"\b(\d{6})\b", body).group(1)})
    assert done.status_code == 302


def id_token_claims(app, demo, browser):
    rp = RP(browser.http, app, client_id=demo["client"]["client_id"], secret=demo["client"]["client_secret"],
            redirect_uri="http://rp.example/callback", scope="openid profile")
    _params, response = rp.authorize()
    code = rp.follow_to_code(response)["code"]
    return rp.decode_id_token(rp.token(code).get_json()["id_token"]).claims


def test_a_passkey_added_from_a_password_session_does_not_reach_high(app, idp, demo, proofed_in_person, passkey_rows):
    attacker, key = Browser(app.test_client()), SoftAuthenticator()
    attacker.log_in_with_password()  # a phished password: level low
    assert attacker.register(key, "Attacker's key").status_code == 200
    assert [row.max_level for row in passkey_rows()] == ["low"]

    later = Browser(app.test_client())
    later.log_in_with_password()
    response = later.step_up(key)  # user verification and all
    assert response.status_code == 200
    assert live_session(idp).auth_level == "low"
    claims = id_token_claims(app, demo, later)
    assert claims["acr"] == LOW and claims["acr"] != HIGH
    assert "hwk" in claims["amr"]  # the passkey was used; it just gives no more than its enrolment had

    alone = Browser(app.test_client())
    assert alone.log_in_with_passkey(key).status_code == 200
    assert live_session(idp).auth_level == "low"


def test_the_cap_is_the_level_of_the_session_that_added_it(app, idp, demo, passkey_rows, audit):
    browser, key = Browser(app.test_client()), SoftAuthenticator()
    browser.log_in_with_password()
    step_up_with_email_code(browser, idp)  # password + e-mail code: substantial
    assert browser.register(key, "Phone").status_code == 200
    [row] = passkey_rows()
    assert row.max_level == "substantial"
    assert ("passkey.registered", {"passkey": row.id, "aaguid": row.data["aaguid"], "synced": False,
                                   "user_verified": True, "max_level": "substantial"}) in audit()
    assert Browser(app.test_client()).log_in_with_passkey(key).status_code == 200
    assert live_session(idp).auth_level == "substantial"


def test_a_passkey_made_at_activation_keeps_its_natural_level(app, idp, demo, passkey_rows):
    from idp.passkeys import Ceremonies, RelyingParty, register, registration_options
    from idp.people.models import Account, Person

    key = SoftAuthenticator()
    with app.test_request_context("/"):  # as enrollment and consular activation call it: no cap
        session, ceremonies = idp.db.session, Ceremonies(idp.state)
        rp = RelyingParty.from_settings(idp.settings)
        account = session.scalars(select(Account).join(Person).where(Person.pinfl == PINFL)).one()
        options = registration_options(session, ceremonies, rp, account, binding="activation-page")
        result = register(session, ceremonies, rp, account_id=account.id, handle=options.handle,
                          binding="activation-page", credential=key.create(options.public_key))
        assert result.success
        session.commit()
    assert [row.max_level for row in passkey_rows()] == [None]
    first = Browser(app.test_client())
    assert first.log_in_with_passkey(key).status_code == 200
    assert live_session(idp).auth_level == "high"

    # A high session adds a second passkey: that one is high as well.
    second = SoftAuthenticator()
    assert first.register(second, "Second").status_code == 200
    assert sorted(str(row.max_level) for row in passkey_rows()) == ["None", "high"]
    assert Browser(app.test_client()).log_in_with_passkey(second).status_code == 200
    assert live_session(idp).auth_level == "high"


def test_adding_a_passkey_needs_a_recent_login(browser, idp, passkey_rows):
    browser.log_in_with_password()
    options = browser.registration_options("Phone")  # fresh: allowed
    age_sessions(idp, minutes=10)  # the tab stayed open; or the cookie was stolen hours ago
    late = browser.register(SoftAuthenticator(), "Phone", options=options)
    assert late.status_code == 401 and late.get_json()["error"] == "reauth_required"
    assert late.get_json()["redirect"].startswith("/login?")
    assert late.get_json()["message"] != "reauth_required"  # a sentence for the person
    refused = browser.post_json("/cabinet/passkeys/options", {"label": "Phone"})
    assert refused.status_code == 401 and refused.get_json()["error"] == "reauth_required"
    assert passkey_rows() == []

    browser.log_in_with_password()  # the password again: recent, and the passkey follows
    assert browser.register(SoftAuthenticator(), "Phone").status_code == 200
    assert [row.max_level for row in passkey_rows()] == ["low"]


def test_removing_a_passkey_needs_a_recent_login_at_the_level_it_gives(made_at_activation, phone, passkey_rows):
    from conftest import csrf_in

    browser = made_at_activation  # a password session (low) and a passkey that gives high
    [row] = passkey_rows()
    token = csrf_in(browser.http.get("/cabinet/passkeys").get_data(as_text=True))
    refused = browser.http.post(f"/cabinet/passkeys/{row.id}/remove", data={"csrf_token": token})
    assert refused.status_code == 303
    assert refused.headers["Location"].startswith("/login?") and "why=reauth" in refused.headers["Location"]
    assert "level=high" in refused.headers["Location"] and "next=/cabinet/passkeys" in refused.headers["Location"]
    assert len(passkey_rows()) == 1

    assert browser.step_up(phone).status_code == 200  # now high, and recent
    done = browser.http.post(f"/cabinet/passkeys/{row.id}/remove", data={"csrf_token": token})
    assert done.status_code == 302 and passkey_rows() == []
