"""Deleting an account: a confirmed request with a recent login, a waiting
period the citizen can cancel in, then erasure: personal data gone, sessions
ended with back-channel logout owed to the portal, tokens dead, and the
audit log still verifies."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from idp.audit.log import verify
from idp.audit.signing import key_resolver
from idp.cabinet import deletion
from oidc.clients import create_client
from oidc_helpers import RP, csrf_from

PINFL = "31503901234567"
PASSWORD = "demo-password-2026"
REDIRECT = "http://portal.example/callback"


@pytest.fixture
def worker(app):
    """The back-channel delivery worker, stopped before the database goes."""
    worker = app.extensions["oidc_backchannel"]
    yield worker
    worker.stop()


@pytest.fixture
def citizen(app, idp, demo, http, worker):
    """Logged in through a portal with a back-channel URI, holding its tokens."""
    with idp.db.transaction() as s:
        new = create_client(s, name="Portal", redirect_uris=[REDIRECT], scopes=["openid", "profile"],
                            backchannel_logout_uri="http://127.0.0.1:9/backchannel")
    rp = RP(http, app, client_id=new.client.client_id, secret=new.secret, redirect_uri=REDIRECT)
    _params, response = rp.authorize()
    rp.issued = rp.token(rp.follow_to_code(response, identifier=PINFL, password=PASSWORD)["code"]).get_json()
    return rp


def _post(http, path, data=None):
    token = csrf_from(http.get("/cabinet/delete?lang=en").get_data(as_text=True))
    return http.post(path, data={"csrf_token": token, **(data or {})})


def _account(idp):
    from idp.people.models import Account, Person

    with idp.db.transaction() as s:
        account = s.scalars(select(Account).join(Person).where(Person.pinfl == PINFL)).first()
        return account.id if account else None


def test_request_needs_the_box_ticked_then_waits(app, http, idp, citizen):
    assert "/cabinet/delete?missing=1" in _post(http, "/cabinet/delete").headers["Location"]
    assert "Tick the box" in http.get("/cabinet/delete?missing=1&lang=en").get_data(as_text=True)
    _post(http, "/cabinet/delete", {"confirm": "yes"})
    assert "will be deleted on" in http.get("/cabinet/delete?lang=en").get_data(as_text=True)
    with app.app_context():
        assert deletion.erase_due(idp) == 0  # the waiting period is not over
        idp.db.session.commit()
    assert _account(idp) is not None


def test_cancel_keeps_the_account(app, http, idp, citizen):
    _post(http, "/cabinet/delete", {"confirm": "yes"})
    _post(http, "/cabinet/delete/cancel")
    with app.app_context():
        assert deletion.erase_due(idp, now=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30)) == 0
        idp.db.session.commit()
    assert _account(idp) is not None


def test_request_needs_a_recent_login(http, idp, citizen):
    from idp.auth.models import LoginSession

    with idp.db.transaction() as s:
        for login in s.scalars(select(LoginSession)):
            login.auth_time = login.auth_time - dt.timedelta(hours=1)
    response = _post(http, "/cabinet/delete", {"confirm": "yes"})
    assert response.status_code == 303 and "reauth" in response.headers["Location"]
    with idp.db.transaction() as s:
        assert deletion.open_request(s, _account(idp)) is None


def test_erasure_after_the_waiting_period(app, http, idp, citizen):
    from idp.audit.models import AuditEvent
    from idp.auth.models import Authenticator
    from idp.people.models import Account
    from oidc.models import BackchannelDelivery

    account_id = _account(idp)
    _post(http, "/cabinet/delete", {"confirm": "yes"})
    idp.audit_sealer.seal_now()
    with app.app_context():
        assert deletion.erase_due(idp, now=dt.datetime.now(dt.timezone.utc) + deletion.WAITING
                                  + dt.timedelta(minutes=1)) == 1
        idp.db.session.commit()
    idp.audit_sealer.seal_now()
    with idp.db.transaction() as s:
        account = s.get(Account, account_id)
        assert account.status == "closed" and account.email is None and account.phone is None
        person = account.person
        assert person.pinfl != PINFL and not person.pinfl.isdigit()
        assert (person.given_name, person.family_name, person.birth_date, person.documents) == ("", "", None, [])
        assert s.scalars(select(Authenticator).where(Authenticator.account_id == account_id)).first() is None
        assert idp.sessions.active_for(s, account_id) == []
        assert s.scalars(select(BackchannelDelivery).where(
            BackchannelDelivery.client_id == citizen.client_id)).first() is not None
        assert s.scalars(select(AuditEvent).where(AuditEvent.event == "account.erased",
                                                  AuditEvent.subject == account_id)).one()
        assert verify(s, key_resolver(s)).ok
    assert citizen.refresh(citizen.issued["refresh_token"]).status_code == 400
    assert http.get("/").status_code == 302  # logged out
    assert http.post("/login?lang=en", data={"identifier": PINFL, "password": PASSWORD,
                                             "csrf_token": csrf_from(http.get("/login").get_data(as_text=True))}
                     ).status_code != 302


def test_the_daily_job_erases_what_is_due(app, idp, http, citizen, settings_overrides, monkeypatch):
    from click.testing import CliRunner

    from idp.cabinet.models import DeletionRequest
    from idp.cli import main

    account_id = _account(idp)
    _post(http, "/cabinet/delete", {"confirm": "yes"})
    with idp.db.transaction() as s:
        s.scalars(select(DeletionRequest)).one().due_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    monkeypatch.setattr("idp.cabinet.cli.app_services", lambda: (app, idp))
    result = CliRunner().invoke(main, ["cabinet", "erase-due", "--json"])
    assert result.exit_code == 0, result.output
    assert '"erased": 1' in result.output
    assert _account(idp) is None  # the PINFL no longer finds anyone
    with idp.db.transaction() as s:
        assert s.scalars(select(DeletionRequest)).one().erased_at is not None
    assert account_id
