"""Connected services: each portal that holds the citizen's consent or has
received their data, which claims it received and when (from the audit log's
userinfo records) and what the citizen allowed it. Flask-free."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from idp.audit.models import AuditEvent
from oidc import consent as consents
from oidc.models import Client

HISTORY = 2000  # the newest userinfo records read per account


@dataclass
class Connected:
    client_id: str
    name: str
    allowed: list[str] = field(default_factory=list)  # claims of the active consent
    granted_at: dt.datetime | None = None
    received: list[str] = field(default_factory=list)  # claims ever released, first seen first
    last_received_at: dt.datetime | None = None
    times: int = 0


def connected(session: Session, account_id: str) -> list[Connected]:
    """Portals newest first: by their last release of data, else by consent."""
    found: dict[str, Connected] = {}
    for consent in consents.active(session, account_id):
        entry = found.setdefault(consent.client_id, Connected(consent.client_id, ""))
        entry.allowed = list(dict.fromkeys(entry.allowed + list(consent.claims or [])))
        entry.granted_at = max(filter(None, [entry.granted_at, consent.granted_at]))
    rows = session.execute(select(AuditEvent.at, AuditEvent.actor, AuditEvent.data)
                           .where(AuditEvent.subject == account_id, AuditEvent.event == "oidc.userinfo")
                           .order_by(AuditEvent.seq.desc()).limit(HISTORY)).all()
    for at, client_id, data in rows:
        if not client_id:
            continue
        entry = found.setdefault(client_id, Connected(client_id, ""))
        entry.times += 1
        entry.last_received_at = entry.last_received_at or at
        entry.received = list(dict.fromkeys(entry.received + list((data or {}).get("claims") or [])))
    names = dict(session.execute(select(Client.client_id, Client.name).where(Client.client_id.in_(found))).all())
    result = []
    for client_id, entry in found.items():
        if client_id in names:  # a deleted portal's records stay in the log, not on the page
            entry.name = names[client_id]
            result.append(entry)
    epoch = dt.datetime.min.replace(tzinfo=dt.timezone.utc)

    def newest(entry: Connected) -> dt.datetime:
        moment = entry.last_received_at or entry.granted_at or epoch
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
    return sorted(result, key=newest, reverse=True)
