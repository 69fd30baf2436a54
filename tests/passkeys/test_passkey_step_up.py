"""Stepping up a password session with a passkey of the same account."""
from __future__ import annotations

from sqlalchemy import select

from conftest import OTHER_PINFL
from soft_authenticator import SoftAuthenticator, b64u


def sessions(idp):
    from idp.auth.models import LoginSession

    with idp.db.transaction() as s:
        return list(s.scalars(select(LoginSession).where(LoginSession.ended_at.is_(None))))


def test_step_up_options_list_only_this_accounts_passkeys_and_require_verification(registered, phone):
    options = registered.options("step-up")["publicKey"]
    assert [c["id"] for c in options["allowCredentials"]] == [b64u(c) for c in phone.credentials]
    assert options["userVerification"] == "required"


def test_a_passkey_steps_up_the_same_session(made_at_activation, phone, idp, audit):
    registered = made_at_activation
    [before] = sessions(idp)
    assert before.auth_level == "low" and before.amr == ["pwd"]
    response = registered.step_up(phone)
    assert response.status_code == 200 and response.get_json()["redirect"] == "/"
    assert "idp_sid=" not in response.headers.get("Set-Cookie", "")  # the same session, not a new one
    [after] = sessions(idp)
    assert after.id == before.id and after.auth_level == "high"
    assert after.amr == ["hwk", "mfa", "pwd", "user"] and after.auth_time >= before.auth_time
    assert ("login.passkey.succeeded", {"passkey": registered_id(idp), "purpose": "step_up",
                                        "user_verified": True}) in audit()


def registered_id(idp):
    from idp.auth.models import Authenticator

    with idp.db.transaction() as s:
        return s.scalars(select(Authenticator.id).where(Authenticator.kind == "passkey")).first()


def test_a_passkey_of_another_account_does_not_step_up_this_session(registered, new_browser, idp, audit):
    dilnoza, her_phone = new_browser(), SoftAuthenticator()
    dilnoza.log_in_with_password(OTHER_PINFL)
    assert dilnoza.register(her_phone, "Dilnoza's phone").status_code == 200
    options = registered.options("step-up")  # Aziz's browser asks to step up his session
    her_credential = next(iter(her_phone.credentials))
    response = registered.answer("step-up", options, her_phone, credential_id=her_credential)
    assert response.status_code == 403 and response.get_json()["error"] == "wrong_account"
    aziz_session = [s for s in sessions(idp) if s.amr == ["pwd"]]
    assert len(aziz_session) == 2 and all(s.auth_level == "low" for s in aziz_session)  # nobody stepped up
    assert any(e == "login.passkey.failed" and d["reason"] == "wrong_account" for e, d in audit())


def test_step_up_without_user_verification_is_refused(registered, phone, idp):
    response = registered.step_up(phone, uv=False)
    assert response.status_code == 401 and response.get_json()["error"] == "user_not_verified"
    [login] = sessions(idp)
    assert login.auth_level == "low" and login.amr == ["pwd"]


def test_step_up_needs_a_login_and_a_passkey(browser):
    assert browser.post_json("/passkeys/step-up/options").get_json()["error"] == "login_required"
    browser.log_in_with_password()
    response = browser.post_json("/passkeys/step-up/options")
    assert response.status_code == 400 and response.get_json()["error"] == "no_passkey"


def test_a_step_up_challenge_cannot_be_used_to_log_in(registered, phone):
    options = registered.options("step-up")
    response = registered.answer("login", options, phone)
    assert response.status_code == 401 and response.get_json()["error"] == "challenge_not_bound"


def test_the_step_up_page_offers_a_passkey_only_to_accounts_with_one(browser, new_browser, phone):
    browser.log_in_with_password()
    page = browser.http.get("/login?why=authentication_level&lang=en").get_data(as_text=True)
    assert "More assurance needed" in page and "passkey-step-up-button" not in page
    assert browser.register(phone).status_code == 200
    page = browser.http.get("/login?why=authentication_level&lang=en").get_data(as_text=True)
    assert 'id="passkey-step-up-button"' in page and "Confirm with a passkey" in page
    page = browser.http.get("/login?why=identity_level&lang=en").get_data(as_text=True)
    assert "passkey-step-up-button" not in page  # a login method cannot raise identity assurance
