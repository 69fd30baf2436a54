"""The UserInfo endpoint (Core 5.3) with bearer tokens (RFC 6750):
header, or form body on POST."""
from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import bindparam, select

from idp.audit.log import record
from idp.auth.models import LoginSession
from idp.db import utcnow
from oidc.claims import released_claims
from oidc.models import Token, token_hash
from oidc.server import Principal, load_account, subject
from oidc.userinfo import LOGIN_CLAIMS, claim_values


# Only read here: the columns as a plain row, without an ORM instance.
_TOKEN_LOOKUP = select(Token.client_id, Token.account_id, Token.sid, Token.scope, Token.claims, Token.revoked_at,
                       Token.access_expires_at, Token.dpop_jkt).where(Token.access_token_hash == bindparam("digest"))


def _bearer_error(error: str | None, description: str, status: int):
    value = 'Bearer realm="userinfo"'
    if error:
        value += f', error="{error}", error_description="{description}"'
    response = jsonify({"error": error or "invalid_request", "error_description": description})
    response.status_code = status
    response.headers["WWW-Authenticate"] = value
    return response


def _extract_token() -> tuple[str | None, str | None, str]:
    """(token, problem, scheme): scheme is "bearer" or "dpop" (RFC 9449 7.1)."""
    header = request.headers.get("Authorization", "")
    body = request.form.get("access_token") if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded" else None
    if header and body:
        return None, "Use only one way of sending the access token.", "bearer"
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() not in ("bearer", "dpop") or not value.strip():
            return None, "Authorization header must be 'Bearer <token>' or 'DPoP <token>'.", "bearer"
        return value.strip(), None, scheme.lower()
    if body:
        return body, None, "bearer"
    return None, None, "bearer"


def _sender_problem(idp, token, raw: str, scheme: str):
    """A DPoP-bound token needs the DPoP scheme and a fresh proof by its key
    over this token; a bearer token is not accepted under the DPoP scheme."""
    if token.dpop_jkt is None:
        return _bearer_error("invalid_token", "This access token is a bearer token.", 401) if scheme == "dpop" else None
    if scheme != "dpop":
        return _bearer_error("invalid_token", "This access token is bound to a DPoP key: use the DPoP scheme.", 401)
    from oidc.sender_constraint import DPoPProblem, accept_proof

    try:
        proof = accept_proof(idp, request.headers.get("DPoP"), method=request.method,
                             url=idp.settings.issuer + "/userinfo", require_nonce=False, access_token=raw)
    except DPoPProblem as exc:
        response = _bearer_error(exc.error, exc.description, 401)
        response.headers["WWW-Authenticate"] = f'DPoP error="{exc.error}", algs="ES256 PS256 RS256"'
        return response
    if proof.jkt != token.dpop_jkt:
        return _bearer_error("invalid_token", "The DPoP proof is not by the key this token is bound to.", 401)
    return None


def userinfo_response(idp):
    raw, problem, scheme = _extract_token()
    if problem:
        return _bearer_error("invalid_request", problem, 400)
    if raw is None:
        return _bearer_error(None, "An access token is required.", 401)
    if len(raw) > 200:
        return _bearer_error("invalid_token", "The access token is invalid.", 401)
    session = idp.db.session
    token = session.execute(_TOKEN_LOOKUP, {"digest": token_hash(raw)}).first()
    if token is None or token.revoked_at is not None or token.access_expires_at <= utcnow():
        return _bearer_error("invalid_token", "The access token is invalid, expired or revoked.", 401)
    sender_problem = _sender_problem(idp, token, raw, scheme)
    if sender_problem is not None:
        return sender_problem
    if "openid" not in token.scope.split():
        return _bearer_error("insufficient_scope", "The token was not issued for OpenID Connect.", 403)
    client = idp.oidc_server.query_client(token.client_id)
    if client.profile == "oneid_legacy":  # its tokens answer only OneID's identify call
        return _bearer_error("invalid_token", "The access token is invalid, expired or revoked.", 401)
    account = load_account(session, token.account_id)
    if account is None or not account.active:
        return _bearer_error("invalid_token", "The account is not active.", 401)
    names = released_claims(token.scope, token.claims or {}, "userinfo", client.allowed_scopes)
    body = {"sub": subject(idp, Principal(account, client))}
    login = session.get(LoginSession, token.sid) if token.sid and names & LOGIN_CLAIMS else None
    body.update(claim_values(account, names, login))
    record(session, "oidc.userinfo", actor=client.client_id, subject=account.id, claims=sorted(names))
    session.commit()
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response
