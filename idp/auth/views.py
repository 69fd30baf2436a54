"""Login and logout pages."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from idp.app import services
from idp.auth.current import current_login, set_login_cookie
from idp.auth.forms import PasswordLoginForm
from idp.auth.levels import AuthEvent
from idp.auth.services import password_login
from idp.messages import message
from oidc.models import Client
from oidc.pending import PendingRequests

bp = Blueprint("auth", __name__)


def _pending():
    return PendingRequests(services().state).get(request.values.get("r"))


def _client_name(pending) -> str | None:
    if pending is None:
        return None
    client = services().db.session.get(Client, pending.client_id)
    return client.name if client else None


def finish_login(account_id: str, event: AuthEvent, pending):
    """Start or step up the login session, then continue where the user was going."""
    idp = services()
    login = current_login()
    token = None
    if login is not None and login.account_id == account_id:
        idp.sessions.step_up(login, event)
    else:
        if login is not None:
            idp.sessions.end(login)
        login, token = idp.sessions.start(idp.db.session, account_id, event,
                                          user_agent=request.headers.get("User-Agent"))
    idp.db.session.commit()
    target = pending.resume_url(url_for("oidc.authorize")) if pending else url_for("cabinet.home")
    response = redirect(target)
    if token:
        set_login_cookie(response, token)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    idp = services()
    pending = _pending()
    why = request.args.get("why", "")
    session_login = current_login()
    if request.method == "GET" and session_login is not None and why in ("identity_level", "authentication_level"):
        return render_template("auth/step_up.html", pending=pending, why=why, login=session_login,
                               essential=request.args.get("essential") == "1", client_name=_client_name(pending))
    form = PasswordLoginForm()
    error = None
    if form.validate_on_submit():
        result = password_login(idp.db.session, idp.passwords, form.identifier.data, form.password.data)
        if result.success:
            return finish_login(result.account_id, result.event, pending)
        idp.db.session.commit()  # keep the audit record of the failure
        error = message(result.error)
    elif request.method == "POST":
        error = message("csrf") if "csrf_token" in form.errors else None
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, error=error, pending=pending, why=why,
                           client_name=_client_name(pending)), status
