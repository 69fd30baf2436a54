"""Creating people and accounts: resident registration through the register,
and operator-created users."""
from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.auth.models import Authenticator
from idp.auth.passwords import Passwords
from idp.auth.policy import policy_errors
from idp.auth.services import PINFL_RE
from idp.people.models import Account, IdentityDocument, Person
from idp.registry import CitizenRegistry, RegisterRecord


@dataclass(frozen=True)
class RegistrationResult:
    success: bool
    errors: tuple[str, ...] = ()
    account_id: str | None = None


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.strip().upper().encode(), b.strip().upper().encode())


def person_from_record(rec: RegisterRecord, residency: str = "resident") -> Person:
    person = Person(pinfl=rec.pinfl, family_name=rec.family_name, given_name=rec.given_name,
                    patronymic=rec.patronymic, family_name_cyr=rec.family_name_cyr,
                    given_name_cyr=rec.given_name_cyr, patronymic_cyr=rec.patronymic_cyr,
                    birth_date=rec.birth_date, sex=rec.sex, citizenship=rec.citizenship, residency=residency)
    person.documents.append(IdentityDocument(kind="passport", number=rec.document_number.upper(),
                                             issuing_state=rec.citizenship, expiry_date=rec.document_expiry))
    return person


def register_resident(session: Session, registry: CitizenRegistry, passwords: Passwords, *, pinfl: str,
                      document_number: str, birth_date: dt.date, password: str, locale: str = "uz") -> RegistrationResult:
    """Register a resident whose PINFL, document and birth date match the register."""
    errors = list(policy_errors(password, context=(pinfl, document_number)))
    if not PINFL_RE.match(pinfl or ""):
        errors.append("pinfl_invalid")
    if errors:
        return RegistrationResult(False, tuple(errors))
    rec = registry.find_by_pinfl(pinfl)
    if rec is None or not _same(rec.document_number, document_number) or rec.birth_date != birth_date:
        record(session, "registration.register_mismatch")
        return RegistrationResult(False, ("register_mismatch",))
    if session.scalars(select(Person.id).where(Person.pinfl == pinfl)).first():
        return RegistrationResult(False, ("account_exists",))
    person = person_from_record(rec)
    account = Account(person=person, locale=locale, identity_level="low", proofing_method="register_match")
    session.add_all([person, account])
    session.flush()
    session.add(Authenticator(account_id=account.id, kind="password", secret=passwords.hash(password)))
    record(session, "registration.resident", actor=account.id, subject=account.id)
    return RegistrationResult(True, account_id=account.id)


def create_user(session: Session, passwords: Passwords | None, *, pinfl: str, password: str | None,
                given_name: str = "", family_name: str = "", patronymic: str | None = None,
                birth_date: dt.date | None = None, sex: str | None = None, email: str | None = None,
                document_number: str | None = None, identity_level: str = "low",
                residency: str = "resident", locale: str = "uz") -> Account:
    """Operator path (``idp users create``): a person with an account."""
    if not PINFL_RE.match(pinfl):
        raise ValueError("PINFL must be 14 digits")
    if session.scalars(select(Person.id).where(Person.pinfl == pinfl)).first():
        raise ValueError("a person with this PINFL exists")
    if password is not None:
        problems = policy_errors(password, context=(pinfl, document_number, given_name, family_name))
        if problems:
            raise ValueError(", ".join(problems))
    person = Person(pinfl=pinfl, given_name=given_name, family_name=family_name, patronymic=patronymic,
                    birth_date=birth_date, sex=sex, residency=residency)
    if document_number:
        person.documents.append(IdentityDocument(number=document_number.upper()))
    account = Account(person=person, email=email, email_verified=bool(email), locale=locale,
                      identity_level=identity_level, proofing_method="operator")
    session.add_all([person, account])
    session.flush()
    if password is not None:
        session.add(Authenticator(account_id=account.id, kind="password", secret=passwords.hash(password)))
    record(session, "account.created", actor="operator", subject=account.id)
    return account


def refresh_from_register(person: Person, rec: RegisterRecord) -> None:
    """Bring `person` in line with the register's record of them (after the
    register corrected it): names, birth date, sex, citizenship, passport."""
    for name in ("family_name", "given_name", "patronymic", "family_name_cyr", "given_name_cyr", "patronymic_cyr",
                 "birth_date", "sex", "citizenship"):
        setattr(person, name, getattr(rec, name))
    passport = next((d for d in person.documents if d.kind == "passport"), None)
    if passport is None:
        person.documents.append(IdentityDocument(kind="passport", number=rec.document_number.upper(),
                                                 issuing_state=rec.citizenship, expiry_date=rec.document_expiry))
    else:
        passport.number, passport.issuing_state = rec.document_number.upper(), rec.citizenship
        passport.expiry_date = rec.document_expiry
