"""Second factors after a password, step-up of a live session, and logins
with a one-time code alone."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from idp.app import services
from idp.auth import factors as f
from idp.auth.continuations_web import continuation_args, current_continuation, registry
from idp.auth.current import current_login
from idp.auth.flow import LoginFlow, known_device
from idp.auth.respond import finish
from idp.auth.services import find_account
from idp.auth.views import wait_message
from idp.messages import message
from idp.notify.senders import DeliveryError
from idp.people.models import Account

bp = Blueprint("factors", __name__)


def code_text(code: str) -> tuple[str, str]:
    subject = _("OneID login code")
    body = _("Your OneID code is %(code)s. It is valid for 5 minutes. Never tell it to anyone, "
             "not even to someone who says they are from OneID.", code=code)
    return subject, body


def deliver(account: Account, channel: str):
    idp = services()
    target = f.destination(account, channel)
    if target is None or (channel == "sms" and idp.sms is None):
        return None

    def send(code: str) -> None:
        subject, body = code_text(code)
        if channel == "email":
            idp.email.send(target, subject, body)
        else:
            idp.sms.send(target, body)
    return send


def _subject():
    """(account, first factor or None) whose second factor this page proves."""
    flow = LoginFlow.load()
    idp = services()
    if flow is not None and flow.first and flow.account_id:
        return idp.db.session.get(Account, flow.account_id), flow.first_event
    login = current_login()
    if login is not None:
        return login.account, None
    return None, None


@bp.route("/login/verify", methods=["GET", "POST"])
def verify():
    idp = services()
    continuation = current_continuation()
    context = registry().describe(continuation)
    account, first = _subject()
    if account is None:
        return redirect(url_for("auth.login", **continuation_args(continuation)))
    available = f.available(idp.db.session, account, sms_enabled=idp.sms is not None)
    error = notice = None
    sent = request.values.get("sent")
    if request.method == "POST":
        action = request.form.get("action", "")
        code = request.form.get("code", "")[:40]
        if action in ("send_email", "send_sms"):
            channel = action[5:]
            sender = deliver(account, channel)
            if sender is None:
                abort(400)
            try:
                result = idp.codes.send("login", account.id, channel, sender)
            except DeliveryError:
                error = message("delivery_failed")
            else:
                if result.ok:
                    return redirect(url_for("factors.verify", sent=channel, **continuation_args(continuation)))
                error = message(result.error, result.retry_in)
        else:
            device = known_device(account.id)
            if action == "totp":
                result = f.totp_check(idp.db.session, idp.keys.fernet, account.id, code,
                                      throttler=idp.throttler, device=device)
            elif action in ("email", "sms"):
                result = f.code_check(idp.db.session, idp.codes, account.id, action, code)
            elif action == "recovery":
                result = f.recovery_check(idp.db.session, idp.mac_key("recovery-codes"), account.id, code,
                                          throttler=idp.throttler, device=device)
            else:
                abort(400)
            if result.success:
                return finish(account.id, result.event, continuation, first=first)
            idp.db.session.commit()
            error = wait_message(result.extra["wait"]) if result.error == "throttled" else message(result.error)
            sent = action if action in ("email", "sms") else None
    return render_template("auth/verify.html", factors=available, error=error, notice=notice,
                           sent=sent, second_step=first is not None, **context), (
        400 if error else 200)


@bp.route("/login/code", methods=["GET", "POST"])
def code_login():
    """Log in with a code sent to a verified e-mail address or phone."""
    idp = services()
    continuation = current_continuation()
    context = registry().describe(continuation)
    flow = LoginFlow.load()
    error = None
    if request.method == "POST" and request.form.get("action") == "request":
        identifier = request.form.get("identifier", "")[:254]
        account = find_account(idp.db.session, identifier)
        channel = request.form.get("channel") if request.form.get("channel") in ("email", "sms") else "email"
        flow = LoginFlow(account_id=account.id if account else None, code_channel=channel)
        flow.save()
        sender = deliver(account, channel) if account else None
        if sender is not None:
            try:
                result = idp.codes.send("code-login", account.id, channel, sender)
                if not result.ok:
                    error = message(result.error, result.retry_in)
            except DeliveryError:
                error = message("delivery_failed")
        # The same answer whether or not the identifier names an account.
        return render_template("auth/code_enter.html", error=error, channel=channel, **context)
    if request.method == "POST" and request.form.get("action") == "verify" and flow is not None:
        if flow.account_id is None:
            error = message("code_wrong")
        else:
            result = f.code_check(idp.db.session, idp.codes, flow.account_id, flow.code_channel, request.form.get("code", ""),
                                  purpose="code-login")
            if result.success:
                return finish(flow.account_id, result.event, continuation)
            idp.db.session.commit()
            error = message(result.error)
        return render_template("auth/code_enter.html", error=error, channel=flow.code_channel, **context), 400
    return render_template("auth/code_request.html", sms=idp.sms is not None, **context)
