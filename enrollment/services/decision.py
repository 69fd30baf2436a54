"""Submitting a case and applying the decision policy to its evidence. The
status changes (the policy's decision, a reviewer's approval or rejection)
are transitions of lifecycle.py."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.db import utcnow

from enrollment import policy, steps
from enrollment.errors import StepNotAllowed
from enrollment.models import REGISTER_PHOTO, ChipEvidence, EnrollmentCase, RegisterEvidence, SelfieEvidence
from enrollment.services import lifecycle


def evidence_of(session: Session, case: EnrollmentCase) -> policy.CaseEvidence:
    chip = session.get(ChipEvidence, case.chip_evidence_id) if case.chip_evidence_id else None
    selfie = session.get(SelfieEvidence, case.selfie_evidence_id) if case.selfie_evidence_id else None
    if case.route == REGISTER_PHOTO:
        register = session.get(RegisterEvidence, case.register_evidence_id) if case.register_evidence_id else None
        faces = register.face_match if register else {}
        match = register.register_match if register else {}
        names = (bool(match["family_name"] and match["given_name"])
                 if "family_name" in match and "given_name" in match else None)
        return policy.CaseEvidence(
            purpose=case.purpose, chip_accepted=False, route=REGISTER_PHOTO,
            register_accepted=bool(register and register.accepted and case.pinfl),
            register_reasons=tuple(register.reasons) if register else (),
            register_face=(faces.get("register_photo") or {}).get("decision"),
            portrait_face=(faces.get("page_portrait") or {}).get("decision"),
            register_names_match=names,
            selfie_outcome=selfie.outcome if selfie else None,
            selfie_reasons=tuple(selfie.reasons) if selfie else ())
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
    return decision, lifecycle.decide(session, case, decision, by=lifecycle.BY_POLICY)


# The transitions themselves live in lifecycle.py (enrollment owns its case lifecycle).
apply = lifecycle.decide
approve = lifecycle.approve
reject = lifecycle.reject


def activation_expires_at(case: EnrollmentCase, ttl_days: int) -> dt.datetime | None:
    return case.decided_at + dt.timedelta(days=ttl_days) if case.decided_at else None
