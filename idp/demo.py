"""Demo data for `idp demo`: a register, people with accounts, and the demo
portal's client. Refused in production."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import select

from idp.auth.models import Authenticator
from idp.people.models import Account, RegisterEntry
from idp.people.services import person_from_record
from idp.registry import RegisterRecord
from oidc.clients import create_client
from oidc.models import Client

DEMO_PASSWORD = "demo-password-2026"
PORTAL_CLIENT_ID = "demo-portal"
PORTAL_SECRET = "demo-portal-secret-not-for-production"
ESIGN_DIR = Path("var/esign")
ESIGN_PASSWORD = "demo-esign-2026"

# (pinfl, family, given, patronymic, family_cyr, given_cyr, patronymic_cyr, birth, sex, document, has_account, email)
PEOPLE = [
    ("31503901234567", "Karimov", "Aziz", "Rustamovich", "Каримов", "Азиз", "Рустамович", "1990-03-15", "M", "AA1234567", True, "aziz@example.uz"),
    ("42207851234568", "Yusupova", "Dilnoza", "Akmalovna", "Юсупова", "Дилноза", "Акмаловна", "1985-07-22", "F", "AB7654321", True, None),
    ("30101701234569", "Rahimov", "Bobur", "Olimovich", "Рахимов", "Бобур", "Олимович", "1970-01-01", "M", "AC1112223", False, None),
    ("41212951234560", "Tosheva", "Madina", "Shavkatovna", "Тошева", "Мадина", "Шавкатовна", "1995-12-12", "F", "FA3334445", False, None),
]


def seed(session, passwords, *, portal_url: str, environment: str, esign_holders=()) -> dict:
    if environment == "production":
        raise RuntimeError("demo data is refused in production")
    created = {"people": [], "registrable": [], "client": None, "esign": []}
    for (pinfl, fam, giv, pat, fam_c, giv_c, pat_c, birth, sex, doc, has_account, email) in PEOPLE:
        rec = RegisterRecord(pinfl=pinfl, family_name=fam, given_name=giv, patronymic=pat, family_name_cyr=fam_c,
                             given_name_cyr=giv_c, patronymic_cyr=pat_c, birth_date=dt.date.fromisoformat(birth),
                             sex=sex, citizenship="UZB", document_number=doc,
                             document_expiry=dt.date(2031, 6, 30))
        if session.get(RegisterEntry, pinfl) is None:
            session.add(RegisterEntry(**rec.__dict__))
        if has_account:
            exists = session.scalars(select(Account).join(Account.person).where(Account.person.has(pinfl=pinfl))).first()
            if exists is None:
                person = person_from_record(rec)
                account = Account(person=person, email=email, email_verified=bool(email), identity_level="low",
                                  proofing_method="register_match")
                session.add_all([person, account])
                session.flush()
                session.add(Authenticator(account_id=account.id, kind="password", secret=passwords.hash(DEMO_PASSWORD)))
            created["people"].append({"pinfl": pinfl, "email": email, "password": DEMO_PASSWORD, "name": f"{giv} {fam}"})
        else:
            created["registrable"].append({"pinfl": pinfl, "document_number": doc, "birth_date": birth})
    for holder in esign_holders:
        created["esign"].append(_seed_key_holder(session, passwords, holder))
    from consular.demo import seed_consular

    created["consular"] = seed_consular(session, passwords, password=DEMO_PASSWORD, environment=environment)
    if session.get(Client, PORTAL_CLIENT_ID) is None:
        new = create_client(session, client_id=PORTAL_CLIENT_ID, name="my.gov.uz (demo portal)",
                            redirect_uris=[portal_url + "/callback"],
                            post_logout_redirect_uris=[portal_url + "/logged-out"],
                            backchannel_logout_uri=portal_url + "/backchannel-logout",
                            scopes=["openid", "profile", "email", "pinfl", "document"], auth_method="client_secret_basic")
        from oidc.models import token_hash

        new.client.client_secret_hash = token_hash(PORTAL_SECRET)
    created["client"] = {"client_id": PORTAL_CLIENT_ID, "client_secret": PORTAL_SECRET}
    session.flush()
    return created


def ensure_demo_ca(directory: Path = ESIGN_DIR) -> dict:
    """The demo CA's manifest (idp.esign.democa), written to ``directory``
    when it is missing or its CRLs run out within a week."""
    from cryptography import x509

    from idp.esign.democa import create_demo_ca

    manifest_path = directory / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=7)
        if all(x509.load_der_x509_crl((directory / c).read_bytes()).next_update_utc > soon for c in manifest["crls"]):
            return manifest
    return create_demo_ca(directory, password=ESIGN_PASSWORD)


def _seed_key_holder(session, passwords, holder) -> dict:
    """A demo CA key holder (idp.esign.democa.DemoHolder) in the register,
    with an account. Qualified certificates are issued after an in-person
    identity check, so these accounts are proofed at level high."""
    pinfl = holder.pinfl
    # PINFL digits: sex and century (odd: male; 1-2: 1800s, 3-4: 1900s, ...), then the birth date DDMMYY.
    century = 1800 + 100 * ((int(pinfl[0]) - 1) // 2)
    birth = dt.date(century + int(pinfl[5:7]), int(pinfl[3:5]), int(pinfl[1:3]))
    rec = RegisterRecord(pinfl=pinfl, family_name=holder.surname.title(), given_name=holder.given_name.title(),
                         patronymic=None, family_name_cyr=None, given_name_cyr=None, patronymic_cyr=None,
                         birth_date=birth, sex="M" if int(pinfl[0]) % 2 else "F", citizenship="UZB",
                         document_number="AD" + pinfl[-7:], document_expiry=dt.date(2031, 6, 30))
    if session.get(RegisterEntry, pinfl) is None:
        session.add(RegisterEntry(**rec.__dict__))
    if session.scalars(select(Account).where(Account.person.has(pinfl=pinfl))).first() is None:
        account = Account(person=person_from_record(rec), identity_level="high", proofing_method="in_person")
        session.add(account)
        session.flush()
        session.add(Authenticator(account_id=account.id, kind="password", secret=passwords.hash(DEMO_PASSWORD)))
    return {"slug": holder.slug, "pinfl": pinfl, "name": f"{rec.given_name} {rec.family_name}"}
