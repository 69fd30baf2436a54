"""Reading the passport chip at the desk, where a reader is attached.

The desk page hands the visit to the reader the same way the remote journey
does (docs/nfc-reader-upload.md): a one-time token (256 random bits, only its
SHA-256 stored, for 15 minutes) authorises challenge requests and one upload;
the Active Authentication nonce (8 random bytes, ICAO 9303 Part 11 section
6.1) is single-use and taken by the upload. An officer without a networked
reader can run `idp-reader --nonce HEX -o chip.json` and upload the file on
the desk page instead; both end in `verify_upload`.

The checks are those of the remote journey (nfc.verify_chip_upload: passive
and active authentication, DG1 equal to the typed MRZ, expiry, issuing state
UZB), plus nationality UZB in DG1 (Part 4 section 4.2.2), DG11's personal
number equal to the register's PINFL where present, and the register's
names compared with the MRZ. A refused chip does not stop the visit (the
officer holds the passport), but flags it for a supervisor.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import nfc
from sqlalchemy import delete
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.db import utcnow
from idp.registry import CitizenRegistry

from enrollment.services.chip import POLICY, PORTRAIT_TYPES, chip_reasons
from enrollment.services.names import holder_matches

from consular.config import CHIP_NONCE_TTL, READER_TOKEN_TTL
from consular.errors import Conflict, ReaderTokenInvalid
from consular.models import Visit, VisitImage
from consular.services import visits

TOKEN_PREFIX = "consular:rt:"
NONCE_PREFIX = "consular:nonce:"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(state, visit: Visit) -> str:
    if not visit.document_at:
        raise Conflict(code="document_missing")  # the reader needs the MRZ key the officer typed
    token = secrets.token_urlsafe(32)
    state.put(TOKEN_PREFIX + _digest(token), {"visit": visit.id}, READER_TOKEN_TTL)
    return token


def resolve_token(state, token: str | None, visit_id: str) -> str:
    if not token or len(token) > 100:
        raise ReaderTokenInvalid("missing")
    digest = _digest(token)
    entry = state.get(TOKEN_PREFIX + digest)
    if entry is None or not hmac.compare_digest(str(entry["visit"]).encode(), visit_id.encode()):  # bytes: any URL
        raise ReaderTokenInvalid("unknown, expired, used or for another visit")
    return digest


def consume_token(state, digest: str) -> None:
    if state.take(TOKEN_PREFIX + digest) is None:
        raise ReaderTokenInvalid("used")


def issue_nonce(state, visit_id: str) -> tuple[bytes, float]:
    """A fresh nonce for the visit; it replaces any earlier one."""
    nonce = secrets.token_bytes(8)
    expires = time.time() + CHIP_NONCE_TTL
    state.put(NONCE_PREFIX + visit_id, {"nonce": nonce.hex(), "exp": expires}, CHIP_NONCE_TTL)
    return nonce, expires


def take_nonce(state, visit_id: str) -> bytes | None:
    entry = state.take(NONCE_PREFIX + visit_id)
    if entry is None or entry["exp"] <= time.time():
        return None
    return bytes.fromhex(entry["nonce"])


def verify_upload(session: Session, visit: Visit, payload, *, nonce: bytes | None, trust_store: nfc.TrustStore,
                  registry: CitizenRegistry, cipher, actor: str) -> bool:
    """Verify one chip upload for the visit and record it; whether the chip
    was accepted. Raises nfc.UploadFormatError for a malformed upload,
    Conflict when the visit cannot take a chip read now."""
    if visit.status not in visits.OPEN_STATES:
        raise Conflict(code="visit_closed")
    if not visit.document_at:
        raise Conflict(code="document_missing")
    nfc.parse_upload(payload)  # raises UploadFormatError before anything is recorded
    if nonce is None:
        raise Conflict(code="nonce_expired")
    report = nfc.verify_chip_upload(
        payload, expected_nonce=nonce, trust_store=trust_store, policy=POLICY,
        expected_mrz=nfc.DocumentKey.from_fields(visit.document_number, visit.birth_date, visit.expiry_date))
    reasons, _warnings = chip_reasons(report)
    document = report.document
    if not reasons and document is not None and document.nationality.rstrip("<") != "UZB":
        reasons.append("not_uzbek_passport")
    match = dict(visit.register_match or {})
    if not reasons and document is not None and visit.pinfl:
        rec = registry.find_by_pinfl(visit.pinfl)
        if rec is not None:
            match.update(holder_matches(mrz_surname=document.surname, mrz_given=document.given_names,
                                        family_name=rec.family_name, given_name=rec.given_name))
        if document.personal_number:
            match["personal_number"] = document.personal_number == visit.pinfl
            if not match["personal_number"]:
                reasons.append("register_pinfl_mismatch")
    accepted = not reasons
    visit.chip_accepted, visit.chip_reasons, visit.chip_report = accepted, reasons, report.as_log()
    visit.chip_at = visit.updated_at = utcnow()
    visit.register_match = match
    session.execute(delete(VisitImage).where(VisitImage.visit_id == visit.id, VisitImage.kind == "chip_portrait"))
    if accepted and report.portrait is not None:
        portrait = report.portrait
        session.add(VisitImage(visit_id=visit.id, kind="chip_portrait",
                               media_type=PORTRAIT_TYPES.get(portrait.image_format, "application/octet-stream"),
                               ciphertext=cipher.seal(visit.id, "chip_portrait", portrait.image)))
    visit.face_match = {}  # a new reference: the caller matches the photo again (desk_photo.rematch)
    visit.flags = visits.compute_flags(visit)
    session.flush()
    record(session, "consular.visit.chip", actor=actor, subject=visits.subject_of(visit), visit=visit.id,
           accepted=accepted, reasons=reasons, signer_country=report.signer_country)
    return accepted
