"""The cabinet's gate before a change to how a person logs in.

The rule is `idp.auth.sensitive` (which level, how recent); the check is
`idp.auth.reauth.recent_enough`; the page that asks to log in again, and its
URL contract ``/login?why=reauth&level=...&next=...``, are
`idp.auth.reauth_views`'. Unlike that module's decorator, the level here
depends on the account and on what is changed, and the page to come back to
is named by the caller: most of these changes are POST-only endpoints.
"""
from __future__ import annotations

from flask import abort, jsonify, redirect, request, url_for

from idp.app import services
from idp.auth import sensitive
from idp.auth.continuations_web import local_path
from idp.auth.models import Authenticator, LoginSession
from idp.auth.reauth_views import reauth_message


def missing(login: LoginSession, change: str, *, target: Authenticator | None = None) -> sensitive.Requirement | None:
    """The requirement `login` does not meet for `change`, or None when it may go ahead."""
    idp = services()
    need = sensitive.requirement_for(idp.db.session, login.account, change, sms_enabled=idp.sms is not None,
                                     target=target)
    return None if sensitive.satisfied(login, need) else need


def gate(login: LoginSession, change: str, *, back: str, target: Authenticator | None = None):
    """None when `login` may make `change` now; else the response that sends the
    person to confirm it is them and then back to `back` (JSON 401 for scripts)."""
    need = missing(login, change, target=target)
    if need is None:
        return None
    url = url_for("auth.login", why="reauth", level=need.level, next=local_path(back))
    if request.method in ("GET", "HEAD"):
        return redirect(url)
    if request.is_json:
        return jsonify(ok=False, error="reauth_required", message=reauth_message(), redirect=url), 401
    return redirect(url, 303)


def require_recent(login: LoginSession, change: str, *, back: str, target: Authenticator | None = None) -> None:
    """`gate` for page views: abort with its response unless the change may go ahead."""
    response = gate(login, change, back=back, target=target)
    if response is not None:
        abort(response)
