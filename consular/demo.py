"""Demo data for `idp demo`: two consulates with open slots, an officer and
a supervisor (with passwords; they add the portal passkey with a one-time code, then log in
to the portal with it). Refused in production; idempotent."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from idp.auth.models import Authenticator
from idp.db import utcnow
from idp.people.models import Account, Person

from consular.models import Consulate
from consular.services import appointments, consulates, officers

CONSULATES = [
    dict(code="MOW", name="Consulate General of Uzbekistan in Moscow", city="Moscow", country="RU",
         timezone="Europe/Moscow", countries=("RU", "BY", "AM"), address="Pogorelsky per. 12, Moscow", fallback=True),
    dict(code="IST", name="Consulate General of Uzbekistan in Istanbul", city="Istanbul", country="TR",
         timezone="Europe/Istanbul", countries=("TR", "AZ", "GE"), address="Gayrettepe, Istanbul", fallback=False),
]
# (pinfl, given, family, email, consulate, role)
STAFF = [
    ("31105851234561", "Sardor", "Aliyev", "officer@consulate.example", "MOW", "officer"),
    ("41708801234562", "Nilufar", "Qodirova", "supervisor@consulate.example", "MOW", "supervisor"),
]
SLOT_TIMES = [dt.time(9, 0), dt.time(9, 30), dt.time(10, 0), dt.time(10, 30), dt.time(11, 0), dt.time(11, 30)]


def seed_consular(session, passwords, *, password: str, environment: str) -> dict:
    if environment == "production":
        raise RuntimeError("demo data is refused in production")
    for spec in CONSULATES:
        if consulates.find(session, spec["code"]) is None:
            consulates.create_consulate(session, **spec)
    today = utcnow().date()
    for consulate in session.scalars(select(Consulate).where(Consulate.code.in_([c["code"] for c in CONSULATES]))):
        appointments.open_slots(session, consulate, first_day=today, last_day=today + dt.timedelta(days=21),
                                times=SLOT_TIMES, minutes=30, capacity=2, weekdays={1, 2, 3, 4, 5, 6},
                                actor="demo")
    staff = []
    for pinfl, given, family, email, code, role in STAFF:
        account = session.scalars(select(Account).join(Person).where(Person.pinfl == pinfl)).first()
        if account is None:
            century = 1900
            birth = dt.date(century + int(pinfl[5:7]), int(pinfl[3:5]), int(pinfl[1:3]))
            person = Person(pinfl=pinfl, given_name=given, family_name=family, birth_date=birth,
                            sex="M" if int(pinfl[0]) % 2 else "F")
            account = Account(person=person, email=email, email_verified=True, identity_level="high",
                              proofing_method="in_person")
            session.add_all([person, account])
            session.flush()
            session.add(Authenticator(account_id=account.id, kind="password", secret=passwords.hash(password)))
        officers.grant(session, identifier=pinfl, consulate_code=code, role=role, actor="demo")
        staff.append({"name": f"{given} {family}", "pinfl": pinfl, "email": email, "password": password,
                      "consulate": code, "role": role})
    session.flush()
    return {"consulates": [c["code"] for c in CONSULATES], "staff": staff}


def instructions(data: dict, issuer: str) -> str:
    """What `idp demo` prints about the consular side."""
    lines = [f"Consular portal at {issuer}/consular/officer: log in with the password, enter the one-time "
             f"code at {issuer}/consular/officer/passkey and create the portal passkey, then log in to the "
             "portal with it:"]
    lines += [f"  {p['name']:<18} {p['pinfl']} / {p['email']}  password: {p['password']}  {p['role']} at "
              f"{p['consulate']}  code: {p.get('passkey_code', '')}" for p in data["staff"]]
    lines.append(f"In person: book at {issuer}/consular/book (any e-mail address), find the booking on the desk "
                 "page, record a passport of the register above (expiry 2031-06-30), take a photo, approve, and "
                 f"activate with the printed code at {issuer}/consular/activate in another browser.")
    return "\n".join(lines)
