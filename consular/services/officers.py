"""Officers and supervisors: accounts with a role at one or more consulates."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.auth.services import find_account
from idp.db import utcnow
from idp.people.models import Account

from consular.models import ROLES, SUPERVISOR, Consulate, OfficerRole
from consular.services import consulates


@dataclass(frozen=True)
class Role:
    """What an officer may do where; safe to log."""

    consulate_id: str
    consulate_code: str
    role: str

    @property
    def supervisor(self) -> bool:
        return self.role == SUPERVISOR


def _account(session: Session, identifier: str) -> Account:
    account = find_account(session, identifier)
    if account is None:
        raise LookupError("no account with this PINFL or verified e-mail (create it with `idp users create`)")
    return account


def grant(session: Session, *, identifier: str, consulate_code: str, role: str, actor: str = "operator") -> OfficerRole:
    """Give an account a role at a consulate (again, if it was disabled)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    consulate = consulates.find(session, consulate_code)
    if consulate is None:
        raise LookupError(f"no consulate {consulate_code}")
    account = _account(session, identifier)
    if not account.active:
        raise ValueError("the account is not active")
    row = session.scalars(select(OfficerRole).where(OfficerRole.account_id == account.id,
                                                    OfficerRole.consulate_id == consulate.id)).first()
    if row is None:
        row = OfficerRole(account_id=account.id, consulate_id=consulate.id, role=role)
        session.add(row)
    row.role, row.active, row.disabled_at = role, True, None
    session.flush()
    record(session, "consular.officer.granted", actor=actor, subject=account.id, consulate=consulate.id, role=role)
    return row


def disable(session: Session, *, identifier: str, consulate_code: str | None = None,
            actor: str = "operator") -> int:
    """Take an account's roles away (at one consulate, or everywhere); how many."""
    account = _account(session, identifier)
    query = select(OfficerRole).where(OfficerRole.account_id == account.id, OfficerRole.active.is_(True))
    if consulate_code:
        consulate = consulates.find(session, consulate_code)
        if consulate is None:
            raise LookupError(f"no consulate {consulate_code}")
        query = query.where(OfficerRole.consulate_id == consulate.id)
    rows = list(session.scalars(query))
    for row in rows:
        row.active, row.disabled_at = False, utcnow()
        record(session, "consular.officer.disabled", actor=actor, subject=account.id, consulate=row.consulate_id)
    session.flush()
    return len(rows)


def roles_of(session: Session, account_id: str) -> list[Role]:
    rows = session.execute(select(OfficerRole.consulate_id, Consulate.code, OfficerRole.role)
                           .join(Consulate, Consulate.id == OfficerRole.consulate_id)
                           .where(OfficerRole.account_id == account_id, OfficerRole.active.is_(True),
                                  Consulate.active.is_(True))
                           .order_by(Consulate.code)).all()
    return [Role(consulate_id, code, role) for consulate_id, code, role in rows]


def role_at(roles: list[Role], consulate_id: str) -> Role | None:
    return next((r for r in roles if r.consulate_id == consulate_id), None)


@dataclass(frozen=True)
class OfficerInfo:
    account_id: str
    pinfl: str
    name: str
    consulate: str
    role: str
    active: bool


def listing(session: Session, consulate_code: str | None = None, *,
            include_disabled: bool = False) -> list[OfficerInfo]:
    query = (select(OfficerRole, Account, Consulate).join(Account, Account.id == OfficerRole.account_id)
             .join(Consulate, Consulate.id == OfficerRole.consulate_id)
             .order_by(Consulate.code, OfficerRole.created_at))
    if consulate_code:
        query = query.where(Consulate.code == consulate_code.strip().upper())
    if not include_disabled:
        query = query.where(OfficerRole.active.is_(True))
    return [OfficerInfo(account.id, account.person.pinfl, account.person.full_name, consulate.code, row.role,
                        row.active)
            for row, account, consulate in session.execute(query).all()]
