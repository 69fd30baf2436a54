"""Back-Channel Logout 1.0: ending a login session and owing logout tokens
to the clients that registered a URI.

Nothing is sent from here. Ending a session writes one pending delivery per
client in the caller's transaction and names it in ``session.info``; once
that transaction commits, the delivery worker (``oidc.delivery_worker``)
sends the tokens outside the request. A relying party that calls back into
the IdP when it gets the token (mod_auth_openidc revokes its tokens at
``/revoke``) then finds the logout committed instead of waiting on its locks,
and a rolled-back logout sends nothing.
"""
from __future__ import annotations

import secrets
import time

from joserfc import jwt
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from idp.auth.models import LoginSession
from idp.db import utcnow
from oidc.models import AuthorizationCode, BackchannelDelivery, Client, Token
from oidc.server import Principal, subject

EVENT = "http://schemas.openid.net/event/backchannel-logout"
TOKEN_LIFETIME = 120
# session.info key: ids of the deliveries written in the open transaction.
PENDING_KEY = "oidc_backchannel_pending"


def logout_token(idp, session: Session, client: Client, *, sid: str | None, sub: str) -> str:
    """A fresh logout token (section 2.4): a new ``jti`` and ``iat`` for every
    attempt, so nothing that could be replayed is ever stored."""
    key = idp.keys.signing_key(session, client.id_token_signed_response_alg)
    now = int(time.time())
    claims = {"iss": idp.settings.issuer, "aud": client.client_id, "iat": now, "exp": now + TOKEN_LIFETIME,
              "jti": secrets.token_urlsafe(16), "sub": sub, "events": {EVENT: {}}}
    if sid:
        claims["sid"] = sid
    return jwt.encode({"alg": key.alg, "kid": key.kid, "typ": "logout+jwt"}, claims, key.private, [key.alg])


def end_session_everywhere(idp, login: LoginSession) -> list[str]:
    """End a login session, revoke its tokens, and owe a logout token to every
    client it was used at that registered a back-channel URI. The ids of the
    deliveries written; they are sent after the caller commits."""
    session = idp.db.session
    idp.sessions.end(login)
    session.execute(update(Token).where(Token.sid == login.id, Token.revoked_at.is_(None)).values(revoked_at=utcnow()))
    client_ids = set(session.scalars(select(Token.client_id).where(Token.sid == login.id)))
    client_ids |= set(session.scalars(select(AuthorizationCode.client_id).where(AuthorizationCode.sid == login.id)))
    written = []
    for client in session.scalars(select(Client).where(Client.client_id.in_(client_ids),
                                                       Client.backchannel_logout_uri.is_not(None),
                                                       Client.backchannel_logout_uri != "")):
        delivery = BackchannelDelivery(client_id=client.client_id, sid=login.id,
                                       sub=subject(idp, Principal(login.account, client)))
        session.add(delivery)
        written.append(delivery)
    session.flush()
    ids = [d.id for d in written]
    session.info.setdefault(PENDING_KEY, []).extend(ids)
    return ids


def revoke_account(idp, account_id: str) -> None:
    """Every live session of the account ends here and at its clients, and
    every token issued to the account is revoked (account recovery)."""
    session = idp.db.session
    for login in idp.sessions.active_for(session, account_id):
        end_session_everywhere(idp, login)
    session.execute(update(Token).where(Token.account_id == account_id, Token.revoked_at.is_(None))
                    .values(revoked_at=utcnow()))
