"""The OpenID Provider's endpoints."""
from __future__ import annotations

from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oauth2.rfc9207 import IssuerParameter
from authlib.common.urls import add_params_to_uri
from flask import Blueprint, Response, abort, g, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from idp.app import csrf, services
from idp.audit.log import record
from idp.auth.continuations import registry_of
from idp.auth.continuations_web import browser_binding
from idp.auth.current import clear_login_cookie, current_login
from idp.cabinet import alerts
from idp.db import after_commit
from idp.i18n import pick_ui_locale
from oidc import consent as consent_service
from oidc.checks import AuthzContext, run_checks
from oidc.discovery import metadata
from oidc.models import Client
from oidc.pending import AuthorizeContinuation, Pending, PendingRequests
from oidc.server import Principal, init_server
from oidc.userinfo_endpoint import userinfo_response

bp = Blueprint("oidc", __name__)
MAX_QUERY = 8192


class Issuer(IssuerParameter):
    def __init__(self, issuer: str):
        self.issuer = issuer

    def get_issuer(self) -> str:
        return self.issuer


def _server():
    return g.setdefault("oidc_server", services().oidc_server)


def error_redirect(redirect_uri: str, error: OAuth2Error, state: str | None) -> Response:
    """An authorization error sent to the client, with `iss` (RFC 9207)."""
    params = [("error", error.error)]
    if error.description:
        params.append(("error_description", error.description))
    if state:
        params.append(("state", state))
    params.append(("iss", services().settings.issuer))
    return redirect(add_params_to_uri(redirect_uri, params), 302)


def error_page(code: str, status: int = 400):
    messages = {
        "unknown_client": _("This service is not registered with OneID, so you cannot log in to it from here."),
        "invalid_redirect_uri": _("The address this service asked us to send you back to is not registered. "
                                  "For your safety the login was stopped. Please contact the service."),
        "request_too_large": _("The login request is too large."),
        "request_expired": _("This login request has expired. Please start again from the service."),
    }
    return render_template("oidc/error.html", message=messages[code], code=code), status


def _params() -> list[tuple[str, str]]:
    source = request.form if request.method == "POST" else request.args
    return list(source.items(multi=True))


@bp.route("/authorize", methods=["GET", "POST"])
@csrf.exempt
def authorize():
    idp = services()
    if len(request.query_string) > MAX_QUERY or (request.content_length or 0) > MAX_QUERY:
        return error_page("request_too_large", 413)
    params = _params()
    args = dict(params)
    if args.get("request_uri"):
        return _resume_pushed(args)
    # 1. Client and redirect URI: failures are shown here, never redirected (Core 3.1.2.6).
    client = _server().query_client(args.get("client_id"))
    if client is None:
        return error_page("unknown_client")
    redirect_uri = args.get("redirect_uri")
    if not redirect_uri or not client.check_redirect_uri(redirect_uri):
        return error_page("invalid_redirect_uri")
    g.ui_locale = pick_ui_locale(args.get("ui_locales"))
    state = args.get("state")
    browser = browser_binding(create=True)
    pending_requests = PendingRequests(idp.state)
    # From another browser `r` does not exist: the request starts over here.
    pending = pending_requests.matching(args.get("r"), params, browser=browser)
    fresh = False
    login = current_login()
    principal = Principal(login.account, client, login.id) if login else None
    try:
        if any(len([v for k, v in params if k == name]) > 1 for name in args):
            raise OAuth2Error("Repeated parameters are not allowed.", error="invalid_request",
                              redirect_uri=redirect_uri)
        grant = _server().get_consent_grant(end_user=principal)
        if pending is None:
            if client.profile == "fapi2":  # its requests arrive through /par (and then have a pending one)
                raise OAuth2Error("This client must push its authorization request (PAR).",
                                  error="invalid_request", redirect_uri=redirect_uri)
            pending = pending_requests.create(params, client.client_id, redirect_uri, state, browser=browser,
                                              login_id=login.id if login else None,
                                              account_id=login.account_id if login else None, save=False)
            fresh = True  # stored below only if an interaction needs it
        elif login is not None and pending.bind_login(login.id, login.account_id):
            pending_requests.save(pending)  # a login changed elsewhere: what was recorded is void
        ctx = AuthzContext(session=idp.db.session, client=client, params=args, redirect_uri=redirect_uri,
                           pending=pending, login=login)
        interaction = run_checks(ctx)
    except OAuth2Error as exc:
        idp.db.session.rollback()
        return error_redirect(redirect_uri, exc, state)
    if interaction is not None:
        if fresh:
            pending_requests.save(pending)
        if interaction.kind in ("login", "step_up"):
            essential = "1" if ctx.acr_essential else None
            return redirect(url_for("auth.login", r=pending.id, why=interaction.reason, essential=essential))
        if interaction.kind == "select_account":
            return redirect(url_for("oidc.select_account", r=pending.id))
        return redirect(url_for("oidc.consent", r=pending.id))
    grant.request.idp_context = {
        "claims": ctx.claims, "sid": login.id, "auth_time": int(login.auth_time.timestamp()),
        "acr": _acr(ctx), "amr": list(login.amr),
    }
    if not fresh and not pending_requests.claim(pending):  # a parallel resume of the same request got there first
        return error_page("request_expired")
    response = _server().create_authorization_response(grant=grant, grant_user=principal)
    alerts.new_portal(idp.db.session, login.account, client_id=client.client_id, portal=client.name)
    record(idp.db.session, "oidc.authorized", actor=client.client_id, subject=login.account_id,
           scope=grant.request.payload.scope, acr=_acr(ctx))
    idp.db.session.commit()
    return response


