"""Step "document": the passport's MRZ fields, typed by the citizen and
checked by their check digits (ICAO 9303 Part 3 section 4.9), either as the
three fields each with the digit printed after it in the MRZ, or as the whole
second MRZ line of the passport (TD3, Part 4 section 4.2.2)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from nfc import check_digit

from idp.audit.log import record
from idp.db import utcnow

from enrollment import steps
from enrollment.errors import EnrollmentError, StepNotAllowed
from enrollment.models import EnrollmentCase
from enrollment.services.cases import clear_after

# Uzbek passports and ID cards: two letters and seven digits (REFERENCES.md).
NUMBER_RE = re.compile(r"^[A-Z]{2}[0-9]{7}$")
LINE2_RE = re.compile(r"^[A-Z0-9<]{44}$")


class DocumentEntryError(EnrollmentError):
    """A typed field is malformed or fails its check digit."""


@dataclass(frozen=True)
class DocumentEntry:
    number: str
    birth_date: dt.date
    expiry_date: dt.date

    def __repr__(self) -> str:
        return "DocumentEntry(<redacted>)"


def yymmdd(value: dt.date) -> str:
    return value.strftime("%y%m%d")


def clean_number(value: str) -> str:
    return re.sub(r"[\s\-]", "", value or "").upper()


def from_fields(number: str, number_digit: str, birth: dt.date, birth_digit: str, expiry: dt.date,
                expiry_digit: str) -> DocumentEntry:
    """Fields with the check digit printed after each in the MRZ's second line."""
    number = clean_number(number)
    if not NUMBER_RE.match(number):
        raise DocumentEntryError(code="document_number_invalid")
    for value, digit, code in ((number, number_digit, "check_digit_number"),
                               (yymmdd(birth), birth_digit, "check_digit_birth"),
                               (yymmdd(expiry), expiry_digit, "check_digit_expiry")):
        if (digit or "").strip() != check_digit(value):
            raise DocumentEntryError(code=code)
    return DocumentEntry(number, birth, expiry)


def _mrz_date(value: str, kind: str, today: dt.date) -> dt.date:
    try:
        yy, mm, dd = int(value[:2]), int(value[2:4]), int(value[4:])
        if kind == "birth":
            year = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
        else:
            year = 2000 + yy if 2000 + yy <= today.year + 50 else 1900 + yy
        parsed = dt.date(year, mm, dd)
    except ValueError:
        raise DocumentEntryError(code=f"{kind}_date_invalid") from None
    if kind == "birth" and parsed > today:
        parsed = parsed.replace(year=parsed.year - 100)
    return parsed


def from_line(line: str, *, today: dt.date | None = None) -> DocumentEntry:
    """The whole second MRZ line of a passport (44 characters)."""
    today = today or dt.date.today()
    line = re.sub(r"\s", "", line or "").upper().replace("«", "<")
    if not LINE2_RE.match(line):
        raise DocumentEntryError(code="mrz_line_invalid")
    checks = ((line[0:9], line[9], "check_digit_number"), (line[13:19], line[19], "check_digit_birth"),
              (line[21:27], line[27], "check_digit_expiry"),
              (line[0:10] + line[13:20] + line[21:43], line[43], "check_digit_composite"))
    for value, digit, code in checks:
        if digit != check_digit(value):
            raise DocumentEntryError(code=code)
    number = line[0:9].rstrip("<")
    if not NUMBER_RE.match(number):
        raise DocumentEntryError(code="document_number_invalid")
    return DocumentEntry(number, _mrz_date(line[13:19], "birth", today), _mrz_date(line[21:27], "expiry", today))


def submit_document(session: Session, case: EnrollmentCase, entry: DocumentEntry, *,
                    today: dt.date | None = None) -> None:
    """Record the document and clear every later step (a new document means
    a new chip read and a new selfie)."""
    if steps.guard(case, "document") is not None:
        raise StepNotAllowed("document")
    today = today or dt.date.today()
    if entry.birth_date >= today or entry.birth_date.year < 1900:
        raise DocumentEntryError(code="birth_date_invalid")
    if entry.expiry_date < today:
        raise DocumentEntryError(code="document_expired")
    case.document_number, case.birth_date, case.expiry_date = entry.number, entry.birth_date, entry.expiry_date
    case.document_at = utcnow()
    clear_after(session, case, "document")
    record(session, "enrollment.document.entered", subject=case.id)
