"""Submitting a case, applying the decision policy, and the decisions an
operator (later: a consular officer) takes on a case in review."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.db import utcnow

from enrollment import policy, steps
from enrollment.errors import StepNotAllowed
from enrollment.models import (
    APPROVED,
    AWAITING_REVIEW,
    REJECTED,
    ChipEvidence,
    EnrollmentCase,
    SelfieEvidence,
)
from enrollment.services.cases import release_claim

STATUS_OF = {policy.APPROVE: APPROVED, policy.REVIEW: AWAITING_REVIEW, policy.REJECT: REJECTED}


def evidence_of(session: Session, case: EnrollmentCase) -> policy.CaseEvidence:
    chip = session.get(ChipEvidence, case.chip_evidence_id) if case.chip_evidence_id else None
    selfie = session.get(SelfieEvidence, case.selfie_evidence_id) if case.selfie_evidence_id else None
    return policy.CaseEvidence(
        purpose=case.purpose,
        chip_accepted=bool(chip and chip.accepted and case.pinfl),
        chip_reasons=tuple(chip.reasons) if chip else (),
        chip_warnings=tuple(chip.warnings) if chip else (),
        selfie_outcome=selfie.outcome if selfie else None,
        selfie_reasons=tuple(selfie.reasons) if selfie else ())


def submit(session: Session, case: EnrollmentCase, *, auto_approve: bool) -> tuple[policy.Decision, str | None]:
    """Submit a case whose steps are done; returns the decision and, when it
    is an approval, the activation token to send to the citizen."""
    if steps.guard(case, "submit") is not None:
        raise StepNotAllowed("submit")
    case.submitted_at = utcnow()
    record(session, "enrollment.submitted", subject=case.id)
    decision = policy.decide(evidence_of(session, case), auto_approve=auto_approve)
    return decision, apply(session, case, decision, by="policy")


def apply(session: Session, case: EnrollmentCase, decision: policy.Decision, *, by: str) -> str | None:
    now = utcnow()
    case.status = STATUS_OF[decision.outcome]
    case.decision = decision.outcome
    case.decision_reasons = list(decision.reasons)
    case.flags = list(dict.fromkeys([*(case.flags or []), *decision.flags]))
    case.updated_at = now
    token = None
    if decision.outcome != policy.REVIEW:
        case.decided_at, case.decided_by = now, by
    if decision.outcome == policy.APPROVE:
        token = _activation_token(case)
    if decision.outcome == policy.REJECT:
        release_claim(session, case)
    record(session, "enrollment.decision", subject=case.id, outcome=decision.outcome, by=by,
           reasons=list(decision.reasons), flags=list(decision.flags))
    return token


def approve(session: Session, case: EnrollmentCase, *, by: str) -> str:
    """An operator's approval of a case in review; the activation token."""
    if case.status != AWAITING_REVIEW:
        raise StepNotAllowed(f"case is {case.status}, not awaiting review")
    return apply(session, case, policy.Decision(policy.APPROVE, ("approved_by_reviewer",)), by=by)


def reject(session: Session, case: EnrollmentCase, *, by: str, reasons: tuple[str, ...]) -> None:
    if case.status != AWAITING_REVIEW:
        raise StepNotAllowed(f"case is {case.status}, not awaiting review")
    apply(session, case, policy.Decision(policy.REJECT, reasons or ("rejected_by_reviewer",)), by=by)


def _activation_token(case: EnrollmentCase) -> str:
    token = secrets.token_urlsafe(32)
    case.activation_token_hash = hashlib.sha256(token.encode()).hexdigest()
    return token


def activation_expires_at(case: EnrollmentCase, ttl_days: int) -> dt.datetime | None:
    return case.decided_at + dt.timedelta(days=ttl_days) if case.decided_at else None
