"""Step "chip": verify a reader's upload, match the holder in the population
register, and make sure one person holds one enrollment.

Order of checks (each refusal has its own reason code, docs/enrollment.md):

1. the upload is well formed (nfc.parse_upload; a malformed upload is the
   reader's fault and does not count as an attempt);
2. nfc.verify_chip_upload against the nonce this server issued: passive
   authentication (SOD signature, DSC chain to a trusted CSCA, revocation,
   data-group hashes), Active Authentication over the nonce, DG1 equal to
   the typed MRZ, document not expired, issuing state UZB;
3. nationality UZB in DG1 (ICAO 9303 Part 4 section 4.2.2, "nationality");
4. register match: document number and birth date to a PINFL, DG11's
   personal number (when present) equal to it, citizenship UZB, names
   compared (a mismatch of spelling is a flag for the officer, not a refusal);
5. uniqueness: no account yet for an enrollment, an account for a recovery,
   and no other open case for the same person (EnrollmentClaim).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import nfc

from idp.audit.log import record
from idp.db import utcnow
from idp.people.models import Account, Person
from idp.registry import CitizenRegistry

from enrollment import steps
from enrollment.errors import AttemptsExhausted, StepNotAllowed, UploadMalformed
from enrollment.models import ENROLL, RAISE, BiometricRecord, ChipEvidence, EnrollmentCase, EnrollmentClaim
from enrollment.services.cases import clear_after
from enrollment.services.crypto import BiometricCipher
from enrollment.services.names import holder_matches

POLICY = nfc.VerificationPolicy(allowed_issuing_states=frozenset({"UZB"}))

# nfc check name -> enrollment reason code, in the order reasons are shown.
CHECK_REASONS = (
    (("sod_parse", "sod_content", "sod_signature", "dsc_chain", "dsc_validity", "dsc_revocation",
      "data_group_hashes", "required_data_groups", "dg1_mrz", "issuer_country", "dg14", "portrait"),
     "chip_not_authentic"),
    (("nonce_echo", "active_authentication"), "chip_aa_failed"),
    (("mrz_match",), "mrz_mismatch"),
    (("document_expiry",), "document_expired"),
    (("issuing_state_allowed",), "not_uzbek_passport"),
)
# Reasons a new reading cannot fix: the citizen goes on at a consulate (or logs in / recovers).
FINAL_REASONS = frozenset({"document_expired", "not_uzbek_passport", "register_no_match",
                           "register_pinfl_mismatch", "already_enrolled", "enrollment_in_progress",
                           "no_account_to_recover"})
IGNORED_WARNINGS = frozenset({"ef_com"})
PORTRAIT_TYPES = {"jpeg": "image/jpeg", "jpeg2000": "image/jp2"}


@dataclass(frozen=True)
class ChipOutcome:
    """Safe to log: codes only."""

    accepted: bool
    reasons: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    evidence_id: str | None = None
    attempts_left: int = 0

    @property
    def final(self) -> bool:
        return bool(FINAL_REASONS & set(self.reasons)) or (not self.accepted and self.attempts_left <= 0)


def chip_reasons(report: nfc.ChipReport) -> tuple[list[str], list[str]]:
    """(reasons, warnings) from an nfc report."""
    failed = {c.name for c in report.failures}
    reasons = [reason for names, reason in CHECK_REASONS if failed & set(names)]
    unmapped = failed - {n for names, _ in CHECK_REASONS for n in names}
    if unmapped and "chip_not_authentic" not in reasons:
        reasons.insert(0, "chip_not_authentic")  # a check added to nfc later still refuses
    warnings = [f"chip_{c.code}" for c in report.checks if c.status == "warning" and c.name not in IGNORED_WARNINGS]
    return reasons, warnings


def verify_upload(session: Session, case: EnrollmentCase, payload: bytes | str | dict, *, nonce: bytes,
                  trust_store: nfc.TrustStore, registry: CitizenRegistry, cipher: BiometricCipher,
                  max_attempts: int, now: dt.datetime | None = None) -> ChipOutcome:
    """Verify one upload and record it; the caller commits. Raises
    StepNotAllowed, AttemptsExhausted, UploadMalformed, RegistryUnavailable."""
    if steps.guard(case, "chip") is not None or steps.is_done(case, "chip"):
        raise StepNotAllowed("chip")
    if case.chip_attempts >= max_attempts:
        raise AttemptsExhausted("chip")
    try:
        upload = nfc.parse_upload(payload)
        report = nfc.verify_chip_upload(
            payload, expected_nonce=nonce, trust_store=trust_store, now=now, policy=POLICY,
            expected_mrz=nfc.DocumentKey.from_fields(case.document_number, case.birth_date, case.expiry_date))
    except nfc.UploadFormatError as exc:
        record(session, "enrollment.chip.malformed", subject=case.id)
        raise UploadMalformed(str(exc)) from None
    case.chip_attempts += 1
    session.flush()  # the transaction is open before the claim's savepoint (pysqlite opens none for SELECTs)
    reasons, warnings = chip_reasons(report)
    document = report.document
    if not reasons and document is not None and document.nationality.rstrip("<") != "UZB":
        reasons.append("not_uzbek_passport")  # Part 4 4.2.2: nationality, not only the issuing state
    register: dict = {}
    pinfl: str | None = None
    if not reasons and document is not None:
        register, pinfl = _register_match(session, case, document, registry, reasons, warnings)
    evidence = ChipEvidence(case_id=case.id, accepted=not reasons, reasons=reasons, warnings=warnings,
                            report=report.as_log(), register_match=register,
                            reader={k: v for k, v in upload.reader.items()
                                    if k in ("software", "transport", "access_control")})
    session.add(evidence)
    session.flush()
    left = max(0, max_attempts - case.chip_attempts)
    if reasons:
        record(session, "enrollment.chip.refused", subject=case.id, evidence=evidence.id, reasons=reasons,
               attempts_left=left)
        return ChipOutcome(False, tuple(reasons), tuple(warnings), evidence.id, left)
    portrait = report.portrait
    session.add(BiometricRecord(case_id=case.id, kind="chip_portrait", evidence_id=evidence.id,
                                media_type=PORTRAIT_TYPES.get(portrait.image_format, "application/octet-stream"),
                                ciphertext=cipher.seal(case.id, "chip_portrait", portrait.image)))
    case.chip_at, case.chip_evidence_id, case.pinfl = utcnow(), evidence.id, pinfl
    clear_after(session, case, "chip")
    record(session, "enrollment.chip.verified", subject=case.id, evidence=evidence.id, warnings=warnings,
           signer_country=report.signer_country, aa=report.active_authentication_algorithm)
    return ChipOutcome(True, (), tuple(warnings), evidence.id, left)


def _register_match(session: Session, case: EnrollmentCase, document, registry: CitizenRegistry,
                    reasons: list[str], warnings: list[str]) -> tuple[dict, str | None]:
    rec = registry.find_by_document(document.document_number, document.date_of_birth)
    if rec is None:
        reasons.append("register_no_match")
        return {"found": False}, None
    names = holder_matches(mrz_surname=document.surname, mrz_given=document.given_names,
                           family_name=rec.family_name, given_name=rec.given_name)
    match = {"found": True, "document_number": True, "birth_date": True, **names,
             "citizenship": rec.citizenship == "UZB"}
    if document.personal_number:
        match["personal_number"] = document.personal_number == rec.pinfl
        if not match["personal_number"]:
            reasons.append("register_pinfl_mismatch")
    if not match["citizenship"]:
        reasons.append("not_uzbek_passport")
    if not all(names.values()):
        warnings.append("register_name_mismatch")
    if reasons:
        return match, None
    _check_unique(session, case, rec.pinfl, reasons)
    return match, (None if reasons else rec.pinfl)


def _check_unique(session: Session, case: EnrollmentCase, pinfl: str, reasons: list[str]) -> None:
    account = session.scalars(select(Account).join(Person).where(Person.pinfl == pinfl)).first()
    if case.purpose == ENROLL and account is not None:
        reasons.append("already_enrolled")
        return
    if case.purpose == RAISE and (account is None or account.id != case.account_id):
        reasons.append("raise_pinfl_mismatch")  # another person's passport than the account's owner
        return
    if case.purpose != ENROLL and (account is None or account.status != "active"):
        reasons.append("no_account_to_recover")
        return
    claim = session.get(EnrollmentClaim, pinfl)
    if claim is not None and claim.case_id != case.id:
        other = session.get(EnrollmentCase, claim.case_id)
        if other is not None and other.open:
            reasons.append("enrollment_in_progress")
            return
        session.delete(claim)  # left by a case that has ended
        session.flush()
    if claim is not None and claim.case_id == case.id:
        return
    try:
        with session.begin_nested():
            session.add(EnrollmentClaim(pinfl=pinfl, case_id=case.id))
    except IntegrityError:  # another case claimed the person a moment ago
        reasons.append("enrollment_in_progress")
