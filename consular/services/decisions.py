"""Officers' decisions on remote enrollment cases: approve, reject (with a
reason the citizen reads in their language), or ask for a consular visit.

Every state change of the case is a transition of enrollment's case
lifecycle (`enrollment.services.lifecycle`: approve, reject, override,
send_to_consulate, is_overridable); this module never sets a case's columns.
Four eyes (consular/foureyes.py): a case with a
flagged check, or the override of an automatic rejection, is approved by
two people, the second a supervisor. Every decision is final and audited.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.db import utcnow

from enrollment.errors import EnrollmentError
from enrollment.models import AWAITING_REVIEW, EnrollmentCase
from enrollment.services import lifecycle

from consular import foureyes
from consular.errors import Conflict, Forbidden, NotFound
from consular.messages import REJECTION_REASONS
from consular.models import CASE_APPROVED, CASE_CONSULAR, CASE_REJECTED, CaseReview, Consulate
from consular.services import queue
from consular.services.visits import person_account


def visible_case(session: Session, consulate: Consulate, case_id: str) -> tuple[EnrollmentCase, CaseReview]:
    """A case routed to this consulate; NotFound for any other (without saying whether it exists)."""
    if not isinstance(case_id, str) or len(case_id) > 36:
        raise NotFound()
    review = session.get(CaseReview, case_id)
    if review is None:  # not routed yet (opened from a link before the queue was)
        case = session.get(EnrollmentCase, case_id)
        review = queue.route(session, case) if case is not None and queue.routable(case) else None
    if review is None or review.consulate_id != consulate.id:
        raise NotFound()
    return session.get(EnrollmentCase, case_id), review


def subject_of(session: Session, case: EnrollmentCase) -> str:
    """The audit subject for events about the case's person: their account
    when there is one (shown in the cabinet), else the case."""
    account = person_account(session, case.pinfl) if case.pinfl else None
    return case.account_id or (account.id if account else case.id)


def record_view(session: Session, case: EnrollmentCase, *, officer_id: str, consulate_id: str) -> None:
    record(session, "consular.case.viewed", actor=officer_id, subject=subject_of(session, case), case=case.id,
           consulate=consulate_id)


def _check_open(case: EnrollmentCase, review: CaseReview) -> None:
    if review.outcome is not None:
        raise Conflict(code="case_not_open")


def _not_own(session: Session, case: EnrollmentCase, actor: foureyes.Actor) -> None:
    account = person_account(session, case.pinfl) if case.pinfl else None
    if account is not None and account.id == actor.account_id:
        raise Conflict(code="own_case")


@dataclass(frozen=True)
class Outcome:
    """Safe to log; `activation_token` goes only into the citizen's e-mail."""

    step: str  # foureyes.FIRST or FINAL
    outcome: str | None = None
    activation_token: str | None = None


def approve(session: Session, case: EnrollmentCase, review: CaseReview, *, actor: foureyes.Actor) -> Outcome:
    _check_open(case, review)
    _not_own(session, case, actor)
    if case.status == AWAITING_REVIEW:
        override = False
    elif lifecycle.is_overridable(case):
        override = True
    else:
        raise Conflict(code="case_not_open")
    step = foureyes.approval_step(needs_second=bool(case.flags) or override, first_by=review.first_approval_by,
                                  actor=actor)
    now = utcnow()
    if step == foureyes.FIRST:
        # one conditional UPDATE: of two officers approving at once, one is first
        taken = session.execute(update(CaseReview).where(
            CaseReview.case_id == review.case_id, CaseReview.first_approval_by.is_(None), CaseReview.outcome.is_(None))
            .values(first_approval_by=actor.account_id, first_approval_role=actor.role, first_approval_at=now,
                    override=override).execution_options(synchronize_session=False)).rowcount
        if taken != 1:
            raise Conflict(code="case_not_open")
        session.refresh(review)
        record(session, "consular.case.first_approval", actor=actor.account_id, subject=case.id, case=case.id,
               consulate=review.consulate_id, role=actor.role, override=override, flags=list(case.flags or []))
        return Outcome(step)
    _claim(session, review, actor, CASE_APPROVED)
    by = f"officer:{actor.account_id}"
    token = _enrollment(lifecycle.override if override else lifecycle.approve, session, case, by=by)
    _final(session, case, review, actor, CASE_APPROVED, override=override)
    return Outcome(step, CASE_APPROVED, token)


