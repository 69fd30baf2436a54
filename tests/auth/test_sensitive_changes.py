"""Changes to how a person logs in need a recent login at least as strong as
what is changed (idp/auth/sensitive.py): a session from an e-mail code alone
cannot turn off the authenticator app, set up another or make recovery codes."""
import datetime as dt

import pytest
from sqlalchemy import select, update

from idp.auth import sensitive
from idp.auth.models import Authenticator, LoginSession
from idp.notify.models import OutboxMessage

from .conftest import PINFL


def kinds(idp):
    with idp.db.transaction() as s:
        return sorted(s.scalars(select(Authenticator.kind).where(Authenticator.kind != "password")))


def age_sessions(idp, minutes):
    with idp.db.transaction() as s:
        s.execute(update(LoginSession).values(auth_time=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=minutes)))


def sent_to_log_in_again(response):
    return response.status_code in (302, 303) and response.headers["Location"].startswith("/login?") \
        and "why=" in response.headers["Location"]


@pytest.fixture
def with_totp(browser, app, idp):
    """Aziz turned on the authenticator app earlier; then logs in from another browser
    with an e-mail code alone (someone who reads his mail could)."""
    browser.password_login()
    browser.enable_totp()
    browser.form("/cabinet/security/recovery-codes", {}, page="/cabinet/security/")
    browser.http = app.test_client()
    browser.form("/login/code", {"action": "request", "identifier": "aziz@example.uz", "channel": "email"})
    done = browser.form("/login/code", {"action": "verify", "code": browser.last_code()}, page="/login/code")
    assert done.status_code == 302
    with idp.db.transaction() as s:
        login = s.scalars(select(LoginSession).order_by(LoginSession.created_at.desc())).first()
        assert login.amr == ["otp"] and login.auth_level == "low"
    return browser


def test_an_email_code_session_cannot_change_the_second_factors(with_totp, idp):
    browser = with_totp
    before = kinds(idp)
    assert before == ["recovery", "totp"]
    assert sent_to_log_in_again(browser.form("/cabinet/security/totp/remove", {}, page="/cabinet/security/"))
    assert sent_to_log_in_again(browser.http.get("/cabinet/security/totp"))
    assert sent_to_log_in_again(browser.form("/cabinet/security/recovery-codes", {}, page="/cabinet/security/"))
    assert sent_to_log_in_again(browser.form("/cabinet/security/contact/email", {"value": "new@example.org"},
                                             page="/cabinet/security/"))
    assert sent_to_log_in_again(browser.form("/cabinet/security/password", {"new_password": "another long phrase 7"},
                                             page="/cabinet/security/"))
    assert kinds(idp) == before


def test_after_the_password_and_app_code_the_same_session_may_change_them(with_totp, idp):
    import pyotp

    browser = with_totp
    with idp.db.transaction() as s:
        row = s.scalars(select(Authenticator).where(Authenticator.kind == "totp")).one()
        secret = idp.keys.fernet.decrypt(row.secret.encode()).decode()
    assert browser.password_login().status_code == 302  # the same session: on to the app code
    done = browser.form("/login/verify", {"action": "totp", "code": pyotp.TOTP(secret).at(dt.datetime.now().timestamp() + 30)})
    assert done.status_code == 302
    removed = browser.form("/cabinet/security/totp/remove", {}, page="/cabinet/security/")
    assert removed.status_code == 302 and removed.headers["Location"].startswith("/cabinet/security")
    assert kinds(idp) == ["recovery"]
    with idp.db.transaction() as s:  # the owner hears of it at the verified address (800-63B 6.1.2.2)
        notice = s.scalars(select(OutboxMessage).order_by(OutboxMessage.created_at.desc())).first()
    assert notice.recipient == "aziz@example.uz" and notice.subject


def test_an_old_strong_login_must_be_refreshed(browser, idp):
    browser.password_login()
    browser.step_up_with_email_code()
    age_sessions(idp, minutes=10)
    assert sent_to_log_in_again(browser.form("/cabinet/security/recovery-codes", {}, page="/cabinet/security/"))
    assert kinds(idp) == []
    # The password again, with the still-valid session that had a second factor (NIST 800-63B 7.2).
    assert browser.password_login().status_code == 302
    made = browser.form("/cabinet/security/recovery-codes", {}, page="/cabinet/security/")
    assert made.status_code == 200 and kinds(idp) == ["recovery"]


# -- the rule itself -----------------------------------------------------------------
@pytest.mark.parametrize("change, strongest, target, level", [
    (sensitive.TOTP_ADD, "low", None, "low"),  # a password-only account may add its first second factor
    (sensitive.TOTP_ADD, "substantial", None, "substantial"),
    (sensitive.TOTP_REMOVE, "high", None, "substantial"),
    (sensitive.RECOVERY_CODES, "substantial", None, "substantial"),
    (sensitive.PASSWORD, "high", None, "substantial"),
    (sensitive.EMAIL, "substantial", None, "substantial"),
    (sensitive.PHONE, "low", None, "low"),
    (sensitive.PASSKEY_ADD, "high", None, "low"),  # capped at the session's level instead
    (sensitive.PASSKEY_REMOVE, "high", "high", "high"),
    (sensitive.PASSKEY_REMOVE, "high", "low", "low"),  # one added from a password session
    (sensitive.PASSKEY_REMOVE, "substantial", "high", "substantial"),
])
def test_the_level_a_change_needs(change, strongest, target, level):
    need = sensitive.requirement(change, strongest=strongest, target_level=target)
    assert (need.level, need.max_age) == (level, sensitive.MAX_AGE)


def test_an_unknown_change_is_a_programming_error():
    with pytest.raises(ValueError):
        sensitive.requirement("telepathy", strongest="high")


def test_the_strongest_level_an_account_reaches(idp, demo):
    from idp.people.models import Account, Person

    with idp.db.transaction() as s:
        account = s.scalars(select(Account).join(Person).where(Person.pinfl == PINFL)).one()
        assert sensitive.strongest_level(s, account) == "substantial"  # password + verified e-mail
        account.email_verified = False
        assert sensitive.strongest_level(s, account) == "low"  # password alone
        s.add(Authenticator(account_id=account.id, kind="passkey", credential_id=b"k1", max_level="low",
                            data={"public_key": ""}))
        s.flush()
        assert sensitive.strongest_level(s, account) == "low"  # capped by the session that added it
        s.add(Authenticator(account_id=account.id, kind="passkey", credential_id=b"k2", data={"public_key": ""}))
        s.flush()
        assert sensitive.strongest_level(s, account) == "high"
        s.rollback()


def test_a_requirement_is_met_by_a_recent_login_at_its_level_or_above():
    now = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.timezone.utc)
    login = LoginSession(auth_level="substantial", auth_time=now - dt.timedelta(seconds=200))
    assert sensitive.satisfied(login, sensitive.Requirement(sensitive.EMAIL, "substantial"), now=now)
    assert sensitive.satisfied(login, sensitive.Requirement(sensitive.PASSKEY_ADD, "low"), now=now)
    assert not sensitive.satisfied(login, sensitive.Requirement(sensitive.PASSKEY_REMOVE, "high"), now=now)
    assert not sensitive.satisfied(login, sensitive.Requirement(sensitive.EMAIL, "low", max_age=120), now=now)
    assert not sensitive.satisfied(None, sensitive.Requirement(sensitive.EMAIL, "low"), now=now)
