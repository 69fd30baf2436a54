"""Fixtures for passkey tests: the software authenticator and a browser
(the Flask test client) that drives the JSON endpoints as passkeys.js does."""
from __future__ import annotations

import datetime as dt
import os
import sys

import pytest
from sqlalchemy import select, update

sys.path.insert(0, os.path.dirname(__file__))

from soft_authenticator import SoftAuthenticator  # noqa: E402

PINFL = "31503901234567"  # Aziz Karimov, seeded by `idp demo`
OTHER_PINFL = "42207851234568"  # Dilnoza Yusupova
PASSWORD = "demo-password-2026"


def csrf_in(html: str) -> str:
    for marker in ('name="csrf_token" type="hidden" value="', 'name="csrf_token" value="', 'data-csrf="',
                   'name="csrf-token" content="'):
        if marker in html:
            start = html.index(marker) + len(marker)
            return html[start:html.index('"', start)]
    raise AssertionError("no CSRF token on the page")


class Browser:
    """One browser (cookie jar) talking to the IdP as the passkeys script does."""

    def __init__(self, http):
        self.http = http

    def csrf(self) -> str:
        return csrf_in(self.http.get("/login?lang=en").get_data(as_text=True))

    def post_json(self, path: str, body: dict | None = None, *, csrf: bool = True):
        headers = {"X-CSRFToken": self.csrf()} if csrf else {}
        return self.http.post(path, json=body or {}, headers=headers)

    def log_in_with_password(self, pinfl: str = PINFL, password: str = PASSWORD):
        response = self.http.post("/login", data={"identifier": pinfl, "password": password, "csrf_token": self.csrf()})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        return response

    # -- registration in the cabinet
    def registration_options(self, label: str | None = None) -> dict:
        response = self.post_json("/cabinet/passkeys/options", {"label": label})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def register(self, authenticator: SoftAuthenticator, label: str | None = None, *, options: dict | None = None,
                 **create):
        options = options or self.registration_options(label)
        credential = authenticator.create(options["publicKey"], **create)
        return self.post_json("/cabinet/passkeys", {"ceremony": options["ceremony"], "credential": credential,
                                                    "label": label})

    # -- login with a discoverable credential, and step-up
    def options(self, kind: str = "login") -> dict:
        response = self.post_json(f"/passkeys/{kind}/options")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def answer(self, kind: str, options: dict, authenticator: SoftAuthenticator, *, query: str = "", **get):
        credential = authenticator.get(options["publicKey"], **get)
        path = "/passkeys/login" if kind == "login" else "/passkeys/step-up"
        return self.post_json(path + query, {"ceremony": options["ceremony"], "credential": credential})

    def log_in_with_passkey(self, authenticator: SoftAuthenticator, **get):
        return self.answer("login", self.options("login"), authenticator, **get)

    def step_up(self, authenticator: SoftAuthenticator, *, query: str = "", **get):
        return self.answer("step-up", self.options("step-up"), authenticator, query=query, **get)

    def cabinet(self) -> str:
        return self.http.get("/?lang=en").get_data(as_text=True)


@pytest.fixture
def phone():
    """The citizen's phone: a platform authenticator with user verification."""
    return SoftAuthenticator()


@pytest.fixture
def browser(app, demo):
    return Browser(app.test_client())


@pytest.fixture
def new_browser(app, demo):
    """Another browser with an empty cookie jar (e.g. after logging out)."""
    return lambda: Browser(app.test_client())


@pytest.fixture
def registered(browser, phone):
    """Aziz has logged in with his password and added a passkey on `phone`;
    returns the browser (still logged in)."""
    browser.log_in_with_password()
    response = browser.register(phone, "My phone")
    assert response.status_code == 200, response.get_json()
    return browser


def lift_cap(idp):
    """Make every passkey as if created at activation after identity proofing: its
    natural level, not the level of the cabinet session that added it
    (test_passkey_enrollment_level.py covers the cap)."""
    from idp.auth.models import Authenticator

    with idp.db.transaction() as s:
        s.execute(update(Authenticator).where(Authenticator.kind == "passkey").values(max_level=None))


@pytest.fixture
def made_at_activation(registered, idp):
    """`registered`, with a passkey at its natural level (high with user verification)."""
    lift_cap(idp)
    return registered


@pytest.fixture
def audit(idp):
    """audit() -> [(event, data)] in order."""
    from idp.audit.models import AuditEvent

    def _events():
        with idp.db.transaction() as s:
            return [(e.event, dict(e.data)) for e in s.scalars(select(AuditEvent).order_by(AuditEvent.seq))]

    return _events


@pytest.fixture
def passkey_rows(idp):
    from idp.auth.models import Authenticator

    def _rows():
        with idp.db.transaction() as s:
            return list(s.scalars(select(Authenticator).where(Authenticator.kind == "passkey")))

    return _rows


@pytest.fixture
def expire(idp):
    """expire(handle): let a ceremony's challenge run out, as 120 s would."""
    from idp.state.models import ShortLivedState

    def _expire(handle: str) -> None:
        with idp.db.transaction() as s:
            done = s.execute(update(ShortLivedState).where(ShortLivedState.key == "passkey:" + handle).values(
                expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1))).rowcount
        assert done == 1

    return _expire
