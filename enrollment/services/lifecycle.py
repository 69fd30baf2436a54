"""Every change of an enrollment case's status: the case's state machine.

Enrollment owns it, so every other package (the consular portal, the
operator's command line) changes a case only through these transitions and
never sets `status`, `route` or the decision columns itself:

    in_progress ──decide──▶ awaiting_review ──approve──▶ approved ─▶ activated
         │                        │ └─────reject──────▶ rejected
         │                        └─send_to_consulate─▶ consular
         ├─choose_route (passport ⇄ register_photo, steps after the document cleared)
         ├─switch_to_consular─▶ consular
         ├─withdraw / expire──▶ withdrawn / expired
         └─decide (policy)─────▶ approved / rejected
    rejected (by the policy, person known, recent) ──override──▶ approved
    approved (raise_level) ──complete_raise──▶ activated (the account's level raised, nothing else)

`is_overridable` is the one statement of which automatic rejections an
officer may override; `overridable_clause` is the same rule as a query.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import and_, delete, select
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.auth.levels import rank
from idp.db import utcnow
from idp.people.models import Account, Person

from enrollment import policy, steps
from enrollment.errors import StepNotAllowed
from enrollment.models import (
    ACTIVATED,
    APPROVED,
    AWAITING_REVIEW,
    CONSULAR,
    EXPIRED,
    IN_PROGRESS,
    PASSPORT,
    RAISE,
    REGISTER_PHOTO,
    REJECTED,
    WITHDRAWN,
    BiometricRecord,
    EnrollmentCase,
    EnrollmentClaim,
)

STATUS_OF = {policy.APPROVE: APPROVED, policy.REVIEW: AWAITING_REVIEW, policy.REJECT: REJECTED}
OVERRIDE_DAYS = 30  # an automatic rejection can be overridden this long after it
BY_POLICY = "policy"


class OverrideRefused(StepNotAllowed):
    """An automatic rejection that cannot be overridden now (the code says why)."""

    code = "case_not_open"


# -- the person held by an open case ------------------------------------------------
def release_claim(session: Session, case: EnrollmentCase) -> None:
    session.execute(delete(EnrollmentClaim).where(EnrollmentClaim.case_id == case.id))


def delete_biometrics(session: Session, case: EnrollmentCase) -> int:
    deleted = session.execute(delete(BiometricRecord).where(BiometricRecord.case_id == case.id)).rowcount
    case.biometrics_purged_at = utcnow()
    return deleted


def _take_claim(session: Session, case: EnrollmentCase) -> None:
    """Hold the case's person again (released when the case was rejected)."""
    claim = session.get(EnrollmentClaim, case.pinfl)
    if claim is not None and claim.case_id != case.id:
        other = session.get(EnrollmentCase, claim.case_id)
        if other is not None and other.open:
            raise OverrideRefused(code="enrollment_in_progress")
        session.delete(claim)
        session.flush()
    if claim is None or claim.case_id != case.id:
        session.add(EnrollmentClaim(pinfl=case.pinfl, case_id=case.id))
        session.flush()


# -- the citizen's transitions ------------------------------------------------------
def withdraw(session: Session, case: EnrollmentCase) -> None:
    """The citizen stops: the case closes and its biometric data goes at once."""
    if not case.open:
        raise ValueError("case is closed")
    case.status = WITHDRAWN
    case.updated_at = utcnow()
    release_claim(session, case)
    deleted = delete_biometrics(session, case)
    record(session, "enrollment.case.withdrawn", subject=case.id, biometric_records_deleted=deleted)


REMOTE_ROUTES = (PASSPORT, REGISTER_PHOTO)


def choose_route(session: Session, case: EnrollmentCase, route: str) -> None:
    """The citizen takes the other remote route (no chip reader after all, or
    a reader found): the steps after the document are cleared on both
    routes, so no evidence of one route counts on the other."""
    if case.status != IN_PROGRESS or route not in REMOTE_ROUTES:
        raise StepNotAllowed("route")
    if route == case.route:
        return
    for name in set(steps.fields_to_clear("document", case.route)) | set(steps.fields_to_clear("document", route)):
        setattr(case, name, None)
    before, case.route, case.updated_at = case.route, route, utcnow()
    release_claim(session, case)
    record(session, "enrollment.case.route_changed", subject=case.id, route=route, previous=before)


def switch_to_consular(session: Session, case: EnrollmentCase, reason: str) -> None:
    """The citizen continues at a consulate; the evidence so far stays for the
    officer until the retention period ends."""
    if case.status != IN_PROGRESS:
        raise ValueError("case is not in progress")
    case.status = CONSULAR
    case.route = "consular"
    case.updated_at = utcnow()
    release_claim(session, case)
    record(session, "enrollment.case.consular", subject=case.id, reason=reason)


def expire(session: Session, case: EnrollmentCase) -> None:
    case.status = EXPIRED
    case.updated_at = utcnow()
    release_claim(session, case)
    record(session, "enrollment.case.expired", subject=case.id)


# -- decisions ----------------------------------------------------------------------
def decide(session: Session, case: EnrollmentCase, decision: policy.Decision, *, by: str) -> str | None:
    """Record a decision (the policy's or a reviewer's); the activation token
    when it is an approval."""
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


