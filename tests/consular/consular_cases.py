"""Remote enrollment cases in the state enrollment leaves them in: submitted,
with chip and selfie evidence, encrypted chip portrait and selfie frames,
the claim on the person, and the policy's decision (review, or rejection)."""
from __future__ import annotations

import datetime as dt

from enrollment.models import (
    AWAITING_REVIEW,
    REJECTED,
    BiometricRecord,
    ChipEvidence,
    EnrollmentCase,
    EnrollmentClaim,
    SelfieEvidence,
)
from enrollment.services.crypto import pack_frames

CHIP_CHECKS = ["sod_parse", "sod_content", "sod_signature", "dsc_chain", "dsc_validity", "dsc_revocation",
               "data_group_hashes", "dg1_mrz", "active_authentication", "mrz_match", "document_expiry",
               "issuing_state_allowed"]


def make_case(idp, cipher, faces, *, citizen, email: str, phone: str | None = None, country: str | None = None,
              locale: str = "en",
              flags: tuple[str, ...] = (), submitted_hours_ago: float = 1.0, purpose: str = "enroll",
              selfie: str = "pass", distance: float = 0.31, rejected: bool = False, images: bool = False) -> str:
    pinfl, _family, _given, birth, _sex, passport = citizen
    now = dt.datetime.now(dt.timezone.utc)
    submitted = now - dt.timedelta(hours=submitted_hours_ago)
    with idp.db.transaction() as s:
        case = EnrollmentCase(purpose=purpose, route="passport", status=REJECTED if rejected else AWAITING_REVIEW,
                              locale=locale, browser_key_hash="0" * 64, created_at=submitted - dt.timedelta(minutes=9),
                              updated_at=submitted, expires_at=now + dt.timedelta(days=14), started_at=submitted,
                              email=email, phone=phone, residence_country=country, email_verified_at=submitted, document_number=passport,
                              birth_date=dt.date.fromisoformat(birth), expiry_date=dt.date(2032, 1, 31),
                              document_at=submitted, chip_attempts=1, chip_at=submitted, pinfl=pinfl,
                              selfie_attempts=1, selfie_at=submitted, submitted_at=submitted,
                              decision="reject" if rejected else "review",
                              decision_reasons=(["liveness_failed"] if rejected
                                                else list(flags or ["manual_review_required"])),
                              flags=list(flags), decided_at=submitted if rejected else None,
                              decided_by="policy" if rejected else None)
        s.add(case)
        s.flush()
        chip = ChipEvidence(case_id=case.id, accepted=True, reasons=[],
                            warnings=[f for f in flags if f.startswith("chip_")],
                            report={"ok": True,
                                    "checks": [{"name": n, "status": "pass", "code": "ok"} for n in CHIP_CHECKS],
                                    "signer_country": "UZ", "signature_algorithm": "sha256 / EC-SECP256R1",
                                    "active_authentication_algorithm": "ecdsa"},
                            register_match={"found": True, "document_number": True, "birth_date": True,
                                            "family_name": "register_name_mismatch" not in flags,
                                            "given_name": True, "citizenship": True},
                            reader={"software": "idp-reader/0.1.0", "transport": "pcsc", "access_control": "PACE"})
        outcome = "fail" if rejected else selfie
        shot = SelfieEvidence(case_id=case.id, outcome=outcome, reasons=["liveness_failed"] if rejected else [],
                              face_distance=distance,
                              result={"engine": "dlib", "outcome": outcome, "checks": [
                                  {"name": "challenge", "passed": True}, {"name": "blink", "passed": not rejected},
                                  {"name": "face_match", "passed": True, "score": round(1 - distance, 4)}],
                                  "match": {"distance": distance, "threshold": 0.5, "review_threshold": 0.6,
                                            "decision": "match" if distance <= 0.5 else "review"}})
        s.add_all([chip, shot])
        s.flush()
        case.chip_evidence_id, case.selfie_evidence_id = chip.id, shot.id
        if images:
            s.add(BiometricRecord(case_id=case.id, kind="chip_portrait", evidence_id=chip.id, media_type="image/jpeg",
                                  ciphertext=cipher.seal(case.id, "chip_portrait", faces["hopper_portrait"])))
            frames = pack_frames([(0.0, faces["hopper"]), (400.0, faces["hopper"]), (800.0, faces["hopper"])])
            s.add(BiometricRecord(case_id=case.id, kind="selfie_frames", evidence_id=shot.id,
                                  media_type="application/x-oneid-frames",
                                  ciphertext=cipher.seal(case.id, "selfie_frames", frames)))
        if not rejected:
            s.add(EnrollmentClaim(pinfl=pinfl, case_id=case.id))
        return case.id
