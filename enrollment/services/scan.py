"""Step "document" by camera: a photo of the passport's data page read by
`docscan` into the fields the citizen then confirms (they are submitted
with the ordinary document form, so the check digits are verified again
and nothing read here is trusted on its own).

The photo is read in memory and never stored: the chip route gets the
portrait from the chip. The audit log records that a scan happened and
its reason codes, never the fields.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from docscan import PageLimits, scan_page
from nfc import check_digit

from idp.audit.log import record

from enrollment import steps
from enrollment.errors import StepNotAllowed
from enrollment.models import EnrollmentCase

PAGE_LIMITS = PageLimits()
# The photo plus the form around it (CSRF token, multipart headers).
MAX_SCAN_UPLOAD = PAGE_LIMITS.max_bytes + 16 * 1024


@dataclass(frozen=True)
class PageRead:
    """What the page shows for confirmation. Holds personal data: the
    `repr` does not."""

    ok: bool
    reasons: tuple[str, ...] = ()
    number: str = ""
    birth_date: dt.date | None = None
    expiry_date: dt.date | None = None
    surname: str = ""
    given_names: str = ""
    personal_number: str = ""
    sex: str = ""

    def form_data(self) -> dict:
        """The document form's fields, each with the digit printed after it."""
        if not self.ok:
            return {}
        return {"number": self.number, "number_digit": check_digit(self.number.ljust(9, "<")),
                "birth_date": self.birth_date, "birth_digit": check_digit(self.birth_date.strftime("%y%m%d")),
                "expiry_date": self.expiry_date, "expiry_digit": check_digit(self.expiry_date.strftime("%y%m%d"))}

    def __repr__(self) -> str:
        return f"PageRead(ok={self.ok}, reasons={self.reasons})"


def read_page(session: Session, case: EnrollmentCase, photo: bytes) -> PageRead:
    """Read the MRZ from `photo` for `case` (at its document step)."""
    if steps.guard(case, "document") is not None:
        raise StepNotAllowed("document")
    result = scan_page(photo, limits=PAGE_LIMITS)
    record(session, "enrollment.document.scanned", subject=case.id, ok=result.ok, reasons=list(result.reasons),
           confidence=round(result.confidence, 3))
    if not result.ok:
        return PageRead(False, result.reasons)
    mrz = result.mrz
    birth, expiry = mrz.birth_date(), mrz.expiry_date()
    if birth is None or expiry is None:
        return PageRead(False, ("mrz_unreadable",))
    return PageRead(True, (), mrz.document_number, birth, expiry, mrz.surname, mrz.given_names,
                    mrz.optional_data, mrz.sex)
