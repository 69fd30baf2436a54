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

from consular_portal import Portal, officer_code  # noqa: E402
from consular_people import CITIZENS, PASSWORD, ROLES, STAFF  # noqa: E402
from soft_authenticator import SoftAuthenticator  # noqa: E402

@pytest.fixture(scope="session")
def pki():
    from nfc.testing import TestPKI

    return TestPKI.create()


@pytest.fixture(scope="session")
def csca_dir(tmp_path_factory, pki):
    """A CSCA directory trusting the test PKI (its CSCA and a current CRL)."""
    from nfc import CscaDirectory

    path = tmp_path_factory.mktemp("consular-csca")
    store = CscaDirectory(path)
    store.import_bytes(pki.csca_der, source="test PKI")
    store.import_bytes(pki.crl(), source="test PKI")
    return path


@pytest.fixture
def settings_overrides(settings_overrides, csca_dir):
    return {**settings_overrides, "csca_dir": str(csca_dir), "liveness_engine": "test"}


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
            browser.add_portal_passkey(officer_code(app, STAFF[who][0]))
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
                             .order_by(OutboxMessage.created_at)).all()
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


@pytest.fixture
def open_slot(idp, world):
    """open_slot("MOW", hours_ahead=..., capacity=1) -> slot id, at a whole minute."""
    from consular.models import Slot
    from consular.services import consulates

    def _open(code: str = "MOW", *, hours_ahead: float = 72, capacity: int = 1) -> str:
        when = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=hours_ahead)).replace(second=0, microsecond=0)
        with idp.db.transaction() as s:
            consulate = consulates.find(s, code)
            slot = Slot(consulate_id=consulate.id, starts_at=when, minutes=20, capacity=capacity)
            s.add(slot)
            s.flush()
            return slot.id

    return _open


@pytest.fixture(scope="session")
def passport_of(pki, faces_jpeg):
    """passport_of(citizen) -> a synthetic chip passport of a CITIZENS entry,
    with Grace Hopper's portrait in DG2."""
    from nfc.testing import Identity, make_passport

    made = {}

    def _make(citizen, *, document_number: str | None = None):
        pinfl, family, given, birth, sex, passport = citizen
        key = (pinfl, document_number)
        if key not in made:
            identity = Identity(surname=family.upper(), given_names=given.upper(),
                                document_number=document_number or passport,
                                date_of_birth=dt.date.fromisoformat(birth), date_of_expiry=dt.date(2032, 1, 31),
                                sex=sex, personal_number=pinfl)
            made[key] = make_passport(pki, identity, portrait=faces_jpeg["hopper_portrait"], aa_key="ec-p256")
        return made[key]

    return _make

