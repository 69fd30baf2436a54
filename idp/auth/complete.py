"""The login-completion contract: the one call every login method makes once
it has proved who is there.

    completion = complete_login(db_session, sessions, continuations, account_id, event,
                                continuation, current_login=login, first=first_event)

starts a login session, or steps up the browser's live one when it belongs to
the same account (a live session of another account ends). It returns a
`LoginCompletion` that the view turns into a response (`idp.auth.respond`):
the cookie token of a new session, where to go next, and which account to
remember this device for. Nothing is committed here: the view commits once,
and the continuation's binding to the login (short-lived state) is written
right after that commit (`idp.db.after_commit`). Flask-free.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from idp.auth.continuations import Continuation, Continuations
from idp.auth.levels import AuthEvent, combine
from idp.auth.models import LoginSession
from idp.auth.sessions import SessionService
from idp.db import after_commit


@dataclass(frozen=True)
class LoginCompletion:
    login: LoginSession
    token: str | None  # a new session's cookie token; None after a step-up
    target: str | None  # path to go to next, relative to the application root; None: the cabinet
    remember_device_for: str  # account id for the known-device cookie


def merged(first: AuthEvent | None, event: AuthEvent) -> AuthEvent:
    """One event for a password followed by a second factor."""
    if first is None:
        return event
    level, amr = combine(set(first.amr) | set(event.amr), [first.level, event.level])
    return AuthEvent(event.method, tuple(amr), level, event.acting_for)


def complete_login(db_session: Session, sessions: SessionService, continuations: Continuations,
                   account_id: str, event: AuthEvent, continuation: Continuation | None, *,
                   current_login: LoginSession | None, first: AuthEvent | None = None,
                   user_agent: str | None = None) -> LoginCompletion:
    token = None
    if current_login is not None and current_login.account_id == account_id:
        login = current_login
        if first is not None:
            sessions.step_up(login, first)
        sessions.step_up(login, event)
    else:
        if current_login is not None:
            sessions.end(current_login)
        login, token = sessions.start(db_session, account_id, merged(first, event), user_agent=user_agent)
    db_session.flush()
    if continuation is not None:
        login_id = login.id
        after_commit(db_session, lambda: continuations.on_login(continuation, login_id, account_id))
    return LoginCompletion(login=login, token=token, target=continuations.target(continuation),
                           remember_device_for=account_id)
