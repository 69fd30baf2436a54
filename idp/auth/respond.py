"""Turn a `LoginCompletion` into a Flask response: the one way a login
method's view ends a successful login."""
from __future__ import annotations

from flask import g, jsonify, redirect, request, url_for

from idp.app import services
from idp.auth.complete import LoginCompletion, complete_login
from idp.auth.continuations import Continuation
from idp.auth.continuations_web import current_continuation, registry
from idp.auth.current import current_login, set_login_cookie
from idp.auth.flow import LoginFlow, known_device, remember_device
from idp.auth.levels import AuthEvent
from idp.cabinet import alerts
from idp.cabinet.device_text import remember_place

CARRIED = object()  # the continuation the request carries


def complete(account_id: str, event: AuthEvent, continuation: Continuation | None | object = CARRIED, *,
             first: AuthEvent | None = None) -> LoginCompletion:
    idp = services()
    if continuation is CARRIED:
        continuation = current_continuation()
    return complete_login(idp.db.session, idp.sessions, registry(), account_id, event, continuation,
                          current_login=current_login(), first=first,
                          user_agent=request.headers.get("User-Agent"))


def respond(completion: LoginCompletion):
    """Commit the login (the continuation binds itself after the commit) and redirect."""
    _alert_if_new_device(completion)
    if completion.token:
        remember_place(services(), completion.login)
    services().db.session.commit()
    g.idp_login = completion.login
    LoginFlow.clear()
    target = request.script_root + completion.target if completion.target else url_for("cabinet.home")
    response = redirect(target)
    if completion.token:
        set_login_cookie(response, completion.token)
    remember_device(response, completion.remember_device_for)
    return response


def _alert_if_new_device(completion: LoginCompletion) -> None:
    """A new session from a browser without this account's known-device cookie
    is a new device, unless it is the account's very first login."""
    login = completion.login
    if completion.token is None or known_device(login.account_id) is not None:
        return
    session = services().db.session
    if alerts.had_login_before(session, login.account_id, besides=login.id):
        alerts.new_device_login(session, login.account, user_agent=login.user_agent,
                                place=services().places.find(request.remote_addr))


def finish(account_id: str, event: AuthEvent, continuation: Continuation | None | object = CARRIED, *,
           first: AuthEvent | None = None):
    """`complete` then `respond`: what a login page calls on success."""
    return respond(complete(account_id, event, continuation, first=first))


def as_json(response):
    """A completion's redirect as JSON for a script, keeping its cookies."""
    out = jsonify(ok=True, redirect=response.headers["Location"])
    for cookie in response.headers.getlist("Set-Cookie"):
        out.headers.add("Set-Cookie", cookie)
    return out