def _resume_pushed(args: dict):
    """RFC 9126: only the parameters pushed to /par count, once. They become
    this browser's pending request, and the browser continues with them."""
    from oidc.par import take

    idp = services()
    stored = take(idp.state, args.get("client_id", ""), args["request_uri"])
    client = _server().query_client(stored["client_id"]) if stored else None
    if client is None or not client.check_redirect_uri(stored.get("redirect_uri")):
        return error_page("request_expired")
    login = current_login()
    pending = PendingRequests(idp.state).create(
        list(stored.items()), client.client_id, stored["redirect_uri"], stored.get("state"),
        browser=browser_binding(create=True), login_id=login.id if login else None,
        account_id=login.account_id if login else None)
    return redirect(pending.resume_url(url_for("oidc.authorize")))


def _acr(ctx: AuthzContext) -> str:
    from idp.auth.levels import acr_uri

    return acr_uri(ctx.session_level)


def _pending_or_error() -> Pending:
    """The pending request `r` of this browser, or the "expired" page."""
    pending = PendingRequests(services().state).get(request.values.get("r"), browser=browser_binding())
    if pending is None:
        abort(make_response(*error_page("request_expired")))
    return pending


def _bound_login(pending: Pending):
    """The browser's login when `pending` is bound to it. Otherwise end the
    request with a redirect: to log in, or back to /authorize, which binds the
    request to the current login and starts its interaction over."""
    login = current_login()
    if login is None:
        abort(redirect(url_for("auth.login", r=pending.id)))
    if not pending.bound_to(login.id):
        abort(redirect(pending.resume_url(url_for("oidc.authorize"))))
    return login


@bp.route("/authorize/consent", methods=["GET", "POST"])
def consent():
    idp = services()
    pending = _pending_or_error()
    login = _bound_login(pending)
    view = consent_service.describe(idp.db.session, pending, login)
    if request.method == "POST":
        requests = PendingRequests(idp.state)
        if request.form.get("decision") != "allow":
            record(idp.db.session, "oidc.consent.denied", actor=login.account_id, subject=login.account_id,
                   client=pending.client_id)
            after_commit(idp.db.session, lambda: requests.finish(pending))
            idp.db.session.commit()
            return error_redirect(pending.redirect_uri, OAuth2Error(error="access_denied",
                                  description="The user did not allow access."), pending.state)
        consent_service.grant(idp.db.session, login.account_id, pending.client_id, view.scopes, view.claims,
                              remember=request.form.get("remember") == "1")
        pending.consented_by = login.account_id  # honoured only for this account
        after_commit(idp.db.session, lambda: requests.save(pending))
        idp.db.session.commit()
        return redirect(pending.resume_url(url_for("oidc.authorize")))
    return render_template("oidc/consent.html", view=view, pending=pending)


@bp.route("/authorize/select-account", methods=["GET", "POST"])
def select_account():
    idp = services()
    pending = _pending_or_error()
    login = _bound_login(pending)
    if request.method == "POST":
        if request.form.get("choice") == "other":
            pending.selected = True
            pending.unbind_login()  # the next login on this request's pages binds it
            idp.sessions.end(login)
            after_commit(idp.db.session, lambda: PendingRequests(idp.state).save(pending))
            idp.db.session.commit()
            response = redirect(url_for("auth.login", r=pending.id))
            clear_login_cookie(response)
            return response
        pending.selected = True
        PendingRequests(idp.state).save(pending)
        return redirect(pending.resume_url(url_for("oidc.authorize")))
    return render_template("oidc/select_account.html", login=login, pending=pending,
                           client=_server().query_client(pending.client_id))


@bp.route("/authorize/cancel", methods=["POST"])
def cancel():
    idp = services()
    pending = _pending_or_error()
    PendingRequests(idp.state).finish(pending)
    return error_redirect(pending.redirect_uri, OAuth2Error(error="access_denied",
                          description="The user cancelled the login."), pending.state)


@bp.route("/authorize/accept-lower-level", methods=["POST"])
def accept_lower_level():
    idp = services()
    pending = _pending_or_error()
    _bound_login(pending)
    pending.lower_acr_ok = True  # for this login only
    PendingRequests(idp.state).save(pending)
    return redirect(pending.resume_url(url_for("oidc.authorize")))


@bp.route("/token", methods=["POST"])
@csrf.exempt
def token():
    idp = services()
    response = _server().create_token_response()
    idp.db.session.commit()
    return response


@bp.route("/revoke", methods=["POST"])
@csrf.exempt
def revoke():
    idp = services()
    response = _server().create_endpoint_response("revocation")
    idp.db.session.commit()
    return response


@bp.route("/introspect", methods=["POST"])
@csrf.exempt
def introspect():
    response = _server().create_endpoint_response("introspection")
    services().db.session.commit()
    return response


@bp.route("/userinfo", methods=["GET", "POST"])
@csrf.exempt
def userinfo():
    return userinfo_response(services())


@bp.route("/.well-known/openid-configuration")
def discovery():
    response = jsonify(metadata(services().settings.issuer))
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/jwks.json")
def jwks():
    idp = services()
    response = jsonify(idp.keys.jwks(idp.db.session))
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def init_app(app, idp) -> None:
    from oidc import logout

    server = init_server(app, idp)
    server.register_extension(Issuer(idp.settings.issuer))
    idp.oidc_server = server
    from oidc.backchannel import revoke_account

    idp.account_revocation_hooks.append(revoke_account)

    def client_name(client_id: str) -> str | None:
        client = idp.db.session.get(Client, client_id)
        return client.name if client else None

    registry_of(app.extensions).register(AuthorizeContinuation(idp.state, client_name=client_name))
    app.register_blueprint(bp)
    app.register_blueprint(logout.bp)
