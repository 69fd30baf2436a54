"""Pushed authorization requests (RFC 9126).

The client posts its authorization parameters (or a signed request object)
to `/par`, authenticated as at the token endpoint, and gets a one-minute
`request_uri`; the browser then carries only `client_id` and `request_uri`
to `/authorize`. Clients of the FAPI 2.0 profile must use it.
"""
from __future__ import annotations

import secrets

from authlib.oauth2.rfc6749.errors import OAuth2Error
from flask import Blueprint, jsonify, request

from idp.app import csrf, services
from oidc.request_object import RequestObjectError, parameters

bp = Blueprint("oidc_par", __name__)
URN = "urn:ietf:params:oauth:request_uri:"
LIFETIME = 60
MAX_BODY = 16384
CLIENT_AUTH = ("client_id", "client_secret", "client_assertion", "client_assertion_type")


def _error(error: str, description: str, status: int = 400):
    response = jsonify({"error": error, "error_description": description})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def check_pushed(client, params: dict) -> str | None:
    """What is wrong with pushed parameters before they are stored, or None;
    everything else is checked when the browser arrives at /authorize."""
    if params.get("response_type") != "code":
        return "response_type must be code."
    redirect_uri = params.get("redirect_uri")
    if not redirect_uri or not client.check_redirect_uri(redirect_uri):
        return "redirect_uri is missing or not registered for this client."
    if client.profile == "fapi2" and params.get("code_challenge_method") != "S256":
        return "PKCE with S256 is required."
    return None


@bp.route("/par", methods=["POST"])
@csrf.exempt
def push():
    idp = services()
    server = idp.oidc_server
    if (request.content_length or 0) > MAX_BODY:
        return _error("invalid_request", "The request is too large.", 413)
    if request.args:
        return _error("invalid_request", "Parameters go in the form body.")
    oauth_request = server.create_oauth2_request(None)
    try:
        client = server.authenticate_client(oauth_request, ["client_secret_basic", "client_secret_post",
                                                             "private_key_jwt", "none"], endpoint="token")
    except OAuth2Error as exc:
        idp.db.session.commit()  # keep the replay cache and limits
        return _error(exc.error, exc.description or "Client authentication failed.", 401)
    if client.profile == "fapi2" and client.token_endpoint_auth_method != "private_key_jwt":
        return _error("invalid_client", "FAPI 2.0 clients authenticate with private_key_jwt.", 401)
    form = {k: v for k, v in request.form.items() if k not in CLIENT_AUTH}
    if any(len(request.form.getlist(k)) > 1 for k in request.form):
        return _error("invalid_request", "Repeated parameters are not allowed.")
    if "request_uri" in form:
        return _error("invalid_request", "request_uri cannot be pushed.")
    if "request" in form:
        try:
            params = parameters(form["request"], client=client, issuer=idp.settings.issuer)
        except RequestObjectError as exc:
            return _error("invalid_request_object", str(exc))
    else:
        params = {**form, "client_id": client.client_id}
    if request.form.get("client_id", client.client_id) != client.client_id:
        return _error("invalid_request", "client_id does not match the authenticated client.")
    problem = check_pushed(client, params)
    if problem:
        return _error("invalid_request", problem)
    request_uri = URN + secrets.token_urlsafe(32)
    idp.state.put("par:" + request_uri[len(URN):], {"client_id": client.client_id, "params": params}, LIFETIME)
    idp.db.session.commit()
    response = jsonify({"request_uri": request_uri, "expires_in": LIFETIME})
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"
    return response


def take(state, client_id: str, request_uri: str) -> dict | None:
    """The pushed parameters for this client, once; None when unknown, used or expired."""
    if not isinstance(request_uri, str) or not request_uri.startswith(URN) or len(request_uri) > 200:
        return None
    stored = state.take("par:" + request_uri[len(URN):])
    if stored is None or stored.get("client_id") != client_id:
        return None
    return stored["params"]
