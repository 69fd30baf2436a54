"""RP-Initiated Logout 1.0 (`end_session_endpoint`)."""
from __future__ import annotations

from authlib.common.urls import add_params_to_uri
from flask import Blueprint, g, make_response, redirect, render_template, request
from flask_babel import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from idp.app import csrf, services
from idp.audit.log import record
from idp.auth.current import clear_login_cookie, current_login
from idp.i18n import pick_ui_locale
from oidc.backchannel import end_session_everywhere
from oidc.models import Client

bp = Blueprint("oidc_logout", __name__)


@bp.record_once
def _deliver_logout_tokens(state) -> None:
    """Logout tokens go out after the logout commits, from worker threads."""
    from oidc.delivery_worker import init_app

    init_app(state.app, state.app.extensions["idp"])


def _hint_claims(idp, hint: str) -> dict | None:
    """Claims of an ID token we issued (signature and issuer checked; an
    expired hint is still a valid hint, RP-Initiated Logout 2)."""
    if not hint or len(hint) > 8192:
        return None
    try:
        token = jwt.decode(hint, KeySet.import_key_set(idp.keys.jwks(idp.db.session)), algorithms=["ES256", "RS256"])
    except (JoseError, ValueError, TypeError):
        return None
    claims = token.claims
    if claims.get("iss") != idp.settings.issuer:
        return None
    return claims


def _fail(message: str):
    return render_template("oidc/error.html", message=message, code="logout_request_invalid"), 400


def _confirmed() -> bool:
    """The user pressed our confirm button (CSRF-checked; the endpoint itself
    accepts POSTs from relying parties, which carry no CSRF token)."""
    if request.method != "POST" or request.form.get("confirm") != "yes":
        return False
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True


@bp.route("/logout", methods=["GET", "POST"])
@csrf.exempt
def end_session():
    idp = services()
    args = request.values
    g.ui_locale = pick_ui_locale(args.get("ui_locales"))
    hint = _hint_claims(idp, args.get("id_token_hint", ""))
    if args.get("id_token_hint") and hint is None:
        return _fail(_("The logout request carried an ID token we did not issue."))
    client_id = args.get("client_id")
    aud = hint.get("aud") if hint else None
    aud = aud[0] if isinstance(aud, list) and aud else aud
    if client_id and aud and client_id != aud:
        return _fail(_("The logout request names two different services."))
    client = idp.db.session.get(Client, client_id or aud) if (client_id or aud) else None
    target = args.get("post_logout_redirect_uri")
    if target and (client is None or target not in client.post_logout_redirect_uris):
        return _fail(_("The address to return to after logout is not registered for this service."))
    login = current_login()
    confirmed = _confirmed()
    same_session = bool(login and hint and hint.get("sid") == login.id)
    if login and not (same_session or confirmed):
        return render_template("oidc/logout_confirm.html", client=client, params=args)
    if login:
        end_session_everywhere(idp, login)
        record(idp.db.session, "session.logout", actor=login.account_id, subject=login.account_id,
               client=client.client_id if client else None)
        idp.db.session.commit()
    if target:
        params = [("state", args["state"])] if args.get("state") else []
        response = redirect(add_params_to_uri(target, params) if params else target)
    else:
        response = make_response(render_template("oidc/logged_out.html", client=client))
    clear_login_cookie(response)
    return response
