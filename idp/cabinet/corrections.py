"""Requests that the population register correct a citizen's data: the
citizen asks in the cabinet, an operator (who has the register corrected,
an external system) answers with ``idp cabinet corrections``. Flask-free.

This module owns every change of a request's status; views and the command
line call its transitions and nobody sets the column:

    submitted ──> in_review ──> done | refused
        │             │
        └──> done | refused | withdrawn (by the citizen, while open)

A citizen has at most one open request per field and `MAX_OPEN` in all, and
makes at most `DAILY` a day, so nobody floods the operators' queue. Audit
records name the request, the field and the status, never a value.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import partial
from typing import Callable

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.cabinet.models import CorrectionRequest
from idp.db import after_commit, utcnow
from idp.people.models import Account, Person
from idp.people.services import refresh_from_register
from idp.registry import CitizenRegistry, RegistryUnavailable

# The register's fields the citizen sees (RegisterRecord's names), in the order shown.
NAME_FIELDS = ("family_name", "given_name", "patronymic", "family_name_cyr", "given_name_cyr", "patronymic_cyr")
DATE_FIELDS = ("birth_date", "document_expiry")
FIELDS = (*NAME_FIELDS, "birth_date", "sex", "citizenship", "document_number", "document_expiry")

SUBMITTED, IN_REVIEW, DONE, REFUSED, WITHDRAWN = "submitted", "in_review", "done", "refused", "withdrawn"
STATUSES = (SUBMITTED, IN_REVIEW, DONE, REFUSED, WITHDRAWN)
OPEN = (SUBMITTED, IN_REVIEW)
TRANSITIONS = {
    SUBMITTED: {IN_REVIEW, DONE, REFUSED, WITHDRAWN},
    IN_REVIEW: {DONE, REFUSED, WITHDRAWN},
}

MAX_VALUE = 100  # the register's name columns
MAX_EXPLANATION = 1000
MAX_ANSWER = 2000
MAX_OPERATOR = 100
MAX_OPEN = 5
DAILY = 10  # requests made in any 24 hours, withdrawn ones included

_CODE = re.compile(r"[A-Z]{3}")
_DOCUMENT = re.compile(r"[A-Z0-9]{5,20}")
_SPACES = re.compile(r"\s+")

# notify(address, locale, request_id, field, status), run after the commit
Notify = Callable[[str, str, str, str, str], None]


class CorrectionError(ValueError):
    """A refused request or transition; `code` names a sentence for the citizen."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Decision:
    request: CorrectionRequest
    refreshed: bool | None  # the person re-read from the register (None: not asked)


def current_values(person: Person) -> dict[str, str | None]:
    """What the service holds of each field (the register's data as of the last read), as text."""
    passport = next((d for d in person.documents if d.kind == "passport"), None)
    values = {name: getattr(person, name) for name in NAME_FIELDS}
    values.update(birth_date=person.birth_date.isoformat() if person.birth_date else None, sex=person.sex,
                  citizenship=person.citizenship, document_number=passport.number if passport else None,
                  document_expiry=passport.expiry_date.isoformat() if passport and passport.expiry_date else None)
    return values


def plain_text(text: str, *, lines: bool = False) -> bool:
    """No control or format characters: terminal escapes and bidirectional
    overrides would reach the operator's terminal and hide or reorder what
    is shown there. `lines`: line breaks and tabs (an explanation), and the
    joiners some scripts and emoji need."""
    return not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs")
                   and not (lines and ch in "\n\t\u200c\u200d") for ch in text)


def normalise(field: str, value: str) -> str:
    """The value as the register would hold it; CorrectionError when it cannot be one."""
    value = _SPACES.sub(" ", (value or "").strip())
    if not value:
        raise CorrectionError("value_empty")
    if not plain_text(value):
        raise CorrectionError("value_characters")
    if len(value) > MAX_VALUE:
        raise CorrectionError("value_too_long")
    if field in DATE_FIELDS:
        for parse in (dt.date.fromisoformat, lambda v: dt.datetime.strptime(v, "%d.%m.%Y").date()):
            try:
                return parse(value).isoformat()
            except ValueError:
                continue
        raise CorrectionError("date_invalid")
    if field == "sex":
        if value.upper() not in ("M", "F"):
            raise CorrectionError("sex_invalid")
        return value.upper()
    if field == "citizenship":
        if not _CODE.fullmatch(value.upper()):
            raise CorrectionError("citizenship_invalid")
        return value.upper()
    if field == "document_number":
        compact = value.replace(" ", "").upper()
        if not _DOCUMENT.fullmatch(compact):
            raise CorrectionError("document_invalid")
        return compact
    return value


def _audit(session: Session, row: CorrectionRequest, actor: str) -> None:
    record(session, "correction." + row.status, actor=actor, subject=row.account_id, request=row.id,
           field=row.field, status=row.status)


