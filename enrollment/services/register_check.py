"""Step "register" of the register-photo route (no chip reader): the
document as typed or scanned is checked against the population register, and
the photo the register holds for it becomes the reference for the selfie.

Checks, each with its reason code (docs/enrollment-decision-policy.md):
the register knows the document with this birth date (`register_no_match`),
the expiry date is the register's (`register_expiry_mismatch`), the document
has not expired (`document_expired`), the holder is a citizen
(`not_uzbek_passport`), the names read from the page, when the scan read
them, are the register's (a warning for the officer), the person has no
account yet and no other open case (`already_enrolled`,
`enrollment_in_progress`), and the register has a photo
(`register_photo_missing`). A refused check leaves the step open, and the
page offers the chip route and the consulate.

After the selfie, `compare_faces` matches its frames with the register's
photo and, when the page scan kept one, with the page portrait; each result
is kept separately in the evidence for the policy and the officer.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.db import utcnow
from idp.registry import CitizenRegistry

from enrollment import steps
from enrollment.errors import AttemptsExhausted, StepNotAllowed
from enrollment.models import BiometricRecord, EnrollmentCase, RegisterEvidence
from enrollment.services.cases import clear_after
from enrollment.services.chip import _check_unique
from enrollment.services.crypto import BiometricCipher, unpack_frames

REGISTER_PHOTO_KIND = "register_photo"
PAGE_PORTRAIT_KIND = "page_portrait"  # a portrait cropped from the page scan, when the scan keeps one
PROBE_FRAMES = 5  # selfie frames, spread over the capture, compared with the register's photo


@dataclass(frozen=True)
class RegisterOutcome:
    """Safe to log: codes only."""

    accepted: bool
    reasons: tuple[str, ...] = ()
    evidence_id: str | None = None


class FaceComparer(Protocol):
    def compare(self, reference: bytes, probes: list[bytes]) -> dict:
        """biometrics.MatchResult.to_dict(), or {"decision": "unusable", "reason": ...}."""


def check(session: Session, case: EnrollmentCase, registry: CitizenRegistry, cipher: BiometricCipher, *,
          max_attempts: int, names: tuple[str, str] | None = None, mrz_source: str = "form",
          personal_number: str | None = None, today: dt.date | None = None) -> RegisterOutcome:
    """Check the case's document against the register; the caller commits.
    Raises StepNotAllowed, AttemptsExhausted and RegistryUnavailable.

    The checks a case may make are bounded (the chip step's budget,
    IDP_ENROLLMENT_CHIP_ATTEMPTS): the answers say whether the register knows
    a document, so they must not become an oracle for trying many."""
    if steps.guard(case, "register") is not None or steps.is_done(case, "register"):
        raise StepNotAllowed("register")
    made = session.scalar(select(func.count()).select_from(RegisterEvidence)
                          .where(RegisterEvidence.case_id == case.id))
    if made >= max_attempts:
        raise AttemptsExhausted("register")
    today = today or utcnow().date()
    session.flush()
    reasons: list[str] = []
    match: dict = {}
    photo = None
    rec = registry.find_by_document(case.document_number, case.birth_date)
    if rec is None:
        reasons.append("register_no_match")
        match = {"found": False}
    else:
        match = {"found": True, "document_number": True, "birth_date": True,
                 "expiry_date": rec.document_expiry == case.expiry_date, "citizenship": rec.citizenship == "UZB"}
        if names is not None:
            from enrollment.services.names import holder_matches

            match.update(holder_matches(mrz_surname=names[0], mrz_given=names[1], family_name=rec.family_name,
                                        given_name=rec.given_name))
        if personal_number:  # the PINFL printed on the page scanned: one more cross-check
            match["personal_number"] = personal_number == rec.pinfl
            if not match["personal_number"]:
                reasons.append("register_pinfl_mismatch")
        if not match["expiry_date"]:
            reasons.append("register_expiry_mismatch")
        if case.expiry_date is None or case.expiry_date < today:
            reasons.append("document_expired")
        if not match["citizenship"]:
            reasons.append("not_uzbek_passport")
        if not reasons:
            _check_unique(session, case, rec.pinfl, reasons)
        if not reasons:
            photo = registry.document_photo(case.document_number, case.birth_date)
            match["photo"] = photo is not None
            if photo is None:
                reasons.append("register_photo_missing")
    evidence = RegisterEvidence(case_id=case.id, accepted=not reasons, reasons=reasons, register_match=match,
                                mrz_source=mrz_source, face_match={})
    session.add(evidence)
    session.flush()
    if reasons:
        if rec is not None and "enrollment_in_progress" not in reasons:
            from enrollment.services.lifecycle import release_claim

            release_claim(session, case)
        record(session, "enrollment.register.refused", subject=case.id, evidence=evidence.id, reasons=reasons)
        return RegisterOutcome(False, tuple(reasons), evidence.id)
    session.add(BiometricRecord(case_id=case.id, kind=REGISTER_PHOTO_KIND, evidence_id=evidence.id,
                                media_type="image/jpeg",
                                ciphertext=cipher.seal(case.id, REGISTER_PHOTO_KIND, photo)))
    case.register_at, case.register_evidence_id, case.pinfl = utcnow(), evidence.id, rec.pinfl
    clear_after(session, case, "register")
    record(session, "enrollment.register.verified", subject=case.id, evidence=evidence.id, source=mrz_source)
    return RegisterOutcome(True, (), evidence.id)


def _biometric(session: Session, case: EnrollmentCase, kind: str, cipher: BiometricCipher,
               evidence_id: str | None = None) -> bytes | None:
    query = select(BiometricRecord).where(BiometricRecord.case_id == case.id, BiometricRecord.kind == kind)
    if evidence_id is not None:
        query = query.where(BiometricRecord.evidence_id == evidence_id)
    row = session.scalars(query.order_by(BiometricRecord.created_at.desc())).first()
    return cipher.open(case.id, kind, row.ciphertext) if row is not None else None


def register_photo(session: Session, case: EnrollmentCase, cipher: BiometricCipher) -> bytes | None:
    return _biometric(session, case, REGISTER_PHOTO_KIND, cipher, case.register_evidence_id)


def page_portrait(session: Session, case: EnrollmentCase, cipher: BiometricCipher) -> bytes | None:
    return _biometric(session, case, PAGE_PORTRAIT_KIND, cipher)


def compare_faces(session: Session, case: EnrollmentCase, cipher: BiometricCipher, faces: FaceComparer) -> dict:
    """Match the accepted selfie with the register's photo (and the page
    portrait, when there is one); kept on the register evidence."""
    evidence = session.get(RegisterEvidence, case.register_evidence_id) if case.register_evidence_id else None
    if evidence is None or case.selfie_evidence_id is None:
        raise StepNotAllowed("register")
    packed = _biometric(session, case, "selfie_frames", cipher, case.selfie_evidence_id)
    frames = [data for _t, data in unpack_frames(packed)] if packed else []
    step = max(1, len(frames) // PROBE_FRAMES)
    probes = frames[::step][:PROBE_FRAMES]
    result: dict = {}
    reference = register_photo(session, case, cipher)
    result["register_photo"] = (faces.compare(reference, probes) if reference and probes
                                else {"decision": "unusable", "reason": "nothing_to_compare"})
    portrait = page_portrait(session, case, cipher)
    if portrait is not None:
        result["page_portrait"] = faces.compare(portrait, probes) if probes else {
            "decision": "unusable", "reason": "nothing_to_compare"}
    evidence.face_match = result
    record(session, "enrollment.register.faces_compared", subject=case.id, evidence=evidence.id,
           **{key: value.get("decision") for key, value in result.items()})
    return result
