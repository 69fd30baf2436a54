"""In-person enrollment at the desk: the visit, the document, and the decision.

The steps, each recorded in the visit and in the audit log:

1. the officer finds the appointment and opens a visit (the citizen arrived);
2. the officer checks the passport in hand and records its number, birth
   date and expiry (typed from the data page, or confirmed by a chip read,
   consular/services/desk_chip.py); the register names the person (PINFL);
3. a photo is taken and, where the chip gave a portrait, matched to it
   (consular/services/desk_photo.py);
4. the officer approves (a flagged visit needs a supervisor as well:
   consular/foureyes.py) and an activation code is printed for the citizen,
   or refuses with a reason.

A person who already has an account comes for one of two things, and the
officer records which (`choose_purpose`) before approving:

- `recovery`: they lost access. The printed code's passkey replaces every
  login method and every login session ends (consular/services/activation.py);
- `raise`: they still log in and only want a higher identity level. No code
  is printed: the approval raises the account's identity level to what an
  in-person check gives (never lowers it), records the proofing method, and
  keeps its login methods and sessions; the owner is alerted.

Recording the document again clears the chip read and the photo match, so
one passport cannot be checked and another one approved.
"""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.auth.levels import rank
from idp.db import utcnow
from idp.people.models import Account, Person
from idp.registry import CitizenRegistry

from enrollment.services.lifecycle import raised_level

from consular import foureyes
from consular.errors import Conflict, NotFound
from consular.models import (
    APPROVED,
    ARRIVED,
    AWAITING_SUPERVISOR,
    BOOKED,
    COMPLETED,
    OPEN,
    REFUSED,
    Appointment,
    Consulate,
    Visit,
    VisitImage,
)

DOCUMENT_RE = re.compile(r"^[A-Z]{2}[0-9]{7}$")  # Uzbek passports: two letters, seven digits
REFUSAL_REASONS = ("document_invalid", "document_damaged", "person_mismatch", "register_no_match",
                   "document_expired", "other")
OPEN_STATES = (OPEN, AWAITING_SUPERVISOR)
ENROLL, RECOVERY, RAISE = "enroll", "recovery", "raise"
ACCOUNT_PURPOSES = (RECOVERY, RAISE)  # the officer's choice for a person who has an account
IN_PERSON_LEVEL = "high"  # ARCHITECTURE.md: in person at a consulate = high
IN_PERSON_METHOD = "in_person"
RAISED, KEPT = "raised", "kept"  # a raise visit's final approval: the level rose, or was already as high


def subject_of(visit: Visit) -> str:
    """The audit subject for events about the visit's person: the account
    once there is one (so the citizen sees them in the cabinet), else the visit."""
    return visit.account_id or visit.id


def person_account(session: Session, pinfl: str | None) -> Account | None:
    if not pinfl:
        return None
    return session.scalars(select(Account).join(Person).where(Person.pinfl == pinfl)).first()


def visible_visit(session: Session, consulate: Consulate, visit_id: str) -> Visit:
    visit = session.get(Visit, visit_id) if isinstance(visit_id, str) and len(visit_id) <= 36 else None
    if visit is None or visit.consulate_id != consulate.id:
        raise NotFound()
    return visit


def open_visit(session: Session, appointment: Appointment, *, officer_id: str) -> Visit:
    """The citizen arrived: a visit for the appointment (the existing one if
    it was opened already)."""
    existing = session.scalars(select(Visit).where(Visit.appointment_id == appointment.id)).first()
    if existing is not None:
        return existing
    if appointment.status != BOOKED:
        raise Conflict(code="appointment_not_booked")
    now = utcnow()
    appointment.status, appointment.arrived_at = ARRIVED, now
    visit = Visit(consulate_id=appointment.consulate_id, appointment_id=appointment.id, email=appointment.email,
                  locale=appointment.locale, opened_by=officer_id, opened_at=now, updated_at=now, status=OPEN)
    session.add(visit)
    session.flush()
    record(session, "consular.visit.opened", actor=officer_id, subject=visit.id, appointment=appointment.id,
           consulate=visit.consulate_id)
    return visit


def open_walk_in(session: Session, consulate: Consulate, *, officer_id: str, locale: str = "uz") -> Visit:
    """A citizen without an appointment. No e-mail address is taken at the
    desk (nobody verified one); the citizen can add it in the cabinet later."""
    now = utcnow()
    visit = Visit(consulate_id=consulate.id, locale=locale, opened_by=officer_id, opened_at=now, updated_at=now,
                  status=OPEN)
    session.add(visit)
    session.flush()
    record(session, "consular.visit.opened", actor=officer_id, subject=visit.id, consulate=consulate.id,
           walk_in=True)
    return visit


def _require_open(visit: Visit) -> None:
    if visit.status not in OPEN_STATES:
        raise Conflict(code="visit_closed")


