"""The review queue of remote enrollment cases, per consulate.

Routing: a case goes to the consulate that serves the citizen's country of
residence. Remote enrollment does not ask for it; the only evidence it
records is the optional phone number, whose country code
(phonenumbers.region_code_for_number) is used when it is a foreign one.
Cases without it go to the consulate marked as the fallback (the ministry's
consular department, say), whose supervisors move them on. Routing happens
once per case (a `CaseReview` row) and is idempotent: `route_new_cases`
runs before each queue page and from `idp consular route`.

The queue lists cases oldest first by submission, with counts, and filters
by status, flagged checks and age against the service-level target
(`IDP_CONSULAR_REVIEW_TARGET_HOURS`): "due soon" from 75 % of the target,
"overdue" past it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import phonenumbers
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.db import utcnow

from enrollment.models import AWAITING_REVIEW, REJECTED, EnrollmentCase
from enrollment.services.lifecycle import is_automatic_rejection, is_overridable, overridable_clause

from consular.models import CaseReview
from consular.services import consulates

STATUSES = ("awaiting", "second", "auto_rejected", "decided")
AGES = ("on_track", "due_soon", "overdue")
DUE_SOON = 0.75
DECIDED_DAYS = 30  # decided and automatically rejected cases stay listed this long


def country_of_residence(case: EnrollmentCase) -> str | None:
    """The country the citizen lives in: as they told us, or else the region
    of a foreign phone number."""
    if case.residence_country:
        return case.residence_country
    if not case.phone:
        return None
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(case.phone, None))
    except phonenumbers.NumberParseException:
        return None
    return region if region and region not in ("UZ", "ZZ", "001") else None


def route(session: Session, case: EnrollmentCase) -> CaseReview:
    country = country_of_residence(case)
    consulate = consulates.serving(session, country)
    how = ("residence" if case.residence_country else "phone") if consulate is not None else "fallback"
    if consulate is None:
        consulate = consulates.fallback_consulate(session)
        how = "fallback" if consulate is not None else "none"
    review = CaseReview(case_id=case.id, consulate_id=consulate.id if consulate else None, country=country,
                        routed_by=how, routed_at=utcnow())
    try:
        with session.begin_nested():
            session.add(review)
    except IntegrityError:  # routed by another request a moment ago
        return session.get(CaseReview, case.id)
    record(session, "consular.case.routed", subject=case.id, consulate=review.consulate_id, country=country,
           how=how)
    return review


def route_new_cases(session: Session, *, now: dt.datetime | None = None) -> int:
    """Route every case waiting for review (or automatically rejected
    recently, which an officer may override) that has no consulate yet."""
    now = now or utcnow()
    unrouted = session.scalars(select(EnrollmentCase).outerjoin(CaseReview, CaseReview.case_id == EnrollmentCase.id)
                               .where(CaseReview.case_id.is_(None), or_(
                                   EnrollmentCase.status == AWAITING_REVIEW, overridable_clause(now)))
                               .order_by(EnrollmentCase.submitted_at)).all()
    for case in unrouted:
        route(session, case)
    return len(unrouted)


def routable(case: EnrollmentCase, *, now: dt.datetime | None = None) -> bool:
    """The same condition as `route_new_cases`, for one case."""
    now = now or utcnow()
    if case.status == AWAITING_REVIEW:
        return True
    return is_overridable(case, now=now)


def status_of(case: EnrollmentCase, review: CaseReview) -> str | None:
    if review.outcome:
        return "decided"
    if case.status == AWAITING_REVIEW:
        return "second" if review.first_approval_by else "awaiting"
    if is_automatic_rejection(case):
        return "auto_rejected"
    return None  # withdrawn, expired, decided outside the portal: not the queue's business


def submitted(case: EnrollmentCase) -> dt.datetime:
    return case.submitted_at or case.updated_at or case.created_at


def age_bucket(age: dt.timedelta, target_hours: int) -> str:
    hours = age.total_seconds() / 3600
    if hours >= target_hours:
        return "overdue"
    return "due_soon" if hours >= DUE_SOON * target_hours else "on_track"


@dataclass(frozen=True)
class QueueItem:
    case: EnrollmentCase
    review: CaseReview
    status: str
    age: dt.timedelta
    age_bucket: str
    flags: tuple[str, ...]


@dataclass
class Queue:
    items: list[QueueItem]
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0  # items matching the filters, before the page limit


def load(session: Session, consulate_id: str, *, status: str = "awaiting", flag: str | None = None,
         age: str | None = None, target_hours: int, now: dt.datetime | None = None, limit: int = 200) -> Queue:
    """The consulate's cases with a status, oldest first; `flag` is "any",
    "none" or one flag; `age` one of AGES (cases still open)."""
    now = now or utcnow()
    recent = now - dt.timedelta(days=DECIDED_DAYS)
    rows = session.execute(select(EnrollmentCase, CaseReview).join(CaseReview, CaseReview.case_id == EnrollmentCase.id)
                           .where(CaseReview.consulate_id == consulate_id, or_(
                               EnrollmentCase.status == AWAITING_REVIEW,
                               and_(EnrollmentCase.status == REJECTED, EnrollmentCase.decided_at >= recent),
                               CaseReview.decided_at >= recent))).all()
    everything = []
    for case, review in rows:
        key = status_of(case, review)
        if key is None:
            continue
        flags = tuple(case.flags or ()) + (("automatic_rejection",) if key == "auto_rejected" else ())
        waited = now - submitted(case)
        everything.append(QueueItem(case, review, key, waited, age_bucket(waited, target_hours), flags))
    open_items = [i for i in everything if i.status in ("awaiting", "second")]
    counts = {key: sum(1 for i in everything if i.status == key) for key in STATUSES}
    counts["flagged"] = sum(1 for i in open_items if i.case.flags)
    counts.update({key: sum(1 for i in open_items if i.age_bucket == key) for key in AGES})
    chosen = [i for i in everything if i.status == status]
    if flag == "any":
        chosen = [i for i in chosen if i.case.flags]
    elif flag == "none":
        chosen = [i for i in chosen if not i.case.flags]
    elif flag:
        chosen = [i for i in chosen if flag in i.flags]
    if age in AGES:
        chosen = [i for i in chosen if i.age_bucket == age]
    chosen.sort(key=lambda i: (submitted(i.case), i.case.id))
    return Queue(chosen[:limit], counts, len(chosen))
