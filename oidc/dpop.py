"""DPoP: proof of possession of a key for access and refresh tokens (RFC 9449).

A DPoP proof is a JWT the client signs with its own key and sends in the
`DPoP` header. `check_proof` verifies one, with keyword-only expectations
and one error per failed check; the token endpoint binds what it issues to
the key's thumbprint (`jkt`), and a resource (userinfo) accepts the token
only with a fresh proof by that key over the token's hash (`ath`).

Server nonces (RFC 9449 section 8) are stateless: an HMAC of the current
time window, so every instance accepts another's; a nonce is good for the
current and the previous window.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey, RSAKey

SIGNING_ALGS = ("ES256", "ES384", "PS256", "RS256", "EdDSA")
MAX_PROOF = 4096
IAT_WINDOW = 60  # seconds a proof may be old (or early: clock skew)
NONCE_WINDOW = 120  # seconds a server nonce stays current
TYPE = "dpop+jwt"


class DPoPError(Exception):
    """A refused proof: `error` is `invalid_dpop_proof` or `use_dpop_nonce`."""

    def __init__(self, description: str, error: str = "invalid_dpop_proof"):
        super().__init__(description)
        self.error, self.description = error, description


@dataclass(frozen=True)
class Proof:
    jkt: str  # RFC 7638 thumbprint of the proof's public key
    jti: str
    iat: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token_hash(access_token: str) -> str:
    """The `ath` claim: base64url(SHA-256(access token))."""
    return _b64(hashlib.sha256(access_token.encode()).digest())


def _import_public(jwk: dict):
    kty = jwk.get("kty")
    if any(k in jwk for k in ("d", "p", "q", "dp", "dq", "qi", "k")):
        raise DPoPError("The proof's header carries a private key.")
    try:
        if kty == "EC":
            return ECKey.import_key(jwk)
        if kty == "RSA":
            return RSAKey.import_key(jwk)
        if kty == "OKP":
            return OKPKey.import_key(jwk)
    except (JoseError, ValueError, TypeError):
        pass
    raise DPoPError("The proof's header has no usable public key.")


def thumbprint(key) -> str:
    return key.thumbprint()


def nonce(secret: bytes, *, now: float | None = None, offset: int = 0) -> str:
    window = int((now if now is not None else time.time()) // NONCE_WINDOW) - offset
    return _b64(hmac.new(secret, str(window).encode(), hashlib.sha256).digest()[:18])


def nonce_is_current(value: str, secret: bytes, *, now: float | None = None) -> bool:
    return any(hmac.compare_digest(value.encode(), nonce(secret, now=now, offset=o).encode()) for o in (0, 1))


def check_proof(proof: str | None, *, method: str, url: str, nonce_secret: bytes | None,
                access_token: str | None = None, now: float | None = None) -> Proof:
    """Verify a DPoP proof (RFC 9449 section 4.3). The caller still checks
    that `jti` was not seen before (replay) and, for a bound token, that the
    thumbprint is the token's."""
    now = time.time() if now is None else now
    if not proof or not isinstance(proof, str) or len(proof) > MAX_PROOF or proof.count(".") != 2:
        raise DPoPError("A DPoP proof (one JWT in the DPoP header) is required.")
    try:
        header = json.loads(base64.urlsafe_b64decode(proof.split(".")[0] + "=="))
    except ValueError:
        raise DPoPError("The DPoP proof is not a JWT.") from None
    if not isinstance(header, dict) or header.get("typ") != TYPE:
        raise DPoPError("The DPoP proof's 'typ' must be dpop+jwt.")
    alg = header.get("alg")
    if alg not in SIGNING_ALGS:  # also refuses 'none' and MAC algorithms
        raise DPoPError("The DPoP proof's 'alg' is not supported.")
    if not isinstance(header.get("jwk"), dict):
        raise DPoPError("The DPoP proof's header needs the public key ('jwk').")
    key = _import_public(header["jwk"])
    try:
        token = jws.deserialize_compact(proof, key, algorithms=[alg])
        claims = json.loads(token.payload)
    except (JoseError, ValueError):
        raise DPoPError("The DPoP proof's signature does not verify.") from None
    if not isinstance(claims, dict):
        raise DPoPError("The DPoP proof's claims are not an object.")
    jti, iat = claims.get("jti"), claims.get("iat")
    if not isinstance(jti, str) or not 8 <= len(jti) <= 200:
        raise DPoPError("The DPoP proof needs a unique 'jti'.")
    if claims.get("htm") != method:
        raise DPoPError("The DPoP proof's 'htm' is not this request's method.")
    if not isinstance(claims.get("htu"), str) or _strip(claims["htu"]) != _strip(url):
        raise DPoPError("The DPoP proof's 'htu' is not this endpoint.")
    if not isinstance(iat, (int, float)) or isinstance(iat, bool) or not abs(now - iat) <= IAT_WINDOW:  # NaN too
        raise DPoPError("The DPoP proof is too old or from the future ('iat').")
    if nonce_secret is not None:
        given = claims.get("nonce")
        if not isinstance(given, str) or not nonce_is_current(given, nonce_secret, now=now):
            raise DPoPError("Use the DPoP nonce this server gave.", "use_dpop_nonce")
    if access_token is not None:
        if not isinstance(claims.get("ath"), str) or not hmac.compare_digest(claims["ath"].encode(),
                                                                              token_hash(access_token).encode()):
            raise DPoPError("The DPoP proof is not for this access token ('ath').")
    return Proof(jkt=thumbprint(key), jti=jti, iat=int(iat))


def _strip(url: str) -> str:
    """htu is compared without query and fragment (RFC 9449 4.3, point 9)."""
    return url.split("#", 1)[0].split("?", 1)[0]
