"""`/sso/oauth/Authorization.do`: every step of OneID's protocol at one URL.

- sign-in (browser): `response_type=one_code` (or `code`) -> /authorize,
  which logs the citizen in, asks consent and returns `code` and `state`;
- `grant_type=one_authorization_code`: the code for tokens (the OIDC
  authorization-code grant, without PKCE, secret in the form);
- `grant_type=one_refresh_token` (or `refresh_token`): a rotating refresh;
- `grant_type=one_access_token_identify`: the person's fields;
- `grant_type=one_log_out`: revoke the token and end the login session.

Back-channel calls take their parameters from the form body, the query
string of a POST, or (as some portals do for identify and logout) a GET.
"""
from __future__ import annotations

import json
from urllib.parse import urlencode

from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from flask import Blueprint, jsonify, redirect, request, url_for
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict

from idp.app import csrf, services
from idp.audit.log import record
from idp.auth.models import LoginSession
from idp.db import utcnow
from idp.people.models import Account
from oidc.legacy.fields import identify_fields, released
from oidc.legacy.params import LegacyError, merged
from oidc.models import AuthorizationCode, Client, Token, token_hash
from oidc.server import Principal, subject

bp = Blueprint("oneid_legacy", __name__)
PROFILE = "oneid_legacy"
SIGN_IN = {"one_code", "code"}
CODE_GRANTS = {"one_authorization_code"}
REFRESH_GRANTS = {"one_refresh_token", "refresh_token"}
IDENTIFY = "one_access_token_identify"
LOG_OUT = "one_log_out"


class LegacyRequest(OAuth2Request):
    """A token request for Authlib's grants, built from a legacy call."""

    def __init__(self, uri: str, data: dict, headers):
        super().__init__("POST", uri, headers=headers)
        self._form = MultiDict(data)
        self.payload = BasicOAuth2Payload(data)

    @property
    def args(self):
        return MultiDict()

    @property
    def form(self):
        return self._form


def _error(exc: LegacyError):
    response = jsonify({"error": exc.error, "error_description": exc.description, "ret_cd": "-1"})
    response.status_code = exc.status
    if "Retry-After" in exc.headers:
        response.headers["Retry-After"] = exc.headers["Retry-After"]
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/sso/oauth/Authorization.do", methods=["GET", "POST"])
@csrf.exempt
def endpoint():
    try:
        params = merged(request.args, request.form if request.method == "POST" else MultiDict())
        grant_type = params.get("grant_type", "")
        if grant_type:
            return _back_channel(grant_type, params)
        if params.get("response_type") in SIGN_IN and request.method == "GET":
            return _sign_in(params)
        raise LegacyError("unsupported_response_type" if params.get("response_type") else "invalid_request",
                          "Give response_type=one_code (sign-in) or a grant_type.")
    except LegacyError as exc:
        services().db.session.rollback()
        return _error(exc)


def _legacy_client(client_id: str | None) -> Client:
    client = services().oidc_server.query_client(client_id) if client_id else None
    if client is None or client.profile != PROFILE:
        raise LegacyError("invalid_client", "This client is not registered for the OneID protocol.", 401)
    return client


def _sign_in(params: dict):
    """Hand the browser to /authorize: the same login, consent and levels as OIDC."""
    from oidc.views import error_page

    client_id, redirect_uri = params.get("client_id"), params.get("redirect_uri")
    client = services().oidc_server.query_client(client_id) if client_id else None
    if client is None or client.profile != PROFILE:
        return error_page("unknown_client")
    if not redirect_uri or not client.check_redirect_uri(redirect_uri):
        return error_page("invalid_redirect_uri")
    query = {"response_type": "code", "client_id": client.client_id, "redirect_uri": redirect_uri,
             # the portal's own scope word (often its client id) is not a scope here:
             # it receives what it was registered for and the citizen consented to
             "scope": " ".join(client.allowed_scopes)}
    if params.get("state"):
        query["state"] = params["state"]
    for name in ("ui_locales", "login_hint"):
        if params.get(name):
            query[name] = params[name]
    return redirect(url_for("oidc.authorize") + "?" + urlencode(query))


def _authenticate(params: dict) -> Client:
    """The portal's id and secret (form or query), through the OP's client
    authentication, so the same per-client limits apply."""
    idp = services()
    _legacy_client(params.get("client_id"))
    oauth_request = LegacyRequest(idp.settings.issuer + "/token",
                                  {"client_id": params.get("client_id", ""),
                                   "client_secret": params.get("client_secret", "")}, request.headers)
    try:
        return idp.oidc_server.authenticate_client(oauth_request, ["client_secret_post"], endpoint="token")
    except OAuth2Error as exc:
        idp.db.session.commit()  # the counts of failures and uses stay
        if exc.status_code == 429:
            raise LegacyError("slow_down", exc.description, 429, dict(exc.get_headers())) from None
        raise LegacyError("invalid_client", "Client authentication failed.", 401) from None


