"""Fixtures for consular tests: consulates, officers with passkeys on a
software authenticator, a portal browser, remote enrollment cases as
enrollment leaves them in review, and faces for the desk photo."""
from __future__ import annotations

import datetime as dt
import os
import sys

import pytest
from sqlalchemy import select

HERE = os.path.dirname(__file__)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "passkeys"))

from consular_portal import Portal  # noqa: E402
from consular_people import CITIZENS, PASSWORD, ROLES, STAFF  # noqa: E402
from soft_authenticator import SoftAuthenticator  # noqa: E402

@pytest.fixture
def world(idp, demo):
    """The demo's consulates (MOW: Russia, Belarus, Armenia, and the fallback
    for cases of unknown residence; IST: Turkey, Azerbaijan, Georgia), the
    staff of the STAFF table with passwords and roles, and the CITIZENS in
    the register (no accounts)."""
    from idp.auth.services import find_account
    from idp.people.models import RegisterEntry
    from idp.people.services import create_user

    from consular.services import officers

    with idp.db.transaction() as s:
        for key, (pinfl, given, family, email) in STAFF.items():
            if find_account(s, pinfl) is None:
                create_user(s, idp.passwords, pinfl=pinfl, password=PASSWORD, given_name=given,
                            family_name=family, email=email, identity_level="high")
            code, role = ROLES[key]
            officers.grant(s, identifier=pinfl, consulate_code=code, role=role)
        for pinfl, family, given, birth, sex, passport in CITIZENS:
            if s.get(RegisterEntry, pinfl) is None:
                s.add(RegisterEntry(pinfl=pinfl, family_name=family, given_name=given, patronymic=None,
                                    birth_date=dt.date.fromisoformat(birth), sex=sex, citizenship="UZB",
                                    document_number=passport, document_expiry=dt.date(2032, 1, 31)))
    return {"staff": STAFF, "citizens": CITIZENS}


@pytest.fixture
def portal(app, world):
    """portal("officer") -> a Portal browser of that staff member, logged in
    to the consular portal with a passkey (registered in the cabinet first)."""
    made = {}

    def _portal(who: str, *, log_in: bool = True) -> Portal:
        if who not in made:
            browser = Portal(app.test_client(), SoftAuthenticator(), pinfl=STAFF[who][0], password=PASSWORD)
            browser.add_passkey()
            made[who] = browser
        browser = made[who]
        if log_in:
            browser.portal_login()
        return browser

    return _portal


@pytest.fixture
def outbox(idp):
    """outbox(to=None) -> [(recipient, subject, body)] in order."""
    from idp.notify.models import OutboxMessage

    def _messages(to: str | None = None):
        with idp.db.transaction() as s:
            rows = s.scalars(select(OutboxMessage).where(OutboxMessage.channel == "email")
                             .order_by(OutboxMessage.id)).all()
            return [(m.recipient, m.subject, m.body) for m in rows if to is None or m.recipient == to]

    return _messages


@pytest.fixture
def audit(idp):
    """audit(event=None) -> [AuditEvent] in order."""
    from idp.audit.models import AuditEvent

    def _events(event: str | None = None):
        with idp.db.transaction() as s:
            rows = s.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
            return [e for e in rows if event is None or e.event == event]

    return _events


@pytest.fixture(scope="session")
def faces_jpeg():
    """Two real people (matplotlib's Grace Hopper, scikit-image's astronaut
    Eileen Collins) as JPEG bytes."""
    from consular_faces import load_faces

    return load_faces()


@pytest.fixture
def cases(app, idp, world, faces_jpeg):
    """make(...) -> case id: a remote case as enrollment leaves it in review."""
    from consular_cases import make_case

    def _make(**kwargs):
        return make_case(idp, app.extensions["enrollment"].cipher, faces_jpeg, **kwargs)

    return _make
