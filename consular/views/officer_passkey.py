"""A new officer adds the portal passkey with the administrator's one-time
code (consular/services/officer_enrollment.py): the code first, on a page of
the officer's own OneID login; then the passkey ceremony, which stores a
passkey at its own level (user verification required). The code's grant is
kept in this browser's session for ten minutes, bound to the login."""
from __future__ import annotations

import time

from flask import jsonify, redirect, render_template, request, session, url_for

from idp.app import services
from idp.audit.log import record
from idp.auth.current import current_login
from idp.passkeys.ceremonies import Ceremonies, RelyingParty
from idp.passkeys.messages import BROWSER
from idp.passkeys.messages import message as passkey_message
from idp.passkeys.registration import register, registration_options
from idp.people.models import Account

from consular.messages import message
from consular.services import officer_enrollment, officers
from consular.views.common import db, portal
from consular.views.login import _binding

GRANT_KEY = "officer_passkey_grant"
GRANT_TTL = 600


def _login_with_role():
    login = current_login()
    if login is None or not officers.roles_of(db(), login.account_id):
        return None
    return login


def _granted(login) -> bool:
    grant = session.get(GRANT_KEY)
    return (isinstance(grant, dict) and grant.get("login") == login.id
            and grant.get("until", 0) > time.time())


@portal.route("/passkey", methods=["GET", "POST"])
def officer_passkey():
    login = _login_with_role()
    if login is None:
        return redirect(url_for("auth.login", next=url_for("consular_portal.officer_passkey")))
    error = None
    if request.method == "POST":
        outcome = officer_enrollment.redeem(services().state, login.account_id, request.form.get("code", ""))
        record(db(), "consular.officer.passkey_code", actor=login.account_id, subject=login.account_id,
               outcome=outcome)
        db().commit()
        if outcome == "ok":
            session[GRANT_KEY] = {"login": login.id, "until": time.time() + GRANT_TTL}
        else:
            error = message("officer_code_" + outcome)
    return render_template("consular/officer_passkey.html", granted=_granted(login), error=error,
                           passkey_messages=BROWSER), (400 if error else 200)


@portal.post("/passkey/options")
def officer_passkey_options():
    login = _login_with_role()
    if login is None or not _granted(login):
        return jsonify(ok=False, error="code_required", message=message("officer_code_wrong")), 403
    idp = services()
    account = db().get(Account, login.account_id)
    options = registration_options(db(), Ceremonies(idp.state), RelyingParty.from_settings(idp.settings), account,
                                   binding=_binding(), label="OneID portal", require_user_verification=True)
    return jsonify(ok=True, **options.as_json())


@portal.post("/passkey/verify")
def officer_passkey_verify():
    login = _login_with_role()
    if login is None or not _granted(login):
        return jsonify(ok=False, error="code_required", message=message("officer_code_wrong")), 403
    idp = services()
    body = request.get_json(silent=True) if request.is_json else None
    body = body if isinstance(body, dict) else {}
    # max_level None: the administrator's code, given in person, stands behind it
    result = register(db(), Ceremonies(idp.state), RelyingParty.from_settings(idp.settings),
                      account_id=login.account_id, handle=body.get("ceremony"), binding=_binding(create=False),
                      credential=body.get("credential"), label=body.get("label") or "OneID portal", max_level=None)
    if not result.success:
        db().commit()
        return jsonify(ok=False, error=result.error, message=passkey_message(result.error)), 400
    session.pop(GRANT_KEY, None)
    record(db(), "consular.officer.passkey_added", actor=login.account_id, subject=login.account_id)
    db().commit()
    return jsonify(ok=True, redirect=url_for("consular_portal.login"))
