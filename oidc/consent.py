"""Consent: what a client will receive, remembered per client and scope."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.auth.models import LoginSession
from idp.db import utcnow
from oidc.claims import consent_claims, parse_claims_parameter
from oidc.models import Client, Consent, Token
from oidc.pending import Pending


@dataclass(frozen=True)
class ConsentView:
    client: Client
    scopes: list[str]
    claims: list[str]


def describe(session: Session, pending: Pending, login: LoginSession) -> ConsentView:
    client = session.get(Client, pending.client_id)
    args = dict(parse_qsl(pending.query))
    scopes = client.get_allowed_scope(args.get("scope", "")).split()
    try:
        claims = parse_claims_parameter(args.get("claims"))
    except ValueError:
        claims = {}
    return ConsentView(client, scopes, consent_claims(" ".join(scopes), claims, client.allowed_scopes))


def grant(session: Session, account_id: str, client_id: str, scopes: list[str], claims: list[str], *, remember: bool) -> None:
    if remember:
        session.add(Consent(account_id=account_id, client_id=client_id, scopes=scopes, claims=claims))
    record(session, "oidc.consent.granted", actor=account_id, subject=account_id, client=client_id,
           scopes=scopes, claims=claims, remembered=remember)


def active(session: Session, account_id: str) -> list[Consent]:
    return list(session.scalars(select(Consent).where(Consent.account_id == account_id, Consent.revoked_at.is_(None))
                                .order_by(Consent.granted_at.desc())))


def revoke(session: Session, account_id: str, client_id: str) -> int:
    """Forget every consent for the client and revoke the tokens it holds for
    the account; the client asks again next time."""
    count = session.execute(update(Consent).where(
        Consent.account_id == account_id, Consent.client_id == client_id, Consent.revoked_at.is_(None))
        .values(revoked_at=utcnow())).rowcount
    session.execute(update(Token).where(Token.account_id == account_id, Token.client_id == client_id,
                                        Token.revoked_at.is_(None)).values(revoked_at=utcnow()))
    record(session, "oidc.consent.revoked", actor=account_id, subject=account_id, client=client_id)
    return count
