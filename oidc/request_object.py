"""Signed request objects (JAR, RFC 9101), accepted through PAR.

The client signs its authorization parameters with one of the keys it
registered for `private_key_jwt`; the object replaces every other parameter
(RFC 9101 6.3), names the client (`iss`, `client_id`) and this IdP (`aud`),
and lives briefly.
"""
from __future__ import annotations

import json
import time

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

ALGS = ["ES256", "PS256", "RS256"]
MAX_LIFETIME = 3600
MAX_SIZE = 16384


class RequestObjectError(ValueError):
    """`invalid_request_object` with a description."""


def parameters(raw: str, *, client, issuer: str, now: float | None = None) -> dict[str, str]:
    now = time.time() if now is None else now
    if not isinstance(raw, str) or len(raw) > MAX_SIZE or raw.count(".") != 2:
        raise RequestObjectError("The request object must be a signed JWT.")
    jwks = client.jwks if isinstance(client.jwks, dict) else None
    if not jwks or not jwks.get("keys"):
        raise RequestObjectError("The client has no registered keys to verify its request object.")
    try:
        token = jws.deserialize_compact(raw, KeySet.import_key_set(jwks), algorithms=ALGS)
        claims = json.loads(token.payload)
    except (JoseError, ValueError, TypeError, KeyError):
        raise RequestObjectError("The request object's signature does not verify with the client's keys.") from None
    if not isinstance(claims, dict):
        raise RequestObjectError("The request object's claims are not an object.")
    if claims.get("iss") != client.client_id or claims.get("client_id", client.client_id) != client.client_id:
        raise RequestObjectError("The request object was not issued by this client.")
    aud = claims.get("aud")
    if issuer not in (aud if isinstance(aud, list) else [aud]):
        raise RequestObjectError("The request object's 'aud' must be this issuer.")
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if not isinstance(exp, (int, float)) or exp <= now or exp - now > MAX_LIFETIME:
        raise RequestObjectError("The request object is expired or lives too long ('exp').")
    if nbf is not None and (not isinstance(nbf, (int, float)) or nbf > now + 30 or now - nbf > MAX_LIFETIME):
        raise RequestObjectError("The request object is not valid now ('nbf').")
    if "request" in claims or "request_uri" in claims:
        raise RequestObjectError("A request object cannot carry another one.")
    params = {}
    for name, value in claims.items():
        if name in ("iss", "aud", "exp", "nbf", "iat", "jti"):
            continue
        params[name] = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    params["client_id"] = client.client_id
    return params