def submit(session: Session, account: Account, field: str, value: str, explanation: str, *,
           now: dt.datetime | None = None) -> CorrectionRequest:
    """The account's new request for `field`; CorrectionError when refused."""
    if field not in FIELDS:
        raise CorrectionError("field_unknown")
    requested = normalise(field, value)
    explanation = (explanation or "").replace("\r\n", "\n").strip()
    if not explanation:
        raise CorrectionError("explanation_empty")
    if not plain_text(explanation, lines=True):
        raise CorrectionError("explanation_characters")
    if len(explanation) > MAX_EXPLANATION:
        raise CorrectionError("explanation_too_long")
    current = current_values(account.person)[field]
    if requested == current:
        raise CorrectionError("same_as_current")
    now = now or utcnow()
    # One request at a time per account: the checks below see every committed request.
    session.execute(select(Account.id).where(Account.id == account.id).with_for_update())
    own = select(func.count()).select_from(CorrectionRequest).where(CorrectionRequest.account_id == account.id)
    if session.scalar(own.where(CorrectionRequest.open_field == field)):
        raise CorrectionError("already_open")
    if session.scalar(own.where(CorrectionRequest.status.in_(OPEN))) >= MAX_OPEN:
        raise CorrectionError("too_many_open")
    if session.scalar(own.where(CorrectionRequest.created_at > now - dt.timedelta(days=1))) >= DAILY:
        raise CorrectionError("too_many_today")
    row = CorrectionRequest(account_id=account.id, field=field, open_field=field, current_value=current,
                            requested_value=requested, explanation=explanation, status=SUBMITTED,
                            created_at=now, updated_at=now)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another request for this field got in first
        raise CorrectionError("already_open") from None
    _audit(session, row, account.id)
    return row


def _move(session: Session, row: CorrectionRequest, status: str, actor: str) -> None:
    if status not in TRANSITIONS.get(row.status, ()):
        raise CorrectionError("not_open")
    row.status = status
    row.open_field = row.field if status in OPEN else None
    row.updated_at = utcnow()
    session.flush()
    _audit(session, row, actor)


def mine(session: Session, account_id: str, request_id: str) -> CorrectionRequest:
    """The account's own request; not_found for anyone else's, as for none at all."""
    row = session.get(CorrectionRequest, request_id) if request_id else None
    if row is None or row.account_id != account_id:
        raise CorrectionError("not_found")
    return row


def for_account(session: Session, account_id: str) -> list[CorrectionRequest]:
    return list(session.scalars(select(CorrectionRequest).where(CorrectionRequest.account_id == account_id)
                                .order_by(CorrectionRequest.created_at.desc())))


def withdraw(session: Session, account_id: str, request_id: str) -> CorrectionRequest:
    """The citizen takes back their open request."""
    row = mine(session, account_id, request_id)
    _move(session, row, WITHDRAWN, account_id)
    return row


def queue(session: Session, status: str | None = None, limit: int = 200) -> list[CorrectionRequest]:
    """Requests for operators, oldest first: the open ones, or those in `status`."""
    query = select(CorrectionRequest).order_by(CorrectionRequest.created_at).limit(limit)
    if status is None:
        query = query.where(CorrectionRequest.status.in_(OPEN))
    elif status not in STATUSES:
        raise CorrectionError("status_unknown")
    else:
        query = query.where(CorrectionRequest.status == status)
    return list(session.scalars(query))


def get(session: Session, request_id: str) -> CorrectionRequest:
    row = session.get(CorrectionRequest, request_id)
    if row is None:
        raise CorrectionError("not_found")
    return row


def _operator(by: str) -> str:
    by = (by or "").strip()
    if not by or len(by) > MAX_OPERATOR:
        raise CorrectionError("operator_invalid")
    return by


def _tell(session: Session, row: CorrectionRequest, notify: Notify | None) -> None:
    account = session.get(Account, row.account_id)
    if notify is None or account is None or not (account.email and account.email_verified):
        return
    after_commit(session, partial(notify, account.email, account.locale, row.id, row.field, row.status))


def review(session: Session, request_id: str, by: str, *, notify: Notify | None = None) -> CorrectionRequest:
    """An operator takes the request in hand."""
    by = _operator(by)
    row = get(session, request_id)
    _move(session, row, IN_REVIEW, "operator")
    row.decided_by = by
    _tell(session, row, notify)
    return row


def decide(session: Session, request_id: str, outcome: str, answer: str, by: str, *,
           registry: CitizenRegistry | None = None, notify: Notify | None = None) -> Decision:
    """done (the register was corrected) or refused, with the answer the
    citizen reads. On done the person is re-read from `registry` when given."""
    if outcome not in (DONE, REFUSED):
        raise CorrectionError("status_unknown")
    by = _operator(by)
    answer = (answer or "").strip()
    if not answer or len(answer) > MAX_ANSWER:
        raise CorrectionError("answer_invalid")
    row = get(session, request_id)
    if outcome not in TRANSITIONS.get(row.status, ()):
        raise CorrectionError("not_open")
    refreshed = None
    if outcome == DONE and registry is not None:
        refreshed = _refresh(session, row.account_id, registry)
    _move(session, row, outcome, "operator")
    row.answer, row.decided_by = answer, by
    _tell(session, row, notify)
    return Decision(row, refreshed)


def _refresh(session: Session, account_id: str, registry: CitizenRegistry) -> bool:
    account = session.get(Account, account_id)
    try:
        rec = registry.find_by_pinfl(account.person.pinfl)
    except RegistryUnavailable:
        return False
    if rec is None:
        return False
    refresh_from_register(account.person, rec)
    record(session, "person.refreshed_from_register", actor="operator", subject=account_id)
    return True


def export_rows(session: Session, account_id: str) -> list[dict]:
    """The account's requests for its data export (the operator's name left out)."""
    def iso(value):
        return value.isoformat() if value is not None else None

    return [{"field": r.field, "current_value": r.current_value, "requested_value": r.requested_value,
             "explanation": r.explanation, "status": r.status, "answer": r.answer,
             "created_at": iso(r.created_at), "updated_at": iso(r.updated_at)}
            for r in reversed(for_account(session, account_id))]


def erase_for(session: Session, account_id: str) -> None:
    """Account deletion: the requests (values and explanations) go; the audit keeps their ids."""
    session.execute(delete(CorrectionRequest).where(CorrectionRequest.account_id == account_id))
