"""Server-side login sessions.

The browser's cookie carries a random 256-bit token; the table keeps only its
SHA-256. A session has an absolute lifetime and an idle timeout, records when
the user last authenticated (`auth_time`), the RFC 8176 `amr` values so far
and the authentication level they reach. Step-up adds an event to a live
session instead of starting over.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from idp.auth.levels import AuthEvent, combine
from idp.auth.models import LoginSession
from idp.db import utcnow

TOUCH_INTERVAL = dt.timedelta(seconds=60)
# Built once: every page with a login cookie runs it, and building a statement
# (and its cache key) cost more than running it.
_BY_TOKEN_HASH = select(LoginSession).where(LoginSession.token_hash == bindparam("token_hash"))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionService:
    def __init__(self, *, lifetime: int, idle_timeout: int):
        self.lifetime = dt.timedelta(seconds=lifetime)
        self.idle = dt.timedelta(seconds=idle_timeout)

    def start(self, session: Session, account_id: str, event: AuthEvent, *, user_agent: str | None = None) -> tuple[LoginSession, str]:
        token = secrets.token_urlsafe(32)
        now = utcnow()
        level, amr = combine(set(event.amr), [event.level])
        login = LoginSession(token_hash=_hash(token), account_id=account_id, created_at=now, auth_time=now,
                             last_seen_at=now, expires_at=now + self.lifetime, amr=amr, auth_level=level,
                             acting_for=event.acting_for, user_agent=(user_agent or "")[:200])
        session.add(login)
        session.flush()
        return login, token

    def load(self, session: Session, token: str | None) -> LoginSession | None:
        if not token or len(token) > 100:
            return None
        login = session.scalars(_BY_TOKEN_HASH, {"token_hash": _hash(token)}).first()
        if login is None or not self.is_live(login):
            return None
        now = utcnow()
        if now - login.last_seen_at > TOUCH_INTERVAL:
            login.last_seen_at = now
        return login

    def is_live(self, login: LoginSession) -> bool:
        now = utcnow()
        return (login.ended_at is None and login.expires_at > now
                and now - login.last_seen_at < self.idle and login.account.active)

    def step_up(self, login: LoginSession, event: AuthEvent) -> None:
        """Add a successful authentication to a live session."""
        level, amr = combine(set(login.amr) | set(event.amr), [login.auth_level, event.level])
        login.amr, login.auth_level = amr, level
        login.auth_time = utcnow()
        if event.acting_for is not None or event.method == "esign":
            # A key names who acts: a personal key after an organisation's ends acting for it.
            login.acting_for = event.acting_for

    def end(self, login: LoginSession) -> None:
        login.ended_at = utcnow()

    def end_all(self, session: Session, account_id: str) -> int:
        return session.execute(update(LoginSession).where(
            LoginSession.account_id == account_id, LoginSession.ended_at.is_(None)
        ).values(ended_at=utcnow())).rowcount

    def active_for(self, session: Session, account_id: str) -> list[LoginSession]:
        rows = session.scalars(select(LoginSession).where(
            LoginSession.account_id == account_id, LoginSession.ended_at.is_(None))
            .order_by(LoginSession.last_seen_at.desc()))
        return [r for r in rows if self.is_live(r)]
