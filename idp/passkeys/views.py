"""The `passkeys` blueprint: the cabinet's passkeys page and the JSON endpoints
that `static/passkeys.js` calls for registration, login and step-up.

Every JSON endpoint is a POST protected by the global CSRF check (the script
sends the token in ``X-CSRFToken``). Ceremonies are bound to this browser by a
random value in its session cookie (`_browser_binding`).
"""
from __future__ import annotations

import secrets

from flask import Blueprint, jsonify, make_response, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError

from idp.app import services
from idp.auth import sensitive
from idp.auth.current import current_login
from idp.auth.respond import as_json, finish
from idp.cabinet.notices import tell_owner
from idp.cabinet.reauth import gate as reauth_gate
from idp.passkeys import credentials
from idp.passkeys.authentication import authenticate, authentication_options
from idp.passkeys.ceremonies import Ceremonies, RelyingParty
from idp.passkeys.errors import PasskeyError
from idp.passkeys.forms import RemoveForm, RenameForm
from idp.passkeys.manage import remove_passkey, rename_passkey
from idp.passkeys.messages import BROWSER, message
from idp.passkeys.registration import register, registration_options

bp = Blueprint("passkeys", __name__)
BINDING_KEY = "passkeys_binding"
JSON_ENDPOINTS = {"passkeys.register_options", "passkeys.register_verify", "passkeys.login_options",
                  "passkeys.login_verify", "passkeys.step_up_options", "passkeys.step_up_verify"}
STATUS = {"wrong_account": 403, "credential_not_allowed": 403, "not_found": 404, "last_login_method": 409}


def _browser_binding(*, create: bool = True) -> str:
    """This browser's random ceremony binding (the only passkey entry in the Flask session)."""
    value = session.get(BINDING_KEY)
    if not isinstance(value, str) and create:
        value = session[BINDING_KEY] = secrets.token_urlsafe(24)
    return value if isinstance(value, str) else ""


def _ceremonies() -> Ceremonies:
    return Ceremonies(services().state)


def _rp() -> RelyingParty:
    return RelyingParty.from_settings(services().settings)


def _body() -> dict:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


def _fail(code: str, status: int = 400):
    return jsonify(ok=False, error=code, message=message(code)), STATUS.get(code, status)


@bp.errorhandler(CSRFError)
def _csrf_failed(_exc):
    if request.endpoint in JSON_ENDPOINTS:
        return _fail("csrf", 400)
    return render_template("error.html", status=400, message=message("csrf")), 400


@bp.app_context_processor
def _template_helpers():
    def passkey_count(account_id: str) -> int:
        return len(credentials.rows_of(services().db.session, account_id))

    def has_usable_passkey(account_id: str) -> bool:
        return credentials.count_usable(services().db.session, account_id) > 0

    return {"passkey_count": passkey_count, "has_usable_passkey": has_usable_passkey,
            "passkey_browser_messages": BROWSER}


# -- login (no user name) ---------------------------------------------------------
@bp.post("/passkeys/login/options")
def login_options():
    idp = services()
    options = authentication_options(idp.db.session, _ceremonies(), _rp(), binding=_browser_binding())
    return jsonify(ok=True, **options.as_json())


@bp.post("/passkeys/login")
def login_verify():
    idp = services()
    body = _body()
    result = authenticate(idp.db.session, _ceremonies(), _rp(), handle=body.get("ceremony"),
                          binding=_browser_binding(create=False), credential=body.get("credential"))
    if not result.success:
        idp.db.session.commit()  # the audit record and a clone flag stay
        return _fail(result.error, 401)
    return as_json(finish(result.account_id, result.event))


# -- step-up of the current session -------------------------------------------------
@bp.post("/passkeys/step-up/options")
def step_up_options():
    idp = services()
    login = current_login()
    if login is None:
        return _fail("login_required", 401)
    try:
        options = authentication_options(idp.db.session, _ceremonies(), _rp(), binding=_browser_binding(),
                                         purpose="step_up", account_id=login.account_id,
                                         require_user_verification=True)
    except PasskeyError as exc:
        return _fail(exc.code, 400)
    return jsonify(ok=True, **options.as_json())


