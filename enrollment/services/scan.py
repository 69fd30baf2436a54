"""Step "document" by camera: a photo of the passport's data page read by
`docscan` into the fields the citizen then confirms (they are submitted
with the ordinary document form, so the check digits are verified again
and nothing read here is trusted on its own).

The photo is read in memory and never stored. On the register-photo route
(no chip) two things read from it are kept for the register check, sealed
with the case's biometric cipher like every other image of the case and
deleted with them: the page portrait (cut out where ICAO 9303 puts it on a
TD3 page, kept only when a face is found in it) and the MRZ fields with
the holder's names and PINFL. They count only for the document the citizen then
confirms: `confirmed_scan` gives the register check the names (compared
with the register's, enrollment/services/names.py) and the PINFL printed
in the personal-number field (it must be the register's) when the confirmed
fields are the scanned ones, and otherwise deletes both, so a portrait of
another passport is never matched with the selfie. The chip route gets its
portrait from the chip and keeps nothing. A scan made after the register
check (before the document is submitted again) is read but not kept.

The audit log records that a scan happened, its reason codes and whether
a portrait was found, never the fields.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Callable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from docscan import PageLimits, scan_page
from nfc import check_digit

from idp.audit.log import record
from idp.people.models import new_id

from enrollment import steps
from enrollment.errors import StepNotAllowed
from enrollment.models import REGISTER_PHOTO, BiometricRecord, EnrollmentCase
from enrollment.services.crypto import BiometricCipher
from enrollment.services.register_check import PAGE_PORTRAIT_KIND

PAGE_SCAN_KIND = "page_scan"  # the MRZ fields and names the scan read, JSON
SCAN_KINDS = (PAGE_PORTRAIT_KIND, PAGE_SCAN_KIND)

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
    portrait: bool = False  # a page portrait was found and kept for the register check

    def form_data(self) -> dict:
        """The document form's fields, each with the digit printed after it."""
        if not self.ok:
            return {}
        return {"number": self.number, "number_digit": check_digit(self.number.ljust(9, "<")),
                "birth_date": self.birth_date, "birth_digit": check_digit(self.birth_date.strftime("%y%m%d")),
                "expiry_date": self.expiry_date, "expiry_digit": check_digit(self.expiry_date.strftime("%y%m%d"))}

    def __repr__(self) -> str:
        return f"PageRead(ok={self.ok}, reasons={self.reasons})"


def read_page(session: Session, case: EnrollmentCase, photo: bytes, *, cipher: BiometricCipher | None = None,
              face_detector: Callable[[object], Sequence] | None = None) -> PageRead:
    """Read the MRZ from `photo` for `case` (at its document step). With a
    `cipher` and a `face_detector`, on the register-photo route, the page
    portrait and the names are kept for the register check; the caller
    commits."""
    if steps.guard(case, "document") is not None:
        raise StepNotAllowed("document")
    keep = cipher is not None and case.route == REGISTER_PHOTO and case.register_at is None
    result = scan_page(photo, limits=PAGE_LIMITS, face_detector=face_detector if keep else None)
    mrz = result.mrz if result.ok else None
    birth, expiry = (mrz.birth_date(), mrz.expiry_date()) if mrz is not None else (None, None)
    ok = mrz is not None and birth is not None and expiry is not None
    if keep:
        _forget(session, case)  # only the newest scan counts
    kept_portrait = False
    if keep and ok:
        scan_id = new_id()
        fields = {"number": mrz.document_number, "birth_date": birth.isoformat(), "expiry_date": expiry.isoformat(),
                  "surname": mrz.surname, "given_names": mrz.given_names,
                  "personal_number": personal_number(mrz.optional_data)}
        _seal(session, case, cipher, PAGE_SCAN_KIND, scan_id, "application/json", json.dumps(fields).encode())
        if result.portrait is not None:
            _seal(session, case, cipher, PAGE_PORTRAIT_KIND, scan_id, "image/jpeg", result.portrait.jpeg())
            kept_portrait = True
    record(session, "enrollment.document.scanned", subject=case.id, ok=ok, reasons=list(result.reasons),
           confidence=round(result.confidence, 3), portrait=kept_portrait)
    if not result.ok:
        return PageRead(False, result.reasons)
    if not ok:
        return PageRead(False, ("mrz_unreadable",))
    return PageRead(True, (), mrz.document_number, birth, expiry, mrz.surname, mrz.given_names,
                    mrz.optional_data, mrz.sex, kept_portrait)


def confirmed_scan(session: Session, case: EnrollmentCase,
                   cipher: BiometricCipher) -> tuple[tuple[str, str] | None, str, str | None]:
    """For the register check: the names the scan read, the MRZ source
    ("scan" or "form") and the PINFL printed in the personal-number field
    (None when the field holds none). The scan counts when the document the citizen
    confirmed is the one it read; otherwise what it kept is deleted (its
    portrait belongs to another document) and the source is the form."""
    row = session.scalars(select(BiometricRecord).where(
        BiometricRecord.case_id == case.id, BiometricRecord.kind == PAGE_SCAN_KIND)
        .order_by(BiometricRecord.created_at.desc())).first()
    if row is None:
        return None, "form", None
    fields = json.loads(cipher.open(case.id, PAGE_SCAN_KIND, row.ciphertext))
    confirmed = (fields["number"] == case.document_number
                 and fields["birth_date"] == (case.birth_date.isoformat() if case.birth_date else None)
                 and fields["expiry_date"] == (case.expiry_date.isoformat() if case.expiry_date else None))
    if not confirmed:
        _forget(session, case)
        return None, "form", None
    return (fields["surname"], fields["given_names"]), "scan", fields.get("personal_number") or None


def personal_number(optional_data: str) -> str:
    """The PINFL an Uzbek passport prints in the personal-number field (14
    digits, with no filler), or "" when the field holds something else."""
    value = (optional_data or "").replace("<", "")
    return value if len(value) == 14 and value.isdigit() else ""


def _seal(session: Session, case: EnrollmentCase, cipher: BiometricCipher, kind: str, scan_id: str,
          media_type: str, data: bytes) -> None:
    session.add(BiometricRecord(case_id=case.id, kind=kind, evidence_id=scan_id, media_type=media_type,
                                ciphertext=cipher.seal(case.id, kind, data)))


def _forget(session: Session, case: EnrollmentCase) -> None:
    session.execute(delete(BiometricRecord).where(BiometricRecord.case_id == case.id,
                                                  BiometricRecord.kind.in_(SCAN_KINDS)))
