"""Login pages: password (first step), the hand-over to a second factor, and
the step-up page (a service asks for more, or a sensitive change asks to
re-authenticate)."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from idp.app import services
from idp.auth.continuations_web import continuation_args, current_continuation, registry
from idp.auth.current import current_login
from idp.auth.factors import available, requires_second_factor
from idp.auth.flow import LoginFlow, event_dict, known_device
from idp.auth.forms import PasswordLoginForm
from idp.auth.levels import LEVELS
from idp.auth.raise_links import ways_to_raise
from idp.auth.reauth import step_up_methods
from idp.auth.reauth_views import reauth_message
from idp.auth.respond import finish
from idp.auth.services import password_login
from idp.messages import message
from idp.people.models import Account

bp = Blueprint("auth", __name__)
STEP_UP_REASONS = ("identity_level", "authentication_level", "reauth")


@bp.app_context_processor
def _continuation_helpers():
    return {"continuation_args": continuation_args}


def wait_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return _("Too many failed attempts. For your safety, try again in %(minutes)d min.", minutes=minutes)


def _step_up_page(session_login, why: str, context: dict):
    idp = services()
    level = request.args.get("level") if request.args.get("level") in LEVELS else "low"
    factors = available(idp.db.session, session_login.account, sms_enabled=idp.sms is not None)
    methods = None
    if why == "reauth":
        methods = step_up_methods(idp.db.session, session_login, level, sms_enabled=idp.sms is not None,
                                  esign_enabled="esign_verifier" in current_app.extensions)
    raising = ways_to_raise(session_login.account) if why == "identity_level" else {}
    return render_template("auth/step_up.html", why=why, login=session_login, factors=factors, methods=methods,
                           level=level, reauth=reauth_message() if why == "reauth" else None,
                           form=PasswordLoginForm(), essential=request.args.get("essential") == "1", **raising,
                           **context)


@bp.route("/login", methods=["GET", "POST"])
def login():
    idp = services()
    continuation = current_continuation()
    context = registry().describe(continuation)
    why = request.args.get("why", "")
    session_login = current_login()
    if request.method == "GET" and session_login is not None and why in STEP_UP_REASONS:
        return _step_up_page(session_login, why, context)
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
                LoginFlow(account_id=account.id, first=event_dict(result.event)).save()
                return redirect(url_for("factors.verify", **continuation_args(continuation)))
            return finish(result.account_id, result.event, continuation)
        idp.db.session.commit()  # keep the audit record of the failure
        throttled = result.error == "throttled"
        error = wait_message(result.extra["wait"]) if throttled else message(result.error)
        status = 429 if throttled else 401
    elif request.method == "POST":
        error = message("csrf") if "csrf_token" in form.errors else None
        status = 400 if error else 200
    context.setdefault("pending", None)
    return render_template("auth/login.html", form=form, error=error, why=why, **context), status
