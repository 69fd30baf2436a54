"""Step "selfie": active liveness and the face match against the chip
portrait, with the `biometrics` library (docs/biometrics-liveness.md).

The service issues a challenge bound to the case (its subject), then checks
the uploaded frames against it and against the chip portrait kept from the
chip step. "pass" completes the step; "review" completes it with a flag for
the officer (live, but the match is in the review band or the chip portrait
is unusable); "fail" uses one of the case's attempts and tells the citizen
why. Frames of every checked attempt are kept encrypted for the officer
until the retention period after the decision.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from biometrics import CapturedFrame, LivenessService

from idp.audit.log import record
from idp.db import utcnow

from enrollment import steps
from enrollment.errors import AttemptsExhausted, StepNotAllowed
from enrollment.models import BiometricRecord, EnrollmentCase, SelfieEvidence
from enrollment.services.cases import clear_after
from enrollment.services.crypto import BiometricCipher, pack_frames

# Failures that are not the citizen's doing do not use up an attempt.
NOT_AN_ATTEMPT = frozenset({"liveness_unavailable", "challenge_unknown", "challenge_mismatch"})
EVENTS = {"pass": "enrollment.selfie.passed", "review": "enrollment.selfie.review",
          "fail": "enrollment.selfie.failed"}


@dataclass(frozen=True)
class SelfieOutcome:
    """Safe to log and to send to the page: codes, hint keys, counts."""

    outcome: str  # pass, review, fail
    reasons: tuple[str, ...]
    hint_keys: tuple[str, ...]
    attempts_left: int
    evidence_id: str | None = None

    @property
    def done(self) -> bool:
        return self.outcome in ("pass", "review")


def _check(case: EnrollmentCase, max_attempts: int) -> None:
    if steps.guard(case, "selfie") is not None or steps.is_done(case, "selfie"):
        raise StepNotAllowed("selfie")
    if case.selfie_attempts >= max_attempts:
        raise AttemptsExhausted("selfie")


def new_challenge(session: Session, case: EnrollmentCase, liveness: LivenessService, *, max_attempts: int) -> dict:
    _check(case, max_attempts)
    challenge = liveness.create_challenge(subject=case.id)
    record(session, "enrollment.selfie.challenge_issued", subject=case.id,
           actions=[a.value for a in challenge.actions])
    return challenge.to_client(liveness.settings)


def chip_portrait(session: Session, case: EnrollmentCase, cipher: BiometricCipher) -> bytes | None:
    row = session.scalars(select(BiometricRecord).where(
        BiometricRecord.case_id == case.id, BiometricRecord.kind == "chip_portrait",
        BiometricRecord.evidence_id == case.chip_evidence_id)).first()
    return cipher.open(case.id, "chip_portrait", row.ciphertext) if row else None


def verify_selfie(session: Session, case: EnrollmentCase, liveness: LivenessService, cipher: BiometricCipher, *,
                  challenge_id: str, nonce: str, frames: Sequence[CapturedFrame], max_attempts: int) -> SelfieOutcome:
    """Check one capture and record it; the caller commits."""
    _check(case, max_attempts)
    result = liveness.verify_liveness(challenge_id, frames, nonce=nonce,
                                      reference_portrait=chip_portrait(session, case, cipher),
                                      expected_subject=case.id)
    reasons = result.reasons
    if result.outcome == "fail" and not set(reasons) & NOT_AN_ATTEMPT:
        case.selfie_attempts += 1  # a limit on failures (IDP_ENROLLMENT_SELFIE_ATTEMPTS)
    match = result.match
    evidence = SelfieEvidence(case_id=case.id, outcome=result.outcome, reasons=list(reasons),
                              face_distance=round(match.distance, 4) if match else None, result=result.to_dict())
    session.add(evidence)
    session.flush()
    challenge_ok = result.check("challenge") is not None and result.check("challenge").passed
    if challenge_ok:  # frames an officer may need to see
        blob = pack_frames([(f.timestamp_ms, f.data) for f in frames])
        session.add(BiometricRecord(case_id=case.id, kind="selfie_frames", evidence_id=evidence.id,
                                    media_type="application/x-oneid-frames",
                                    ciphertext=cipher.seal(case.id, "selfie_frames", blob)))
    left = max(0, max_attempts - case.selfie_attempts)
    if result.outcome in ("pass", "review"):
        case.selfie_at, case.selfie_evidence_id = utcnow(), evidence.id
        clear_after(session, case, "selfie")
    record(session, EVENTS[result.outcome],
           subject=case.id, evidence=evidence.id, reasons=list(reasons), engine=result.engine,
           distance=evidence.face_distance, attempts_left=left)
    return SelfieOutcome(result.outcome, tuple(reasons), tuple(h["hint_key"] for h in result.hints), left,
                         evidence.id)