def reject(session: Session, case: EnrollmentCase, review: CaseReview, *, actor: foureyes.Actor, reason: str,
           note: str | None) -> Outcome:
    _check_open(case, review)
    if case.status != AWAITING_REVIEW:
        raise Conflict(code="case_not_open")
    if reason not in REJECTION_REASONS:
        raise Conflict(code="reason_unknown")
    foureyes.check_second_person(first_by=review.first_approval_by, actor=actor)
    _not_own(session, case, actor)
    _claim(session, review, actor, CASE_REJECTED)
    _enrollment(lifecycle.reject, session, case, by=f"officer:{actor.account_id}",
                reasons=(f"consular_{reason}",))
    review.reason_code, review.message = reason, (note or "").strip() or None
    _final(session, case, review, actor, CASE_REJECTED, reason=reason)
    return Outcome(foureyes.FINAL, CASE_REJECTED)


def request_visit(session: Session, case: EnrollmentCase, review: CaseReview, *, actor: foureyes.Actor,
                  note: str | None) -> Outcome:
    _check_open(case, review)
    if case.status != AWAITING_REVIEW:
        raise Conflict(code="case_not_open")
    foureyes.check_second_person(first_by=review.first_approval_by, actor=actor)
    _not_own(session, case, actor)
    _claim(session, review, actor, CASE_CONSULAR)
    _enrollment(lifecycle.send_to_consulate, session, case, by=f"officer:{actor.account_id}")
    review.message = (note or "").strip() or None
    _final(session, case, review, actor, CASE_CONSULAR)
    return Outcome(foureyes.FINAL, CASE_CONSULAR)


def move(session: Session, case: EnrollmentCase, review: CaseReview, *, actor: foureyes.Actor,
         to: Consulate) -> None:
    """A supervisor hands a case to another consulate (the citizen lives elsewhere)."""
    if actor.role != "supervisor":
        raise Forbidden(code="supervisor_required")
    _check_open(case, review)
    if not to.active or to.id == review.consulate_id:
        raise Conflict(code="not_routable")
    before = review.consulate_id
    review.consulate_id, review.routed_by, review.routed_at = to.id, "officer", utcnow()
    review.first_approval_by = review.first_approval_role = review.first_approval_at = None
    record(session, "consular.case.moved", actor=actor.account_id, subject=case.id, case=case.id,
           consulate=to.id, previous=before)


def _claim(session: Session, review: CaseReview, actor: foureyes.Actor, outcome: str) -> None:
    """Take the decision with one conditional UPDATE, before the case changes:
    of two officers deciding at once, one decides and the other gets a 409."""
    taken = session.execute(update(CaseReview).where(CaseReview.case_id == review.case_id,
                                                     CaseReview.outcome.is_(None))
                            .values(outcome=outcome, decided_by=actor.account_id, decided_at=utcnow())
                            .execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        raise Conflict(code="case_not_open")
    session.refresh(review)


def _enrollment(function, session: Session, case: EnrollmentCase, **kwargs):
    """One of enrollment's lifecycle transitions; its refusal is a conflict here."""
    try:
        return function(session, case, **kwargs)
    except EnrollmentError as exc:
        code = exc.code if exc.code in ("already_enrolled", "enrollment_in_progress") else "case_not_open"
        raise Conflict(code=code) from None


def _final(session: Session, case: EnrollmentCase, review: CaseReview, actor: foureyes.Actor, outcome: str,
           **data) -> None:
    record(session, "consular.case.decided", actor=actor.account_id, subject=case.id, case=case.id,
           consulate=review.consulate_id, outcome=outcome, role=actor.role,
           first_approval_by=review.first_approval_by, **data)