@bp.post("/passkeys/step-up")
def step_up_verify():
    idp = services()
    login = current_login()
    if login is None:
        return _fail("login_required", 401)
    body = _body()
    result = authenticate(idp.db.session, _ceremonies(), _rp(), handle=body.get("ceremony"),
                          binding=_browser_binding(create=False), credential=body.get("credential"),
                          purpose="step_up", account_id=login.account_id)
    if not result.success:
        idp.db.session.commit()
        return _fail(result.error, 401)
    return as_json(finish(result.account_id, result.event))


# -- the cabinet's passkeys page --------------------------------------------------
def _page(login, *, error: str | None = None, status: int = 200):
    idp = services()
    page = render_template("passkeys/manage.html", login=login, account=login.account,
                           passkeys=credentials.list_passkeys(idp.db.session, login.account_id),
                           rename_form=RenameForm(),
                           added=request.args.get("added"), removed=request.args.get("removed") == "1",
                           error=message(error) if error else None)
    return make_response(page, status)


@bp.get("/cabinet/passkeys")
def manage():
    login = current_login()
    if login is None:
        return redirect(url_for("auth.login"))
    return _page(login)


@bp.post("/cabinet/passkeys/options")
def register_options():
    idp = services()
    login = current_login()
    if login is None:
        return _fail("login_required", 401)
    if (refused := reauth_gate(login, sensitive.PASSKEY_ADD, back=url_for("passkeys.manage"))) is not None:
        return refused
    try:
        options = registration_options(idp.db.session, _ceremonies(), _rp(), login.account,
                                       binding=_browser_binding(), label=_body().get("label"))
    except PasskeyError as exc:
        return _fail(exc.code, 400)
    return jsonify(ok=True, **options.as_json())


@bp.post("/cabinet/passkeys")
def register_verify():
    idp = services()
    login = current_login()
    if login is None:
        return _fail("login_required", 401)
    if (refused := reauth_gate(login, sensitive.PASSKEY_ADD, back=url_for("passkeys.manage"))) is not None:
        return refused
    body = _body()
    result = register(idp.db.session, _ceremonies(), _rp(), account_id=login.account_id,
                      handle=body.get("ceremony"), binding=_browser_binding(create=False),
                      credential=body.get("credential"), label=body.get("label"),
                      max_level=login.auth_level)  # capped at this session's level
    idp.db.session.commit()
    if not result.success:
        return _fail(result.error, 400)
    tell_owner(login.account, "passkey_added")
    return jsonify(ok=True, redirect=url_for("passkeys.manage", added=result.passkey_id))


@bp.post("/cabinet/passkeys/<passkey_id>/rename")
def rename(passkey_id: str):
    idp = services()
    login = current_login()
    if login is None:
        return redirect(url_for("auth.login"))
    form = RenameForm()
    if not form.validate_on_submit():
        return _page(login, error="csrf" if "csrf_token" in form.errors else "invalid_label", status=400)
    result = rename_passkey(idp.db.session, login.account_id, passkey_id, form.label.data)
    if not result.success:
        idp.db.session.rollback()
        return _page(login, error=result.error, status=STATUS.get(result.error, 400))
    idp.db.session.commit()
    return redirect(url_for("passkeys.manage"))


@bp.post("/cabinet/passkeys/<passkey_id>/remove")
def remove(passkey_id: str):
    idp = services()
    login = current_login()
    if login is None:
        return redirect(url_for("auth.login"))
    if not RemoveForm().validate_on_submit():
        return _page(login, error="csrf", status=400)
    target = credentials.owned_or_none(idp.db.session, login.account_id, passkey_id)
    if target is not None and (refused := reauth_gate(login, sensitive.PASSKEY_REMOVE, target=target,
                                                      back=url_for("passkeys.manage"))) is not None:
        return refused
    result = remove_passkey(idp.db.session, login.account_id, passkey_id)
    if not result.success:
        return _page(login, error=result.error, status=STATUS.get(result.error, 400))
    idp.db.session.commit()
    tell_owner(login.account, "passkey_removed")
    return redirect(url_for("passkeys.manage", removed=1))
