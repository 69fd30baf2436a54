"""Login pages: password (first step), the hand-over to a second factor, logout."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from idp.app import services
from idp.auth.current import current_login, set_login_cookie
from idp.auth.factors import available, requires_second_factor
from idp.auth.flow import LoginFlow, event_dict, known_device, remember_device
from idp.auth.forms import PasswordLoginForm
from idp.auth.levels import AuthEvent, combine
from idp.auth.services import password_login
from idp.messages import message
from idp.people.models import Account
from oidc.models import Client
from oidc.pending import PendingRequests

bp = Blueprint("auth", __name__)


def _pending(rid: str | None = None):
    return PendingRequests(services().state).get(rid or request.values.get("r"))


def _client_name(pending) -> str | None:
    if pending is None:
        return None
    client = services().db.session.get(Client, pending.client_id)
    return client.name if client else None


def finish_login(account_id: str, event: AuthEvent, pending, *, first: AuthEvent | None = None):
    """Start or step up the login session, then continue where the user was going."""
    idp = services()
    login = current_login()
    token = None
    if login is not None and login.account_id == account_id:
        idp.sessions.step_up(login, event)
    else:
        if login is not None:
            idp.sessions.end(login)
        if first is not None:
            level, amr = combine(set(first.amr) | set(event.amr), [first.level, event.level])
            event = AuthEvent(event.method, tuple(amr), level, event.acting_for)
        login, token = idp.sessions.start(idp.db.session, account_id, event,
                                          user_agent=request.headers.get("User-Agent"))
    idp.db.session.commit()
    LoginFlow.clear()
    target = pending.resume_url(url_for("oidc.authorize")) if pending else url_for("cabinet.home")
    response = redirect(target)
    if token:
        set_login_cookie(response, token)
    remember_device(response, account_id)
    return response


def wait_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return _("Too many failed attempts. For your safety, try again in %(minutes)d min.", minutes=minutes)


@bp.route("/login", methods=["GET", "POST"])
def login():
    idp = services()
    pending = _pending()
    why = request.args.get("why", "")
    session_login = current_login()
    if request.method == "GET" and session_login is not None and why in ("identity_level", "authentication_level"):
        factors = available(idp.db.session, session_login.account, sms_enabled=idp.sms is not None)
        return render_template("auth/step_up.html", pending=pending, why=why, login=session_login, factors=factors,
                               essential=request.args.get("essential") == "1", client_name=_client_name(pending))
    form = PasswordLoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        result = password_login(idp.db.session, idp.passwords, form.identifier.data, form.password.data,
                                throttler=idp.throttler, device_of=known_device)
        if result.success:
            account = idp.db.session.get(Account, result.account_id)
            if requires_second_factor(idp.db.session, account):
                idp.db.session.commit()
                LoginFlow(account_id=account.id, first=event_dict(result.event),
                          pending=pending.id if pending else None).save()
                return redirect(url_for("factors.verify", r=pending.id if pending else None))
            return finish_login(result.account_id, result.event, pending)
        idp.db.session.commit()  # keep the audit record of the failure
        throttled = result.error == "throttled"
        error = wait_message(result.extra["wait"]) if throttled else message(result.error)
        status = 429 if throttled else 401
    elif request.method == "POST":
        error = message("csrf") if "csrf_token" in form.errors else None
        status = 400 if error else 200
    return render_template("auth/login.html", form=form, error=error, pending=pending, why=why,
                           client_name=_client_name(pending)), status
