"""The citizen's activation on their phone: the printed code, then a passkey
(idp/passkeys registration, with user verification required, so that the
first login already reaches level high)."""
from __future__ import annotations

from flask import g, jsonify, redirect, render_template, request, url_for

from idp.app import services
from idp.audit.log import record
from idp.auth.current import current_login, set_login_cookie
from idp.cabinet.device_text import remember_place
from idp.passkeys.authentication import VERIFIED_EVENT
from idp.passkeys.ceremonies import Ceremonies, RelyingParty
from idp.passkeys.errors import PasskeyError
from idp.passkeys.messages import BROWSER
from idp.passkeys.registration import register, registration_options
from idp.registry import RegistryUnavailable

from consular.errors import ActivationRefused, ConsularError
from consular.flow import ActivationFlow
from consular.forms import ActivationCodeForm
from consular.messages import message
from consular.models import ActivationCode
from consular.services import activation
from consular.views.common import bp, client_address, db, limit

LABEL = "OneID passkey"


def _refused(exc: ActivationRefused, row: ActivationCode | None = None):
    """The audit log keeps the precise reason; the citizen reads one message."""
    if row is not None:
        record(db(), "consular.activation.refused", subject=row.visit.account_id or row.visit_id, reason=exc.code,
               code=row.id)
        db().commit()
    return message("activation_code_invalid")


@bp.route("/activate", methods=["GET", "POST"])
def activate():
    form = ActivationCodeForm()
    error = None
    if request.method == "POST":
        limit("activation_address", client_address())
        if not form.validate_on_submit():
            error = message("csrf") if "csrf_token" in form.errors else message("activation_code_invalid")
        else:
            try:
                row = activation.check(db(), form.code.data)
            except ActivationRefused as exc:
                error = _refused(exc, activation.find(db(), form.code.data))
            else:
                ActivationFlow(code_id=row.id).save()
                return redirect(url_for("consular.activate_passkey"))
    return render_template("consular/activate.html", form=form, error=error), 400 if error else 200


def _flow_and_code() -> tuple[ActivationFlow, ActivationCode]:
    flow = ActivationFlow.load()
    if flow is None or not flow.code_id:
        raise ActivationRefused(code="code_unknown")
    return flow, activation.check_id(db(), flow.code_id)


@bp.get("/activate/passkey")
def activate_passkey():
    try:
        _flow, row = _flow_and_code()
    except ActivationRefused:
        return redirect(url_for("consular.activate"))
    return render_template("consular/activate_passkey.html", recovery=row.visit.purpose == "recovery"
                           or row.visit.account_id is not None, passkey_messages=BROWSER, label=LABEL)


def _json_fail(code: str, status: int = 400, text: str | None = None):
    return jsonify(ok=False, error=code, message=text or message(code)), status


@bp.post("/activate/passkey/options")
def activate_options():
    limit("activation_address", client_address())
    idp = services()
    try:
        flow, row = _flow_and_code()
        account = activation.ensure_account(db(), row, idp.registry)
        db().commit()  # before the ceremony is stored (SQLite has one writer at a time)
        options = registration_options(db(), Ceremonies(idp.state), RelyingParty.from_settings(idp.settings), account,
                                       binding=flow.binding, label=LABEL, require_user_verification=True)
    except ActivationRefused:
        db().rollback()
        return _json_fail("activation_code_invalid")
    except RegistryUnavailable:
        db().rollback()
        return _json_fail("registry_unavailable", 503)
    except (ConsularError, PasskeyError) as exc:
        db().rollback()
        return _json_fail(exc.code)
    db().commit()
    return jsonify(ok=True, **options.as_json())


@bp.post("/activate/passkey")
def activate_verify():
    limit("activation_address", client_address())
    idp = services()
    body = request.get_json(silent=True) if request.is_json else None
    body = body if isinstance(body, dict) else {}
    try:
        flow, row = _flow_and_code()
        account = activation.ensure_account(db(), row, idp.registry)
        db().commit()
    except ActivationRefused:
        db().rollback()
        return _json_fail("activation_code_invalid")
    except (ConsularError, RegistryUnavailable):
        db().rollback()
        return _json_fail("passkey_failed")
    result = register(db(), Ceremonies(idp.state), RelyingParty.from_settings(idp.settings), account_id=account.id,
                      handle=body.get("ceremony"), binding=flow.binding, credential=body.get("credential"),
                      label=LABEL)
    if not result.success:
        db().commit()  # the audit record of the failure; the code stays unused
        return _json_fail(result.error or "passkey_failed", 400, message("passkey_failed"))
    try:
        activation.redeem(db(), row)  # single use, in the same transaction as the passkey
    except ActivationRefused:
        db().rollback()
        return _json_fail("activation_code_invalid")
    activation.finish(db(), row, account, idp.sessions, keep=(result.passkey_id,))
    login, token = idp.sessions.start(db(), account.id, VERIFIED_EVENT, user_agent=request.headers.get("User-Agent"))
    remember_place(idp, login)
    db().commit()
    g.pop("idp_login", None)
    ActivationFlow.clear()
    response = jsonify(ok=True, redirect=url_for("consular.activated"))
    set_login_cookie(response, token)
    return response


@bp.get("/activated")
def activated():
    login = current_login()
    if login is None:
        return redirect(url_for("auth.login"))
    return render_template("consular/activated.html", account=login.account)
