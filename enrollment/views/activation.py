"""Activation of an approved case (a passkey, or a password and an
authenticator app) and resuming a case on another device by e-mail code."""
from __future__ import annotations

from flask import abort, g, make_response, redirect, request, url_for

from idp.app import services
from idp.auth import totp
from idp.auth.current import current_login
from idp.auth.factors import TOTP_EVENT
from idp.auth.services import PASSWORD_EVENT
from idp.auth.continuations_web import local_path, registry
from idp.auth.respond import finish
from idp.notify.senders import DeliveryError
from idp.people import contacts
from idp.registry import RegistryUnavailable

from enrollment.config import ACTIVATION_TTL_DAYS
from enrollment.errors import EnrollmentError
from enrollment.flow import EnrollmentFlow
from enrollment.forms import CodeForm, PasswordTotpForm, ResumeForm
from enrollment.messages import message
from enrollment.models import APPROVED, RAISE, RECOVERY, EnrollmentCase
from enrollment.services import activation, cases
from enrollment.views import passkey_activation, revocation
from enrollment.views.common import (bp, client_address, db_session, flow, limit, page, require_case, save_flow,
                                     svc, where_to)
from enrollment.views.pages import deliver_code

RESUME_PURPOSE = "enroll-resume"


@bp.get("/activate/<token>")
def activation_link(token: str):
    limit("resume_address", client_address())
    case = activation.case_for_token(db_session(), token, ttl_days=ACTIVATION_TTL_DAYS)
    if case is None:
        return page("enrollment/message.html", None, 400, title=message("case_not_approved"),
                    text=message("activation_link_invalid"))
    key = cases.rebind_browser(db_session(), case, "activation_link")
    db_session().commit()
    return save_flow(redirect(url_for("enrollment.activate")), EnrollmentFlow(case.id, key))


def approved_case() -> EnrollmentCase:
    case = require_case()
    if case.purpose == RAISE:  # binds no authenticator: it raises the level of the account that started it
        abort(redirect(url_for("enrollment.raise_finish")))
    if case.status != APPROVED or not activation.activation_open(case, ACTIVATION_TTL_DAYS):
        abort(redirect(where_to(case) if case.status != APPROVED else url_for("enrollment.status")))
    return case


@bp.get("/activate")
def activate():
    case = approved_case()
    return page("enrollment/activate.html", case, passkeys=passkey_activation.available())


@bp.route("/activate/app", methods=["GET", "POST"])
def activate_app():
    case = approved_case()
    state = flow()
    new_secret = not state.totp_secret
    if new_secret:
        state.totp_secret = totp.new_secret()
    form = PasswordTotpForm()
    errors: list[str] = []
    if form.validate_on_submit():
        limit("post_case", case.id)
        idp = services()
        try:
            account = activation.ensure_account(db_session(), case, idp.registry, levels=svc().config.levels)
            if case.purpose == RECOVERY:
                revocation.end_everything(idp, account.id)
            result = activation.with_password_and_totp(
                db_session(), case, account, passwords=idp.passwords, fernet=idp.keys.fernet,
                password=form.password.data, password_again=form.password_again.data,
                totp_secret=state.totp_secret, totp_code=form.code.data, sessions=idp.sessions,
                levels=svc().config.levels)
        except EnrollmentError as exc:
            errors.append(message(exc.code))
        except RegistryUnavailable:
            errors.append(message("registry_unavailable"))
        else:
            if result.success:
                g.pop("idp_login", None)  # a session this request loaded may have just ended
                done = registry().make("return", local_path(url_for("enrollment.done")))
                response = finish(account.id, TOTP_EVENT, done, first=PASSWORD_EVENT)
                EnrollmentFlow.clear(response)
                return response
            errors.extend(message(code) for code in result.errors)
        db_session().commit()  # the account, and the audit records, stay for the next try
    label = case.email or "OneID"
    qr = totp.qr_data_uri(totp.provisioning_uri(state.totp_secret, label))
    body, status = page("enrollment/activate_app.html", case, 400 if errors else 200, form=form, errors=errors,
                        qr=qr, secret=state.totp_secret)
    response = make_response(body, status)
    if new_secret:
        save_flow(response, state)
    return response


@bp.get("/done")
def done():
    login = current_login()
    if login is None:
        return redirect(url_for("auth.login"))
    return page("enrollment/done.html", None, account=login.account)


@bp.route("/resume", methods=["GET", "POST"])
def resume():
    form = ResumeForm()
    error = None
    if form.validate_on_submit():
        limit("resume_address", client_address())
        try:
            email = contacts.normalise_email(form.email.data)
        except contacts.ContactError as exc:
            error = message(exc.code)
        else:
            case = cases.open_case_for_email(db_session(), email)
            if case is not None:
                try:
                    services().codes.send(RESUME_PURPOSE, case.id, "email", deliver_code(case.email))
                except DeliveryError:
                    return page("enrollment/resume.html", None, 400, form=form, error=message("delivery_failed"))
            # The same answer whether or not there is a case for this address.
            return save_flow(redirect(url_for("enrollment.resume_verify")), EnrollmentFlow(resume_email=email))
    return page("enrollment/resume.html", None, 400 if error else 200, form=form, error=error)


@bp.route("/resume/verify", methods=["GET", "POST"])
def resume_verify():
    state = flow()
    if state is None or not state.resume_email:
        return redirect(url_for("enrollment.resume"))
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        limit("resume_address", client_address())
        case = cases.open_case_for_email(db_session(), state.resume_email)
        result = (services().codes.verify(RESUME_PURPOSE, case.id, "email", form.code.data)
                  if case is not None else None)
        if result is not None and result.ok:
            key = cases.rebind_browser(db_session(), case, "email_code")
            db_session().commit()
            return save_flow(redirect(where_to(case)), EnrollmentFlow(case.id, key))
        error = message(result.error if result is not None else "code_wrong")
    return page("enrollment/resume_verify.html", None, 400 if error else 200, form=form, error=error,
                email=state.resume_email)
