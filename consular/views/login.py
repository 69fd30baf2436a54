"""The portal's own passkey login: the only way an officer's portal session
starts. The browser runs the ceremony with static/passkeys.js (the
`data-passkey="login"` container); the server requires user verification,
so the login reaches level high with `amr` `hwk` and `user`.

The login completes through the IdP's one contract (`idp.auth.respond`)
with the ``officer`` continuation: the portal page to go back to, and the
portal session that starts once the login is committed."""
from __future__ import annotations

import secrets
import time

from flask import jsonify, redirect, render_template, request, session, url_for

from idp.app import services
from idp.audit.log import record
from idp.auth.continuations import ContinuationKind, registry_of
from idp.auth.continuations_web import local_path, registry
from idp.auth.current import clear_login_cookie, current_login
from idp.auth.respond import as_json, complete, respond
from idp.passkeys.authentication import authenticate, authentication_options
from idp.passkeys.ceremonies import Ceremonies, RelyingParty
from idp.passkeys.messages import BROWSER
from idp.passkeys.messages import message as passkey_message

from consular.messages import message
from consular.services import officers
from consular.views.common import client_address, db, limit, officer_access, portal, svc

BINDING_KEY = "consular_binding"
PORTAL_PREFIX = "/consular/officer"


class OfficerContinuation(ContinuationKind):
    """Into the officer portal: a portal page, and a portal session bound to the login."""

    kind = "officer"  # built only by `login_verify`, never taken from a URL

    def __init__(self, portal_sessions):
        self.portal_sessions = portal_sessions

    def target(self, value: str) -> str | None:
        return value

    def on_login(self, value: str, login_id: str, account_id: str) -> None:
        self.portal_sessions.start(login_id=login_id, account_id=account_id, now=time.time())


@portal.record_once
def _register_continuation(state) -> None:
    registry_of(state.app.extensions).register(OfficerContinuation(state.app.extensions["consular"].portal_sessions))


def _binding(*, create: bool = True) -> str:
    value = session.get(BINDING_KEY)
    if not isinstance(value, str) and create:
        value = session[BINDING_KEY] = secrets.token_urlsafe(24)
    return value if isinstance(value, str) else ""


def _safe_next(value: str | None) -> str:
    if value and value.startswith(PORTAL_PREFIX) and "//" not in value and "\\" not in value:
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
    back = local_path(_safe_next(body.get("next") or request.args.get("next")))
    completion = complete(result.account_id, result.event, registry().make("officer", back))
    record(db(), "consular.officer.login", actor=result.account_id, subject=result.account_id,
           sid=completion.login.id)
    return as_json(respond(completion))  # the portal session starts after the commit


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
