"""Step "selfie": active liveness and the face match against the chip
portrait, with the `biometrics` library (docs/biometrics-liveness.md).

The service issues a challenge bound to the case (its subject), then checks
the uploaded frames against it and against the chip portrait kept from the
chip step. Every challenge issued uses one of the case's attempts
(IDP_ENROLLMENT_SELFIE_ATTEMPTS), taken with one conditional UPDATE so that
parallel requests cannot take more: asking for a new challenge until an easy
one comes costs as much as failing. "pass" completes the step; "review"
completes it with a flag for the officer (live, but the match is in the
review band or the chip portrait is unusable); "fail" tells the citizen
why; an engine failure that is not the citizen's doing gives the attempt
back. Frames of every checked attempt are kept encrypted for the officer
until the retention period after the decision.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from biometrics import CapturedFrame, LivenessService

from idp.audit.log import record
from idp.db import utcnow

from enrollment import steps
from enrollment.errors import AttemptsExhausted, StepNotAllowed
from enrollment.models import BiometricRecord, EnrollmentCase, SelfieEvidence
from enrollment.services.cases import clear_after
from enrollment.services.crypto import BiometricCipher, pack_frames

# An engine failure is not the citizen's doing: the attempt its challenge took is given back.
NOT_AN_ATTEMPT = frozenset({"liveness_unavailable"})
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


def _check(case: EnrollmentCase) -> None:
    if steps.guard(case, "selfie") is not None or steps.is_done(case, "selfie"):
        raise StepNotAllowed("selfie")


def _count_attempt(session: Session, case: EnrollmentCase, change: int, *, max_attempts: int) -> bool:
    """Add `change` (+1 or -1) to the case's selfie attempts in one
    conditional UPDATE; False when the budget (or zero) is reached."""
    bound = (EnrollmentCase.selfie_attempts < max_attempts if change > 0 else EnrollmentCase.selfie_attempts > 0)
    done = session.execute(update(EnrollmentCase).where(EnrollmentCase.id == case.id, bound)
                           .values(selfie_attempts=EnrollmentCase.selfie_attempts + change)
                           .execution_options(synchronize_session=False))
    session.refresh(case, ["selfie_attempts"])
    return done.rowcount == 1


def new_challenge(session: Session, case: EnrollmentCase, liveness: LivenessService, *, max_attempts: int) -> dict:
    _check(case)
    if case.selfie_attempts >= max_attempts:
        raise AttemptsExhausted("selfie")
    # The challenge goes to its store before this transaction writes (the
    # store may share the database); one that loses the race for the last
    # attempt is never handed out and expires unused.
    challenge = liveness.create_challenge(subject=case.id)
    if not _count_attempt(session, case, +1, max_attempts=max_attempts):
        raise AttemptsExhausted("selfie")
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
    """Check one capture and record it; the caller commits. The attempt was
    counted when the challenge was issued; a challenge is good for one upload."""
    _check(case)
    result = liveness.verify_liveness(challenge_id, frames, nonce=nonce,
                                      reference_portrait=chip_portrait(session, case, cipher),
                                      expected_subject=case.id)
    reasons = result.reasons
    challenge_ok = result.check("challenge") is not None and result.check("challenge").passed
    if challenge_ok and result.outcome == "fail" and set(reasons) & NOT_AN_ATTEMPT:
        _count_attempt(session, case, -1, max_attempts=max_attempts)
    match = result.match
    evidence = SelfieEvidence(case_id=case.id, outcome=result.outcome, reasons=list(reasons),
                              face_distance=round(match.distance, 4) if match else None, result=result.to_dict())
    session.add(evidence)
    session.flush()
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