def _in_review(case: EnrollmentCase) -> None:
    if case.status != AWAITING_REVIEW:
        raise StepNotAllowed(f"case is {case.status}, not awaiting review")


def approve(session: Session, case: EnrollmentCase, *, by: str) -> str:
    """A reviewer's approval of a case in review; the activation token."""
    _in_review(case)
    return decide(session, case, policy.Decision(policy.APPROVE, ("approved_by_reviewer",)), by=by)


def reject(session: Session, case: EnrollmentCase, *, by: str, reasons: tuple[str, ...]) -> None:
    _in_review(case)
    decide(session, case, policy.Decision(policy.REJECT, reasons or ("rejected_by_reviewer",)), by=by)


def send_to_consulate(session: Session, case: EnrollmentCase, *, by: str) -> None:
    """A reviewer asks the citizen of a case in review to come to a consulate."""
    _in_review(case)
    now = utcnow()
    case.status, case.route = CONSULAR, "consular"
    case.decided_at, case.decided_by, case.updated_at = now, by, now
    release_claim(session, case)
    record(session, "enrollment.case.consular", subject=case.id, reason="officer_request", by=by)


# -- overriding an automatic rejection ----------------------------------------------
def is_automatic_rejection(case: EnrollmentCase) -> bool:
    return case.status == REJECTED and case.decided_by == BY_POLICY


def is_overridable(case: EnrollmentCase, *, now: dt.datetime | None = None) -> bool:
    """An automatic rejection an officer may override: the policy rejected
    it, the person is known (the identity check before the selfie passed and
    named a PINFL), and it happened at most OVERRIDE_DAYS ago."""
    now = now or utcnow()
    return (is_automatic_rejection(case) and case.pinfl is not None and case.decided_at is not None
            and case.decided_at >= now - dt.timedelta(days=OVERRIDE_DAYS))


def overridable_clause(now: dt.datetime | None = None):
    """`is_overridable` as a query condition on EnrollmentCase."""
    now = now or utcnow()
    return and_(EnrollmentCase.status == REJECTED, EnrollmentCase.decided_by == BY_POLICY,
                EnrollmentCase.pinfl.is_not(None), EnrollmentCase.decided_at >= now - dt.timedelta(days=OVERRIDE_DAYS))


def override(session: Session, case: EnrollmentCase, *, by: str) -> str:
    """Approve a case the policy rejected (an officer's override); the
    activation token. The person is held by this case again."""
    if not is_overridable(case):
        raise OverrideRefused()
    if session.scalars(select(Account.id).join(Person).where(Person.pinfl == case.pinfl)).first() is not None:
        raise OverrideRefused(code="already_enrolled")
    _take_claim(session, case)
    return decide(session, case, policy.Decision(policy.APPROVE, ("rejection_overridden",)), by=by)


# -- raising the identity level of the account that started the case -------------------
class RaiseRefused(StepNotAllowed):
    """A raise of the identity level that cannot start, or complete for this account (the code says why)."""

    code = "raise_not_allowed"


def raised_level(current: str, offered: str) -> str:
    """The level after a raise: the higher of the two; a raise never lowers."""
    return offered if rank(offered) > rank(current) else current


def complete_raise(session: Session, case: EnrollmentCase, account: Account, *, level: str,
                   method: str) -> bool:
    """Close an approved raise_level case for the account that started it:
    its identity level becomes the higher of its own and `level`, with
    `method` as its proofing method when that raised it. Its login methods,
    sessions and contact data stay as they are. True when the level rose.
    The case's row is locked first: of two finishes at once (two tabs, two
    devices) the second sees the first's outcome and is refused. The
    account's row is locked and read again, so a raise that finished
    meanwhile (at a consulate's desk) is raised from, never overwritten."""
    stored = session.scalar(select(EnrollmentCase.status).where(EnrollmentCase.id == case.id).with_for_update())
    if case.purpose != RAISE or case.status != APPROVED or stored != APPROVED:
        raise RaiseRefused(code="case_not_approved")
    if case.account_id is None or case.account_id != account.id:
        raise RaiseRefused(code="raise_other_account")
    session.scalars(select(Account).where(Account.id == account.id).with_for_update(of=Account)
                    .execution_options(populate_existing=True)).first()
    if account.status != "active" or account.person.pinfl != case.pinfl:
        raise RaiseRefused(code="raise_pinfl_mismatch")
    before = account.identity_level
    after = raised_level(before, level)
    raised = after != before
    if raised:
        account.identity_level, account.proofing_method = after, method
    now = utcnow()
    case.status, case.activated_at, case.activation_token_hash, case.updated_at = ACTIVATED, now, None, now
    release_claim(session, case)
    record(session, "account.identity_level_raised" if raised else "account.identity_level_kept", actor=account.id,
           subject=account.id, case=case.id, before=before, after=after, method=method)
    record(session, "enrollment.activated", actor=account.id, subject=case.id, account=account.id, method="raise",
           purpose=case.purpose)
    return raised


def _activation_token(case: EnrollmentCase) -> str:
    token = secrets.token_urlsafe(32)
    case.activation_token_hash = hashlib.sha256(token.encode()).hexdigest()
    return token
