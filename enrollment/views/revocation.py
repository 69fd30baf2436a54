"""Ending everything an account's old authenticators opened, for a recovery:
every login session at the IdP (with back-channel logout to the relying
parties they were used at) and every token issued to them.

The one place the enrollment package touches the OpenID Provider's tables:
it uses the same `end_session_everywhere` call as the personal cabinet's
"end session" button, then revokes tokens whose session already ended.
"""
from __future__ import annotations

from sqlalchemy import update

from idp.db import utcnow


def end_everything(idp, account_id: str) -> None:
    from oidc.backchannel import end_session_everywhere
    from oidc.models import Token

    session = idp.db.session
    for login in idp.sessions.active_for(session, account_id):
        end_session_everywhere(idp, login)
    session.execute(update(Token).where(Token.account_id == account_id, Token.revoked_at.is_(None))
                    .values(revoked_at=utcnow()))
