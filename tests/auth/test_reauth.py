"""Re-authentication before sensitive changes: `recent_enough` and the
`require_recent_login` decorator on a route registered by the test."""
import datetime as dt
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, update

from idp.auth.models import LoginSession
from idp.auth.reauth import recent_enough
from idp.auth.reauth_views import require_recent_login
from idp.db import utcnow
from oidc_helpers import csrf_from

from .conftest import PINFL

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.timezone.utc)


def login_at(level, seconds_ago):
    return SimpleNamespace(auth_level=level, auth_time=NOW - dt.timedelta(seconds=seconds_ago))


def test_recent_enough_needs_level_and_age():
    assert recent_enough(login_at("substantial", 10), "substantial", 300, now=NOW)
    assert recent_enough(login_at("high", 10), "substantial", 300, now=NOW)
    assert not recent_enough(login_at("low", 10), "substantial", 300, now=NOW)
    assert not recent_enough(login_at("high", 301), "low", 300, now=NOW)
    assert not recent_enough(None, "low", 300, now=NOW)
    assert not recent_enough(login_at("high", 10), "very-high", 300, now=NOW)


@pytest.fixture
def sensitive(app):
    @require_recent_login("substantial", max_age=300)
    def change():
        return {"changed": True}

    @require_recent_login("low", max_age=300)
    def low_change():
        return "ok"

    app.add_url_rule("/test/sensitive", "test_sensitive", change, methods=["GET", "POST"])
    app.add_url_rule("/test/low", "test_low", low_change)
    return app


def location_query(resp):
    parts = urlsplit(resp.headers["Location"])
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}


def test_without_login_goes_to_login_and_back(sensitive, browser):
    resp = browser.http.get("/test/low?x=1")
    path, query = location_query(resp)
    assert resp.status_code == 302 and path == "/login" and query == {"next": "/test/low?x=1"}
    done = browser.password_login(path=resp.headers["Location"])
    assert done.status_code == 302 and done.headers["Location"] == "/test/low?x=1"
    assert browser.http.get("/test/low?x=1").get_data(as_text=True) == "ok"


def test_weak_login_steps_up_on_the_same_session_and_returns(sensitive, browser):
    browser.password_login()  # low
    resp = browser.http.get("/test/sensitive?tab=2")
    path, query = location_query(resp)
    assert path == "/login" and query == {"why": "reauth", "level": "substantial", "next": "/test/sensitive?tab=2"}
    page = browser.http.get(resp.headers["Location"] + "&lang=en").get_data(as_text=True)
    assert "For your safety, confirm it is you before changing how you log in." in page
    verify = "/login/verify?next=/test/sensitive?tab%3D2"
    assert f'href="{verify}"' in page  # the second step: this login's password + a code
    sent = browser.form(verify, {"action": "send_email"})
    assert sent.status_code == 302
    done = browser.form(verify, {"action": "email", "code": browser.last_code()})
    assert done.status_code == 302 and done.headers["Location"] == "/test/sensitive?tab=2"
    assert "idp_sid=" not in done.headers.get("Set-Cookie", "")  # the same session, stepped up
    assert browser.http.get("/test/sensitive?tab=2").get_json() == {"changed": True}


def test_old_login_must_prove_itself_again(sensitive, browser, idp):
    browser.password_login()
    assert browser.http.get("/test/low").status_code == 200
    with idp.db.transaction() as s:
        s.execute(update(LoginSession).values(auth_time=utcnow() - dt.timedelta(minutes=10)))
    resp = browser.http.get("/test/low")
    path, query = location_query(resp)
    assert path == "/login" and query["why"] == "reauth" and query["level"] == "low"
    page = browser.http.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'name="password"' in page  # the password again is enough for "low"
    again = browser.password_login(path=resp.headers["Location"])
    assert again.headers["Location"] == "/test/low"
    assert browser.http.get("/test/low").status_code == 200


def test_post_comes_back_to_the_form_and_json_gets_401(sensitive, browser):
    browser.password_login()
    form = browser.form("/test/sensitive", {"a": "b"}, page="/login")
    path, query = location_query(form)
    assert form.status_code == 303 and query["next"] == "/test/sensitive"
    token = csrf_from(browser.http.get("/login").get_data(as_text=True))
    script = browser.http.post("/test/sensitive", json={"a": "b"}, headers={"X-CSRFToken": token})
    assert script.status_code == 401 and script.get_json()["error"] == "reauth_required"
    assert "next=/test/sensitive" in script.get_json()["redirect"]


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example", "/\t/evil.example", "https://evil.example/",
                                    "/%0a/evil", "javascript:alert(1)"])
def test_return_path_stays_on_this_site(browser, target):
    done = browser.password_login(path="/login?" + f"next={target}".replace("\t", "%09"))
    assert done.status_code == 302
    location = done.headers["Location"]
    assert "evil" not in location and not location.startswith("javascript")


def test_high_offers_only_methods_that_reach_it(sensitive, browser, idp):
    from idp.auth.models import Authenticator
    from idp.people.models import Account

    browser.password_login()
    with idp.db.transaction() as s:
        account = s.scalars(select(Account).where(Account.person.has(pinfl=PINFL))).one()
        s.add(Authenticator(account_id=account.id, kind="passkey", label="added in a password session",
                            credential_id=b"capped-passkey", data={}, max_level="low"))
    page = browser.http.get("/login?why=reauth&level=high&next=/test/low&lang=en").get_data(as_text=True)
    assert 'name="password"' not in page and "/login/verify" not in page  # neither reaches high
    assert "data-passkey=\"step-up\"" not in page  # a passkey capped at low does not either
    assert "None of your login methods is strong enough for this change." in page
    low = browser.http.get("/login?why=reauth&level=low&next=/test/low&lang=en").get_data(as_text=True)
    assert 'name="password"' in low
