"""E-signature key login pages: the page, a fresh challenge, the signed answer.

The browser signs with its .pfx locally (idp/static/esign/esign.js driven by
login.js); only the CMS signature is posted. Disabled (404) unless
IDP_ESIGN_TRUST_ANCHORS is set.
"""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, jsonify, render_template, request, session
from flask_babel import lazy_gettext as _l

from idp.app import services
from idp.auth.current import current_login
from idp.auth.continuations_web import current_continuation, registry
from idp.auth.respond import finish
from idp.esign.service import OTHER_PERSON, EsignLogin
from idp.messages import message

bp = Blueprint("esign_login", __name__)

_CHECK_FAILED = _l("The signature could not be checked. Reload the page and sign again.")
_CANNOT_LOG_IN = _l("This key cannot be used to log in.")
_CANNOT_CHECK = _l("We cannot check your key right now. Please try again later.")

# Server reason codes (idp.esign.ALL_REASONS and the login's own) -> what the user reads.
SERVER_MESSAGES = {
    "challenge_expired": _l("The login request has expired or was already used. Please sign again."),
    "malformed": _CHECK_FAILED,
    "signer_certificate_missing": _CHECK_FAILED,
    "bad_signature": _CHECK_FAILED,
    "challenge_mismatch": _CHECK_FAILED,
    "signing_time": _l("The time of the signature differs from ours. Check the date and time on your device, "
                       "then sign again."),
    "untrusted_issuer": _l("This key was not issued by a certification centre we accept."),
    "cert_expired": _l("Your key has expired. Renew it at a certification centre."),
    "cert_not_yet_valid": _l("Your key is not valid yet. Check the date on your device or try again later."),
    "key_usage": _CANNOT_LOG_IN,
    "cert_invalid": _CANNOT_LOG_IN,
    "no_pinfl": _CANNOT_LOG_IN,
    "ambiguous_time": _CANNOT_LOG_IN,
    "extended_key_usage": _CANNOT_LOG_IN,
    "pinfl_invalid": _CANNOT_LOG_IN,
    "pinfl_conflict": _CANNOT_LOG_IN,
    "tin_invalid": _CANNOT_LOG_IN,
    "unsupported_algorithm": _CANNOT_LOG_IN,
    "revoked": _l("This key has been revoked. Ask your certification centre for a new one."),
    "crl_invalid": _CANNOT_CHECK,
    "ocsp_unavailable": _CANNOT_CHECK,
    "revocation_unknown": _CANNOT_CHECK,
    "no_account": _l("There is no account for this certificate. Register first, then log in with your key."),
    OTHER_PERSON: _l("This key belongs to someone other than the person logged in. To log in as another "
                     "person, log out first."),
}
# Codes of the browser signer (IdpEsign.EsignClientError) and of login.js.
CLIENT_MESSAGES = {
    "no_file": _l("Choose your key file."),
    "bad_password": _l("The password does not open this key file. Check it and try again."),
    "not_pkcs12": _l("This file is not an e-signature key file (.pfx or .p12)."),
    "unsupported_pfx": _l("This key file is protected in an old way that browsers cannot open. Export it again "
                          "with current software, or ask your certification centre."),
    "no_key": _l("This file holds no private key."),
    "unsupported_key": _l("This kind of key cannot sign in a browser."),
    "no_webcrypto": _l("Your browser cannot sign on this page. Update it, or open the page over a secure "
                       "connection."),
    "challenge_failed": _l("We could not start the signing. Check your connection and try again."),
    "expired": _l("This key has expired. The login will be refused; renew it at a certification centre."),
    "unknown": _l("Something went wrong while signing. Reload the page and try again."),
}
STATUS = {"challenge_expired": 400, "malformed": 400, OTHER_PERSON: 403, "account_disabled": 403,
          "crl_invalid": 503, "ocsp_unavailable": 503, "revocation_unknown": 503}


def _verifier():
    return current_app.extensions.get("esign_verifier")


def _login_service() -> EsignLogin:
    verifier = _verifier()
    if verifier is None:
        abort(404)
    idp = services()
    return EsignLogin(idp.state, verifier, audience=idp.settings.issuer)


def _binding(create: bool = False) -> str:
    """This browser's random challenge binding, kept in its signed session cookie."""
    value = session.get("esign_binding")
    if not isinstance(value, str) and create:
        value = session["esign_binding"] = secrets.token_urlsafe(24)
    return value if isinstance(value, str) else ""


def server_message(code: str) -> str:
    text = SERVER_MESSAGES.get(code)
    return str(text) if text is not None else message(code)


@bp.app_context_processor
def _esign_enabled():
    return {"esign_login_enabled": _verifier() is not None}


def _render(error: str | None = None, status: int = 200, code: str | None = None):
    context = {"pending": None, **registry().describe(current_continuation())}
    why = request.values.get("why", "")[:40]
    login = current_login()
    return render_template("esign/login.html", error=error, code=code, why=why,
                           step_up=login is not None and why != "login_hint", login=login,
                           client_messages=CLIENT_MESSAGES, **context), status


@bp.get("/login/esign")
def page():
    _login_service()
    _binding(create=True)
    return _render()


@bp.post("/login/esign/challenge")
def challenge():
    challenge = _login_service().issue(binding=_binding(create=True))
    return jsonify(challenge.as_json())


@bp.post("/login/esign")
def verify():
    service = _login_service()
    idp = services()
    login = current_login()
    # A live session is stepped up, unless the service asked for another account.
    stepping_up = login.account_id if login is not None and request.form.get("why") != "login_hint" else None
    result = service.login(idp.db.session, challenge_id=request.form.get("challenge_id", ""),
                           cms=request.form.get("cms", ""), binding=_binding(), stepping_up=stepping_up)
    if result.success:
        return finish(result.account_id, result.event)
    idp.db.session.commit()  # keep the audit record of the failure
    return _render(server_message(result.error), STATUS.get(result.error, 401), result.error)
