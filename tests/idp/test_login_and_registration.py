"""Password login and resident registration through the register."""
import pytest
from sqlalchemy import select

from idp.audit.models import AuditEvent
from idp.auth.models import Authenticator
from oidc_helpers import csrf_from

PINFL = "31503901234567"


def post_form(http, path, data):
    token = csrf_from(http.get(path).get_data(as_text=True))
    return http.post(path, data={**data, "csrf_token": token})


def test_login_with_pinfl_and_with_verified_email(app, demo):
    for identifier in (PINFL, "AZIZ@example.uz"):
        http = app.test_client()
        resp = post_form(http, "/login", {"identifier": identifier, "password": "demo-password-2026"})
        assert resp.status_code == 302 and resp.headers["Location"] == "/"
        assert "idp_sid=" in resp.headers["Set-Cookie"]
        assert "HttpOnly" in resp.headers["Set-Cookie"] and "SameSite=Lax" in resp.headers["Set-Cookie"]


def test_wrong_password_is_refused_and_audited(http, demo, idp):
    resp = post_form(http, "/login", {"identifier": PINFL, "password": "not the password"})
    assert resp.status_code == 401
    assert "PINFL/e-mail or the password is wrong" in resp.get_data(as_text=True) or "noto‘g‘ri" in resp.get_data(as_text=True)
    with idp.db.transaction() as s:
        events = list(s.scalars(select(AuditEvent.event)))
    assert "login.password.failed" in events


def test_unknown_identifier_gets_the_same_answer(http, demo):
    known = post_form(http, "/login?lang=en", {"identifier": PINFL, "password": "wrong-password"})
    unknown = post_form(http, "/login?lang=en", {"identifier": "99999999999999", "password": "wrong-password"})
    assert known.status_code == unknown.status_code == 401
    assert known.get_data(as_text=True).count("is wrong") == unknown.get_data(as_text=True).count("is wrong") == 1


def test_unverified_email_is_not_an_identifier(http, demo, idp):
    from idp.people.models import Account

    with idp.db.transaction() as s:
        for account in s.scalars(select(Account)):
            account.email_verified = False
    resp = post_form(http, "/login", {"identifier": "aziz@example.uz", "password": "demo-password-2026"})
    assert resp.status_code == 401


def test_suspended_account_cannot_log_in(http, demo, idp):
    from idp.people.models import Account

    with idp.db.transaction() as s:
        for account in s.scalars(select(Account)):
            account.status = "suspended"
    resp = post_form(http, "/login?lang=en", {"identifier": PINFL, "password": "demo-password-2026"})
    assert resp.status_code == 401 and "blocked" in resp.get_data(as_text=True)


def test_password_rehashed_when_parameters_change(settings_overrides, demo, idp):
    from idp.app import create_app

    with idp.db.transaction() as s:
        before = s.scalars(select(Authenticator.secret)).first()
    stronger = create_app({**settings_overrides, "argon2_time_cost": 2})
    http = stronger.test_client()
    assert post_form(http, "/login", {"identifier": PINFL, "password": "demo-password-2026"}).status_code == 302
    with idp.db.transaction() as s:
        secrets = list(s.scalars(select(Authenticator.secret)))
    assert before not in secrets and any("t=2" in x for x in secrets)


def test_login_rate_limit(settings_overrides, demo):
    from idp.app import create_app

    app = create_app({**settings_overrides, "ratelimit_login": "3/minute"})
    http = app.test_client()
    codes = [post_form(http, "/login", {"identifier": PINFL, "password": "x" * 9}).status_code for _ in range(4)]
    assert codes[:3] == [401, 401, 401] and codes[3] == 429


def test_register_resident_through_the_register(http, demo, idp):
    resp = post_form(http, "/register", {"pinfl": "30101701234569", "document_number": "ac1112223",
                                         "birth_date": "1970-01-01", "password": "a long pass phrase",
                                         "password_again": "a long pass phrase"})
    assert resp.status_code == 302 and "idp_sid=" in resp.headers["Set-Cookie"]
    from idp.people.models import Account, Person

    with idp.db.transaction() as s:
        account = s.scalars(select(Account).join(Person).where(Person.pinfl == "30101701234569")).one()
        assert account.person.family_name == "Rahimov" and account.person.given_name_cyr == "Бобур"
        assert account.identity_level == "low" and account.person.residency == "resident"


@pytest.mark.parametrize("field,value,expected", [
    ("document_number", "AC9999999", "We could not find a citizen"),
    ("birth_date", "1970-01-02", "We could not find a citizen"),
    ("pinfl", "30101701234560", "We could not find a citizen"),
    ("password", "short", "at least 8 characters"),
    ("pinfl", "123", "exactly 14 digits"),
    ("document_number", "A1", "Two letters and seven digits"),
])
def test_registration_refusals_are_specific(http, demo, field, value, expected, idp):
    data = {"pinfl": "30101701234569", "document_number": "AC1112223", "birth_date": "1970-01-01",
            "password": "a long pass phrase", "password_again": "a long pass phrase"}
    data[field] = value
    if field == "password":
        data["password_again"] = value
    resp = post_form(http, "/register?lang=en", data)
    assert resp.status_code == 400 and expected in resp.get_data(as_text=True)
    from idp.people.models import Person

    with idp.db.transaction() as s:
        assert s.scalars(select(Person).where(Person.pinfl == "30101701234569")).first() is None


def test_registration_twice_is_refused(http, demo):
    data = {"pinfl": "31503901234567", "document_number": "AA1234567", "birth_date": "1990-03-15",
            "password": "a long pass phrase", "password_again": "a long pass phrase"}
    resp = post_form(http, "/register?lang=en", data)
    assert resp.status_code == 400 and "already exists" in resp.get_data(as_text=True)


def test_session_idle_timeout(settings_overrides, demo):
    from idp.app import create_app
    from idp.auth.models import LoginSession
    import datetime as dt

    app = create_app(settings_overrides)
    idp = app.extensions["idp"]
    http = app.test_client()
    post_form(http, "/login", {"identifier": PINFL, "password": "demo-password-2026"})
    assert http.get("/").status_code == 200
    with idp.db.transaction() as s:
        for row in s.scalars(select(LoginSession)):
            row.last_seen_at -= dt.timedelta(hours=1)
    assert http.get("/").status_code == 302
