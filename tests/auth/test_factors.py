"""Second factors, code logins, recovery codes, throttling and step-up."""
import time

import pyotp
import pytest
from sqlalchemy import select, update

from idp.auth.models import LoginSession
from oidc_helpers import RP, query_of

from .conftest import PASSWORD, PINFL


def session_of(idp):
    with idp.db.transaction() as s:
        return s.scalars(select(LoginSession).where(LoginSession.ended_at.is_(None))
                         .order_by(LoginSession.created_at.desc())).first()


def test_totp_setup_then_required_after_password(browser, app, idp):
    assert browser.password_login().status_code == 302
    secret = browser.enable_totp()
    other = app.test_client()
    browser.http = other
    resp = browser.password_login()
    assert resp.headers["Location"].startswith("/login/verify")
    assert "idp_sid" not in resp.headers.get("Set-Cookie", "")  # no session before the second step
    code = pyotp.TOTP(secret).at(time.time() + 30)  # the enrolment used the current step
    ok = browser.form("/login/verify", {"action": "totp", "code": code})
    assert ok.status_code == 302 and "idp_sid=" in ok.headers["Set-Cookie"]
    login = session_of(idp)
    assert login.auth_level == "substantial" and set(login.amr) == {"pwd", "otp", "mfa"}


def test_totp_code_is_never_accepted_twice(browser, app):
    browser.password_login()
    secret = browser.enable_totp()
    code = pyotp.TOTP(secret).now()
    # The enrolment itself used the current step: the same code cannot log in.
    browser.http = app.test_client()
    browser.password_login()
    again = browser.form("/login/verify", {"action": "totp", "code": code})
    assert again.status_code == 400
    assert "keyingi kodni ko‘rsatguncha kuting" in again.get_data(as_text=True)  # told to wait for the next code
    wrong = browser.form("/login/verify", {"action": "totp", "code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400
    assert "keyingi kodni" not in wrong.get_data(as_text=True)


def test_email_code_login_without_password(browser, idp):
    resp = browser.form("/login/code", {"action": "request", "identifier": "aziz@example.uz", "channel": "email"})
    assert resp.status_code == 200
    code = browser.last_code()
    ok = browser.form("/login/code", {"action": "verify", "code": code}, page="/login/code")
    assert ok.status_code == 302 and "idp_sid=" in ok.headers["Set-Cookie"]
    login = session_of(idp)
    assert login.amr == ["otp"] and login.auth_level == "low"


def test_code_login_for_unknown_identifier_looks_the_same(browser):
    known = browser.form("/login/code?lang=en", {"action": "request", "identifier": PINFL, "channel": "email"})
    unknown = browser.form("/login/code?lang=en", {"action": "request", "identifier": "99999999999999", "channel": "email"})
    assert known.status_code == unknown.status_code == 200
    strip = lambda r: r.get_data(as_text=True).split('name="csrf_token" value="')[0]  # noqa: E731
    assert strip(known) == strip(unknown)


def test_wrong_code_then_too_many_tries(browser):
    browser.form("/login/code", {"action": "request", "identifier": PINFL, "channel": "email"})
    code = browser.last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        resp = browser.form("/login/code?lang=en", {"action": "verify", "code": wrong}, page="/login/code")
        assert resp.status_code == 400
    assert "Too many wrong codes" in resp.get_data(as_text=True)
    late = browser.form("/login/code", {"action": "verify", "code": code}, page="/login/code")
    assert late.status_code == 400  # the right code no longer works


def test_expired_code_is_refused(browser, idp):
    browser.form("/login/code", {"action": "request", "identifier": PINFL, "channel": "email"})
    code = browser.last_code()
    from idp.state.models import ShortLivedState
    from idp.db import utcnow

    with idp.db.transaction() as s:
        s.execute(update(ShortLivedState).where(ShortLivedState.key.startswith("otp:")).values(expires_at=utcnow()))
    resp = browser.form("/login/code?lang=en", {"action": "verify", "code": code}, page="/login/code")
    assert resp.status_code == 400 and "expired" in resp.get_data(as_text=True)


def test_code_used_once_and_resend_cooldown(browser, app):
    browser.form("/login/code", {"action": "request", "identifier": PINFL, "channel": "email"})
    code = browser.last_code()
    again = browser.form("/login/code?lang=en", {"action": "request", "identifier": PINFL, "channel": "email"})
    assert "seconds" in again.get_data(as_text=True)  # cool-down: no second code yet
    assert browser.form("/login/code", {"action": "verify", "code": code}, page="/login/code").status_code == 302
    browser.http = app.test_client()
    browser.form("/login/code", {"action": "request", "identifier": PINFL, "channel": "email"})
    replay = browser.form("/login/code", {"action": "verify", "code": code}, page="/login/code")
    assert replay.status_code == 400


def test_recovery_codes_work_once(browser, app):
    browser.password_login()
    browser.step_up_with_email_code()
    page = browser.form("/cabinet/security/recovery-codes", {}, page="/cabinet/security/")
    import re

    codes = re.findall(r"<li>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</li>", page.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    browser.enable_totp()
    for attempt, expected in ((codes[0].lower().replace("-", " "), 302), (codes[0], 400)):
        browser.http = app.test_client()
        browser.password_login()
        resp = browser.form("/login/verify", {"action": "recovery", "code": attempt})
        assert resp.status_code == expected


def test_step_up_from_password_to_substantial_through_oidc(browser, app, idp):
    from idp.people.models import Account

    with idp.db.transaction() as s:
        s.execute(update(Account).values(identity_level="substantial"))
    browser.password_login()
    secret = browser.enable_totp()
    http = app.test_client()
    browser.http = http
    rp = RP(http, app, client_id="demo-portal", secret="demo-portal-secret-not-for-production",
            redirect_uri="http://rp.example/callback")
    # A first, password-only login through a portal that asks for nothing special...
    with idp.db.transaction() as s:  # (no TOTP yet for this part: remove it, log in, re-add below)
        from idp.auth.factors import totp_remove
        totp_remove(s, s.scalars(select(Account)).first().id)
    _p, resp = rp.authorize()
    rp.follow_to_code(resp, identifier=PINFL, password=PASSWORD)
    assert session_of(idp).auth_level == "low"
    with idp.db.transaction() as s:
        from idp.auth.factors import totp_enroll
        account_id = s.scalars(select(Account)).first().id
        totp_enroll(s, idp.keys.fernet, account_id, secret, pyotp.TOTP(secret).at(time.time() - 30))
    # ...then a portal that needs substantial: the session steps up, no new login.
    _p, resp = rp.authorize(acr_values="http://eidas.europa.eu/LoA/substantial")
    assert "why=authentication_level" in resp.headers["Location"]
    step_up = http.get(resp.headers["Location"]).get_data(as_text=True)
    assert "/login/verify" in step_up
    rid = query_of(resp.headers["Location"])["r"]
    done = browser.form(f"/login/verify?r={rid}", {"action": "totp", "code": pyotp.TOTP(secret).now()})
    q = rp.follow_to_code(done)
    claims = rp.decode_id_token(rp.token(q["code"]).get_json()["id_token"]).claims
    assert claims["acr"] == "http://eidas.europa.eu/LoA/substantial"
    assert set(claims["amr"]) == {"pwd", "otp", "mfa"}


def test_password_throttling_slows_then_clears(browser, app):
    for _ in range(5):
        assert browser.password_login(password="wrong password!").status_code == 401
    blocked = browser.password_login()  # even the right password waits
    assert blocked.status_code == 429
    assert "daqiqadan" in blocked.get_data(as_text=True)  # Uzbek by default: "try again in N min"


def test_known_device_is_not_locked_out_by_attackers(browser, app):
    owner = browser
    assert owner.password_login().status_code == 302  # leaves the known-device cookie
    owner.http.post("/logout-here")  # (no CSRF: ignored) — log out by dropping the session cookie instead
    owner.http.delete_cookie("idp_sid")
    from .conftest import Browser

    attacker = Browser(app.test_client(), browser.idp)
    for _ in range(6):
        attacker.password_login(password="guess guess")
    assert attacker.password_login().status_code == 429
    assert owner.password_login().status_code == 302


@pytest.mark.parametrize("password,reason", [("qwerty123", "too common"), ("password1", "too common"),
                                             ("aaaaaaaaaaaa", "too common"),
                                             ("my 30101701234569 pin", "must not contain")])
def test_registration_password_policy(browser, password, reason):
    resp = browser.form("/register?lang=en", {"pinfl": "30101701234569", "document_number": "AC1112223",
                                              "birth_date": "1970-01-01", "password": password,
                                              "password_again": password})
    assert resp.status_code == 400 and reason in resp.get_data(as_text=True)


def test_unicode_passwords_are_allowed_and_normalised(browser, idp):
    password = "Ｐａｒｏｌ ҳаётим 🌙 2026"  # full-width Latin, Cyrillic, emoji
    resp = browser.form("/register", {"pinfl": "30101701234569", "document_number": "AC1112223",
                                      "birth_date": "1970-01-01", "password": password, "password_again": password})
    assert resp.status_code == 302
    from .conftest import Browser

    other = Browser(browser.http.application.test_client(), idp)
    import unicodedata

    assert other.password_login("30101701234569", unicodedata.normalize("NFKC", password)).status_code == 302
