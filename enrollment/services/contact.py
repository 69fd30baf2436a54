"""Step "contact": an e-mail address verified by a code; a phone number of
any country, optional and not needed for anything in this journey."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.auth.codes import CodeResult, OneTimeCodes
from idp.db import utcnow
from idp.people import contacts
from idp.people.models import Account

from enrollment import steps
from enrollment.errors import StepNotAllowed
from enrollment.models import ENROLL, EnrollmentCase
from enrollment.services.cases import clear_after

CODE_PURPOSE = "enroll-email"


@dataclass(frozen=True)
class ContactResult:
    ok: bool
    error: str | None = None
    retry_in: int = 0


def _guard(case: EnrollmentCase) -> None:
    if steps.guard(case, "contact") is not None:
        raise StepNotAllowed("contact")


def submit_contact(session: Session, case: EnrollmentCase, codes: OneTimeCodes, *, email: str, phone: str,
                   deliver, residence_country: str | None = None) -> ContactResult:
    """Record the address (and phone), clear later steps, send a code.
    `deliver(address)` returns the function that sends a code to it."""
    _guard(case)
    try:
        email = contacts.normalise_email(email)
        phone = contacts.normalise_phone(phone) if phone.strip() else None
    except contacts.ContactError as exc:
        return ContactResult(False, exc.code)
    changed = (email or "").lower() != (case.email or "").lower()
    result: CodeResult = codes.send(CODE_PURPOSE, case.id, "email", deliver(email))
    if not result.ok and not (result.error == "code_resend_too_soon" and not changed):
        return ContactResult(False, result.error, result.retry_in)
    case.email, case.phone = email, phone
    if residence_country is not None:
        case.residence_country = residence_country
    case.email_verified_at = None
    clear_after(session, case, "contact")
    record(session, "enrollment.contact.code_sent", subject=case.id, phone_given=phone is not None)
    return ContactResult(True)


def verify_email(session: Session, case: EnrollmentCase, codes: OneTimeCodes, code: str) -> ContactResult:
    _guard(case)
    if not case.email:
        return ContactResult(False, "code_expired")
    result = codes.verify(CODE_PURPOSE, case.id, "email", code)
    if not result.ok:
        record(session, "enrollment.contact.code_failed", subject=case.id, reason=result.error)
        return ContactResult(False, result.error)
    if case.purpose == ENROLL and email_has_account(session, case.email):
        record(session, "enrollment.contact.email_has_account", subject=case.id)
        return ContactResult(False, "email_has_account")
    case.email_verified_at = utcnow()
    clear_after(session, case, "contact")
    record(session, "enrollment.contact.verified", subject=case.id)
    return ContactResult(True)


def email_has_account(session: Session, email: str) -> bool:
    return session.scalars(select(Account.id).where(func.lower(Account.email) == email.lower())).first() is not None