def _clear_evidence(session: Session, visit: Visit) -> None:
    visit.chip_accepted, visit.chip_reasons, visit.chip_report, visit.chip_at = None, [], {}, None
    visit.photo_at, visit.face_match = None, {}
    visit.first_approval_by = visit.first_approval_at = None
    visit.status = OPEN
    session.execute(delete(VisitImage).where(VisitImage.visit_id == visit.id))


def record_document(session: Session, visit: Visit, registry: CitizenRegistry, *, officer_id: str,
                    document_number: str, birth_date: dt.date, expiry_date: dt.date, passport_checked: bool,
                    today: dt.date | None = None) -> list[str]:
    """Record the passport the officer holds; the problems found (empty when
    the person was found in the register and may be enrolled). Raises
    RegistryUnavailable when the register does not answer."""
    _require_open(visit)
    today = today or utcnow().date()
    number = (document_number or "").strip().upper().replace(" ", "")
    problems: list[str] = []
    if not DOCUMENT_RE.match(number):
        problems.append("document_number_invalid")
    if not passport_checked:
        problems.append("passport_not_checked")
    if expiry_date < today:
        problems.append("document_expired")
    if birth_date >= today:
        problems.append("birth_date_invalid")
    if problems:
        return problems
    _clear_evidence(session, visit)
    visit.document_number, visit.birth_date, visit.expiry_date = number, birth_date, expiry_date
    visit.passport_checked, visit.document_at, visit.updated_at = True, utcnow(), utcnow()
    rec = registry.find_by_document(number, birth_date)
    if rec is None or rec.citizenship != "UZB":
        visit.pinfl, visit.purpose = None, None
        visit.register_match = {"found": rec is not None, "citizenship": bool(rec and rec.citizenship == "UZB")}
        problems.append("register_no_match")
    else:
        visit.pinfl = rec.pinfl
        account = person_account(session, rec.pinfl)
        visit.purpose = RECOVERY if account is not None else ENROLL
        visit.account_id = account.id if account is not None else None
        visit.register_match = {"found": True, "document_number": True, "birth_date": True, "citizenship": True}
    visit.flags = compute_flags(visit)
    record(session, "consular.visit.document", actor=officer_id, subject=subject_of(visit), visit=visit.id,
           found=visit.pinfl is not None, purpose=visit.purpose)
    return problems


def compute_flags(visit: Visit) -> list[str]:
    """The checks a supervisor must look at before the visit is approved."""
    flags = []
    if visit.chip_accepted is False:
        flags.append("chip_refused")
    match = visit.register_match or {}
    if match.get("family_name") is False or match.get("given_name") is False:
        flags.append("register_name_mismatch")
    decision = (visit.face_match or {}).get("decision")
    if decision == "review":
        flags.append("face_match_uncertain")
    elif decision == "no_match":
        flags.append("face_no_match")
    elif (visit.face_match or {}).get("reason") == "reference_unusable":
        flags.append("reference_unusable")
    return flags


def missing_for_approval(visit: Visit) -> list[str]:
    """What must be done before the visit can be approved."""
    missing = []
    if not visit.document_at or not visit.passport_checked:
        missing.append("document_missing")
    if not visit.pinfl:
        missing.append("register_no_match")
    if not visit.photo_at:
        missing.append("photo_missing")
    return missing


def raise_possible(account: Account | None) -> bool:
    """Whether an in-person check would give the account more than it has."""
    return account is not None and account.active and rank(account.identity_level) < rank(IN_PERSON_LEVEL)


def choose_purpose(session: Session, visit: Visit, purpose: str, *, officer_id: str) -> None:
    """For a person who has an account: `recovery` (they lost access) or
    `raise` (they still log in and want a higher identity level). Only before
    any approval, so that a first approval is always of the purpose the
    supervisor confirms. Raises Conflict."""
    _require_open(visit)
    if visit.status != OPEN or visit.first_approval_by is not None:
        raise Conflict(code="visit_awaiting_supervisor")
    if purpose not in ACCOUNT_PURPOSES:
        raise Conflict(code="purpose_unknown")
    account = person_account(session, visit.pinfl)
    if account is None or visit.purpose not in ACCOUNT_PURPOSES or account.id != visit.account_id:
        raise Conflict(code="purpose_no_account")
    if purpose == RAISE and not raise_possible(account):
        raise Conflict(code="raise_not_needed")
    if purpose == visit.purpose:
        return
    before = visit.purpose
    _transition(session, visit, (OPEN,), extra=(Visit.first_approval_by.is_(None), Visit.purpose == before),
                code="visit_awaiting_supervisor", purpose=purpose, updated_at=utcnow())
    record(session, "consular.visit.purpose", actor=officer_id, subject=subject_of(visit), visit=visit.id,
           consulate=visit.consulate_id, purpose=purpose, previous=before)


