"""The portal's own passkey login: the only way an officer's portal session
starts. The browser runs the ceremony with static/passkeys.js (the
`data-passkey="login"` container); the server requires user verification,
so the login reaches level high with `amr` `hwk` and `user`."""
from __future__ import annotations

import secrets
import time

from flask import g, jsonify, redirect, render_template, request, session, url_for

from idp.app import services
from idp.audit.log import record
from idp.auth.current import clear_login_cookie, current_login, set_login_cookie
from idp.passkeys.authentication import authenticate, authentication_options
from idp.passkeys.ceremonies import Ceremonies, RelyingParty
from idp.passkeys.messages import BROWSER
from idp.passkeys.messages import message as passkey_message

from consular.messages import message
from consular.services import officers
from consular.views.common import client_address, db, limit, officer_access, portal, svc

BINDING_KEY = "consular_binding"


def _binding(*, create: bool = True) -> str:
    value = session.get(BINDING_KEY)
    if not isinstance(value, str) and create:
        value = session[BINDING_KEY] = secrets.token_urlsafe(24)
    return value if isinstance(value, str) else ""


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/consular/officer") and "//" not in value and "\\" not in value:
        return value
    return url_for("consular_portal.home")


@portal.get("/login")
def login():
    officer, error = officer_access()
    if officer is not None:
        return redirect(_safe_next(request.args.get("next")))
    why = request.args.get("why") or error
    return render_template("consular/login.html", why=message(why) if why not in (None, "login_required") else None,
                           next=_safe_next(request.args.get("next")), passkey_messages=BROWSER)


@portal.post("/login/options")
def login_options():
    limit("portal_login", client_address())
    idp = services()
    options = authentication_options(db(), Ceremonies(idp.state), RelyingParty.from_settings(idp.settings),
                                     binding=_binding(), require_user_verification=True)
    return jsonify(ok=True, **options.as_json())


@portal.post("/login")
def login_verify():
    limit("portal_login", client_address())
    idp = services()
    body = request.get_json(silent=True) if request.is_json else None
    body = body if isinstance(body, dict) else {}
    result = authenticate(db(), Ceremonies(idp.state), RelyingParty.from_settings(idp.settings),
                          handle=body.get("ceremony"), binding=_binding(create=False),
                          credential=body.get("credential"))
    if not result.success:
        db().commit()  # the audit record of the failure, and a clone flag
        return jsonify(ok=False, error=result.error, message=passkey_message(result.error)), 401
    if not officers.roles_of(db(), result.account_id):
        db().commit()
        return jsonify(ok=False, error="not_an_officer", message=message("not_an_officer")), 403
    if "user" not in result.event.amr:
        db().commit()
        return jsonify(ok=False, error="passkey_required", message=message("passkey_required")), 401
    login, token = _start_or_step_up(result.account_id, result.event)
    record(db(), "consular.officer.login", actor=login.account_id, subject=login.account_id, sid=login.id)
    db().commit()  # before the state store writes (SQLite has one writer at a time)
    svc().portal_sessions.start(login_id=login.id, account_id=login.account_id, now=time.time())
    response = jsonify(ok=True, redirect=_safe_next(body.get("next") or request.args.get("next")))
    if token:
        set_login_cookie(response, token)
    return response


def _start_or_step_up(account_id: str, event):
    """The IdP login session of this browser, stepped up with the passkey, or
    a new one (the same rule as idp.auth.views.finish_login)."""
    idp = services()
    login = current_login()
    if login is not None and login.account_id == account_id:
        idp.sessions.step_up(login, event)
        return login, None
    if login is not None:
        idp.sessions.end(login)  # its portal session, if any, dies with it
    login, token = idp.sessions.start(db(), account_id, event, user_agent=request.headers.get("User-Agent"))
    g.pop("idp_login", None)
    return login, token


@portal.post("/logout")
def logout():
    """End the portal session and the IdP login session of this browser."""
    idp = services()
    login = current_login()
    response = redirect(url_for("consular_portal.login", why="logged_out"))
    if login is not None:
        idp.sessions.end(login)
        record(db(), "consular.officer.logout", actor=login.account_id, subject=login.account_id)
        db().commit()
        svc().portal_sessions.end(login.id)
        clear_login_cookie(response)
    return response
