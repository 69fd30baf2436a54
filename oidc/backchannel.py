"""Back-Channel Logout 1.0: logout tokens to clients that registered a URI."""
from __future__ import annotations

import logging
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request

from joserfc import jwt
from sqlalchemy import select, update

from idp.auth.models import LoginSession
from idp.db import utcnow
from oidc.models import AuthorizationCode, Client, Token
from oidc.server import Principal, subject

log = logging.getLogger(__name__)
EVENT = "http://schemas.openid.net/event/backchannel-logout"


def logout_token(idp, client: Client, login: LoginSession) -> str:
    key = idp.keys.signing_key(idp.db.session, client.id_token_signed_response_alg)
    now = int(time.time())
    claims = {"iss": idp.settings.issuer, "aud": client.client_id, "iat": now, "exp": now + 120,
              "jti": secrets.token_urlsafe(16), "sid": login.id,
              "sub": subject(idp, Principal(login.account, client)), "events": {EVENT: {}}}
    return jwt.encode({"alg": key.alg, "kid": key.kid, "typ": "logout+jwt"}, claims, key.private, [key.alg])


def end_session_everywhere(idp, login: LoginSession, *, timeout: float = 3.0) -> dict[str, bool]:
    """End a login session: revoke its tokens and notify its clients."""
    session = idp.db.session
    idp.sessions.end(login)
    session.execute(update(Token).where(Token.sid == login.id, Token.revoked_at.is_(None)).values(revoked_at=utcnow()))
    client_ids = set(session.scalars(select(Token.client_id).where(Token.sid == login.id)))
    client_ids |= set(session.scalars(select(AuthorizationCode.client_id).where(AuthorizationCode.sid == login.id)))
    results = {}
    for client in session.scalars(select(Client).where(Client.client_id.in_(client_ids))):
        if not client.backchannel_logout_uri:
            continue
        body = urllib.parse.urlencode({"logout_token": logout_token(idp, client, login)}).encode()
        req = urllib.request.Request(client.backchannel_logout_uri, data=body, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                results[client.client_id] = 200 <= resp.status < 300
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            log.warning("back-channel logout to client %s failed: %s", client.client_id, type(exc).__name__)
            results[client.client_id] = False
    return results


def revoke_account(idp, account_id: str) -> None:
    """Every live session of the account ends here and at its clients, and
    every token issued to the account is revoked (account recovery)."""
    session = idp.db.session
    for login in idp.sessions.active_for(session, account_id):
        end_session_everywhere(idp, login)
    session.execute(update(Token).where(Token.account_id == account_id, Token.revoked_at.is_(None))
                    .values(revoked_at=utcnow()))