def _back_channel(grant_type: str, params: dict):
    if grant_type in CODE_GRANTS:
        return _token(params, {"grant_type": "authorization_code", "code": params.get("code", ""),
                               "redirect_uri": params.get("redirect_uri") or _code_redirect_uri(params)})
    if grant_type in REFRESH_GRANTS:
        return _token(params, {"grant_type": "refresh_token", "refresh_token": params.get("refresh_token", "")})
    if grant_type == IDENTIFY:
        return _identify(params)
    if grant_type == LOG_OUT:
        return _log_out(params)
    raise LegacyError("unsupported_grant_type", "This grant_type is not part of the OneID protocol.")


def _code_redirect_uri(params: dict) -> str:
    """Some portals leave redirect_uri out of the code exchange: use the one the
    code was issued for (the client still authenticates with its secret)."""
    code = params.get("code", "")
    if not code or len(code) > 200:
        return ""
    row = services().db.session.scalars(select(AuthorizationCode).where(
        AuthorizationCode.code_hash == token_hash(code),
        AuthorizationCode.client_id == params.get("client_id", ""))).first()
    return row.redirect_uri if row else ""


def _token(params: dict, grant: dict):
    idp = services()
    _legacy_client(params.get("client_id"))
    data = {**grant, "client_id": params.get("client_id", ""), "client_secret": params.get("client_secret", "")}
    response = idp.oidc_server.create_token_response(
        LegacyRequest(idp.settings.issuer + "/token", data, request.headers))
    idp.db.session.commit()
    body = json.loads(response.get_data(as_text=True) or "{}")
    if response.status_code != 200:
        status = {"invalid_client": 401, "slow_down": 429}.get(body.get("error"), 400)
        retry = {"Retry-After": response.headers["Retry-After"]} if "Retry-After" in response.headers else {}
        raise LegacyError(body.get("error", "invalid_grant"), body.get("error_description", ""), status, retry)
    answer = {k: body[k] for k in ("access_token", "refresh_token", "expires_in", "token_type") if k in body}
    # portals send this back in identify; echo their own word for it
    answer["scope"] = params.get("scope") or body.get("scope", "")
    result = jsonify(answer)
    result.headers["Cache-Control"] = "no-store"
    return result


def _access_token(params: dict, client: Client) -> Token:
    raw = params.get("access_token", "")
    if not raw:
        header = request.headers.get("Authorization", "")
        if header[:7].lower() == "bearer ":
            raw = header[7:].strip()
    if not raw or len(raw) > 200:
        raise LegacyError("invalid_request", "An access_token is required.")
    token = services().db.session.scalars(select(Token).where(Token.access_token_hash == token_hash(raw))).first()
    if (token is None or token.client_id != client.client_id or token.revoked_at is not None
            or token.access_expires_at <= utcnow()):
        raise LegacyError("invalid_token", "The access token is invalid, expired or revoked.", 401)
    return token


def _identify(params: dict):
    idp = services()
    session = idp.db.session
    client = _authenticate(params)
    token = _access_token(params, client)
    account = session.get(Account, token.account_id)
    if account is None or not account.active:
        raise LegacyError("invalid_token", "The account is not active.", 401)
    login = session.get(LoginSession, token.sid) if token.sid else None
    fields = identify_fields(account, login, user_id=subject(idp, Principal(account, client)),
                             scopes=set(token.scope.split()))
    record(session, "oidc.userinfo", actor=client.client_id, subject=account.id, claims=released(fields),
           protocol="oneid")
    session.commit()
    response = jsonify(fields)
    response.headers["Cache-Control"] = "no-store"
    return response


def _log_out(params: dict):
    from oidc.backchannel import end_session_everywhere

    idp = services()
    session = idp.db.session
    client = _authenticate(params)
    token = _access_token(params, client)
    session.execute(update(Token).where(Token.family_id == token.family_id, Token.revoked_at.is_(None))
                    .values(revoked_at=utcnow()))
    login = session.get(LoginSession, token.sid) if token.sid else None
    if login is not None and login.ended_at is None:
        end_session_everywhere(idp, login)
    record(session, "session.logout", actor=client.client_id, subject=token.account_id, client=client.client_id,
           protocol="oneid")
    session.commit()
    return jsonify({"ret_cd": "0"})
