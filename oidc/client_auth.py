"""Client authentication at the token, revocation and introspection endpoints:
`private_key_jwt` (RFC 7523 section 3, OpenID Connect Core 9) and the
`invalid_client` answers that tell a relying party what it is registered for.

A client assertion is accepted only if it lives at most
``settings.client_assertion_max_lifetime`` seconds (from `iat`, or from now
when `iat` is absent), and its `jti` is remembered until its `exp` plus the
clock-skew leeway, so it cannot be replayed while it is still valid.
"""
from __future__ import annotations

import math
import time

from authlib.oauth2.rfc6749.authenticate_client import authenticate_client_secret_basic
from authlib.oauth2.rfc6749.errors import InvalidClientError
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

ASSERTION_TYPE = JWTBearerClientAssertion.CLIENT_ASSERTION_TYPE
MAX_JTI_LENGTH = 200


def _number(value) -> bool:
    # JSON as Python reads it also admits NaN and Infinity.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def assertion_lifetime_error(claims: dict, *, now: float, max_lifetime: int, leeway: int) -> str | None:
    """Why an assertion's `iat`/`exp` are refused, or None.

    Its lifetime is `exp - iat`, or `exp - now` without `iat`; an `iat` in
    the future cannot lengthen it, because `exp` may also be at most
    ``max_lifetime`` (plus leeway) from now."""
    exp, iat = claims.get("exp"), claims.get("iat")
    if not _number(exp):
        return "The assertion needs a numeric 'exp' claim."
    if iat is not None and not _number(iat):
        return "Invalid claim: 'iat'."
    if iat is not None and iat > now + leeway:
        return "The assertion was issued in the future ('iat')."
    if iat is not None and exp - iat > max_lifetime:
        return f"The assertion lives longer than {max_lifetime} seconds ('exp' - 'iat')."
    if exp - now > max_lifetime + leeway:
        return f"The assertion expires more than {max_lifetime} seconds from now."
    return None


class PrivateKeyJWT(JWTBearerClientAssertion):
    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self, idp):
        super().__init__(validate_jti=True)
        self.idp = idp

    def get_audiences(self):
        issuer = self.idp.settings.issuer
        return [issuer, issuer + "/token", issuer + "/par"]

    def verify_claims(self, claims):
        # Before Authlib's checks, which remember the jti: a refused
        # assertion must not occupy the replay store.
        problem = assertion_lifetime_error(claims, now=time.time(), leeway=self.leeway,
                                           max_lifetime=self.idp.settings.client_assertion_max_lifetime)
        if problem:
            raise InvalidClientError(description=problem)
        super().verify_claims(claims)

    def validate_jti(self, claims, jti):
        if not isinstance(jti, str) or not jti or len(jti) > MAX_JTI_LENGTH:
            return False
        ttl = max(1, int(claims["exp"] - time.time()) + self.leeway + 1)
        return self.idp.state.add(f"jti:{claims['sub']}:{jti}", {}, ttl=ttl)

    def resolve_client_public_key(self, client):
        jwks = client.jwks if isinstance(client.jwks, dict) else None
        if not jwks or not jwks.get("keys"):
            raise InvalidClientError(description=registered_for(client, "private_key_jwt")
                                     or "The client has no registered keys.")
        try:
            return KeySet.import_key_set(jwks)
        except (JoseError, ValueError, TypeError, KeyError):
            raise InvalidClientError(description="The client's registered keys cannot be used.") from None

    def authenticate_client(self, client):
        if client.check_endpoint_auth_method(self.CLIENT_AUTH_METHOD, "token"):
            return client
        raise InvalidClientError(description=registered_for(client, self.CLIENT_AUTH_METHOD))


def client_secret_basic(query_client, request):
    """Authlib's `client_secret_basic`, with credentials that are not UTF-8
    answered as invalid_client instead of a 500."""
    try:
        return authenticate_client_secret_basic(query_client, request)
    except UnicodeDecodeError:
        raise InvalidClientError(status_code=401, description="Malformed Basic credentials.") from None


def registered_for(client, presented: str) -> str | None:
    """An error description naming the method the client is registered for,
    when it differs from the one it presented."""
    registered = client.token_endpoint_auth_method
    if registered == presented:
        return None
    return (f"The client is registered for token_endpoint_auth_method '{registered}' "
            f"and cannot authenticate with '{presented}'.")


def presented_method(request) -> tuple[str | None, str | None]:
    """(client_id, method) the request tries to authenticate with."""
    form = request.form
    if form.get("client_assertion_type") == ASSERTION_TYPE and form.get("client_assertion"):
        return None, "private_key_jwt"  # its client is named inside the assertion
    try:
        client_id, secret = extract_basic_authorization(request.headers)
    except UnicodeDecodeError:
        client_id = secret = None
    if client_id and secret:
        return client_id, "client_secret_basic"
    if form.get("client_id") and form.get("client_secret"):
        return form.get("client_id"), "client_secret_post"
    client_id = form.get("client_id")
    return (client_id, "none") if client_id else (None, None)


def explain(error: InvalidClientError, request, query_client) -> InvalidClientError:
    """Name the registered method in a failed authentication, when the
    request used another one (an RP's configuration mistake)."""
    client_id, method = presented_method(request)
    if not isinstance(client_id, str) or method is None:
        return error
    client = query_client(client_id)
    description = registered_for(client, method) if client is not None else None
    if description:
        error.description = description
    return error
