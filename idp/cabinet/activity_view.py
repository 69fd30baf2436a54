"""The activity page: the account's audit records, newest first, in words."""
from __future__ import annotations

from dataclasses import dataclass
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from consular.models import Consulate
from idp.audit.models import AuditEvent
from idp.cabinet import activity
from idp.cabinet.activity_text import sentence
from oidc.models import Client

PAGE = 100


@dataclass(frozen=True)
class Item:
    at: dt.datetime
    kind: str
    text: str


def items(session: Session, account_id: str, kind: str | None = None, limit: int = PAGE) -> list[Item]:
    """The account's latest records of `kind` (all kinds when None), as sentences."""
    rows = session.execute(select(AuditEvent.at, AuditEvent.event, AuditEvent.actor, AuditEvent.data)
                           .where(AuditEvent.subject == account_id)
                           .order_by(AuditEvent.seq.desc()).limit(limit * 4 if kind else limit)).all()
    lines = [(row.at, activity.describe(row.event, row.actor, row.data)) for row in rows]
    if kind:
        lines = [(at, line) for at, line in lines if line.kind == kind][:limit]
    only = [line for _, line in lines]
    portals = dict(session.execute(select(Client.client_id, Client.name)
                                   .where(Client.client_id.in_(activity.client_ids(only)))).all())
    consulates = dict(session.execute(select(Consulate.id, Consulate.name)
                                      .where(Consulate.id.in_(activity.consulate_ids(only)))).all())
    return [Item(at, line.kind, sentence(line, portals, consulates)) for at, line in lines]