def approve(session: Session, visit: Visit, *, actor: foureyes.Actor, purpose: str | None = None) -> str:
    """An officer's approval: `foureyes.FIRST` (a supervisor must confirm),
    `foureyes.FINAL` (the visit is approved; the caller issues the activation
    code) or, for a raise, RAISED or KEPT (the account's identity level rose,
    or already was as high; no code). `purpose` is the one the officer's page
    showed: approving anything else is refused. Raises Conflict, FourEyes."""
    _require_open(visit)
    if purpose is not None and purpose != visit.purpose:
        raise Conflict(code="purpose_changed")
    missing = missing_for_approval(visit)
    if missing:
        raise Conflict(code=missing[0])
    own = person_account(session, visit.pinfl)
    if own is not None and own.id == actor.account_id:
        raise Conflict(code="own_case")  # nobody approves their own enrollment
    step = foureyes.approval_step(needs_second=bool(visit.flags), first_by=visit.first_approval_by, actor=actor)
    now = utcnow()
    approved_purpose = visit.purpose
    if step == foureyes.FIRST:
        _transition(session, visit, (OPEN,), extra=(Visit.purpose == approved_purpose,), code="purpose_changed",
                    status=AWAITING_SUPERVISOR, first_approval_by=actor.account_id, first_approval_at=now,
                    updated_at=now)
        record(session, "consular.visit.first_approval", actor=actor.account_id, subject=subject_of(visit),
               visit=visit.id, role=actor.role, flags=list(visit.flags), purpose=visit.purpose)
        return step
    _transition(session, visit, OPEN_STATES, extra=(Visit.purpose == approved_purpose,), code="purpose_changed",
                status=APPROVED, decided_by=actor.account_id, decided_at=now, updated_at=now)
    if visit.appointment is not None:
        visit.appointment.status = COMPLETED
    record(session, "consular.visit.approved", actor=actor.account_id, subject=subject_of(visit), visit=visit.id,
           role=actor.role, first_approval_by=visit.first_approval_by, flags=list(visit.flags),
           chip=visit.chip_accepted, face=(visit.face_match or {}).get("decision"), purpose=visit.purpose)
    if visit.purpose == RAISE:
        return _raise_level(session, visit, actor=actor)
    return step


def _raise_level(session: Session, visit: Visit, *, actor: foureyes.Actor) -> str:
    """The approved raise: the account's identity level becomes the higher of
    its own and the in-person level, with the in-person proofing method when
    that raised it; its login methods, sessions and contact data stay."""
    # the account's row locked, so a raise finishing elsewhere at the same time reads this level, not an older one
    locked = session.scalars(select(Account.id).where(Account.id == visit.account_id).with_for_update()).first() \
        if visit.account_id else None
    account = session.get(Account, locked, populate_existing=True) if locked else None
    if account is None or not account.active or account.person.pinfl != visit.pinfl:
        raise Conflict(code="purpose_no_account")  # rolled back by the caller: the visit stays open
    before = account.identity_level
    after = raised_level(before, IN_PERSON_LEVEL)
    if after != before:
        account.identity_level, account.proofing_method = after, IN_PERSON_METHOD
    record(session, "account.identity_level_raised" if after != before else "account.identity_level_kept",
           actor=actor.account_id, subject=account.id, visit=visit.id, before=before, after=after,
           method=IN_PERSON_METHOD)
    return RAISED if after != before else KEPT


def refuse(session: Session, visit: Visit, *, actor: foureyes.Actor, reason: str) -> None:
    """Refuse the enrollment at the desk (final); the citizen is told why there."""
    _require_open(visit)
    if reason not in REFUSAL_REASONS:
        raise Conflict(code="reason_unknown")
    foureyes.check_second_person(first_by=visit.first_approval_by, actor=actor)
    now = utcnow()
    _transition(session, visit, OPEN_STATES, status=REFUSED, decided_by=actor.account_id, decided_at=now,
                refusal_reason=reason, updated_at=now)
    if visit.appointment is not None:
        visit.appointment.status = COMPLETED
    record(session, "consular.visit.refused", actor=actor.account_id, subject=subject_of(visit), visit=visit.id,
           role=actor.role, reason=reason)


def _transition(session: Session, visit: Visit, from_states: tuple[str, ...], *, extra: tuple = (),
                code: str = "visit_closed", **values) -> None:
    """Change the visit with one conditional UPDATE: of two officers acting at
    once, one succeeds and the other gets a 409 (`code` when the visit is
    still open but `extra` no longer holds)."""
    done = session.execute(update(Visit).where(Visit.id == visit.id, Visit.status.in_(from_states), *extra)
                           .values(**values).execution_options(synchronize_session=False)).rowcount
    if done != 1:
        session.refresh(visit)
        raise Conflict(code=code if visit.status in from_states else "visit_closed")
    session.refresh(visit)


def record_view(session: Session, visit: Visit, *, officer_id: str, page: str) -> None:
    """An officer opened a page about the visit's person."""
    record(session, "consular.visit.viewed", actor=officer_id, subject=subject_of(visit), visit=visit.id,
           consulate=visit.consulate_id, page=page)
