"""Signing and checking tree heads with the IdP's own ES256 keys."""
from __future__ import annotations

from sqlalchemy.orm import Session

HEAD_TYPE = "audit-tree-head+jws"


def signer(keys):
    """sign(session, payload) with the active ES256 key of a KeyManager."""
    from joserfc import jws

    def sign(session: Session, payload: bytes) -> tuple[str, str]:
        key = keys.signing_key(session, "ES256")
        header = {"alg": "ES256", "kid": key.kid, "typ": HEAD_TYPE}
        return key.kid, jws.serialize_compact(header, payload, key.private, algorithms=["ES256"])

    return sign


def key_resolver(session: Session):
    """key_for(kid): the public key of any signing key ever created, published or not
    (heads outlive key rotation)."""
    from joserfc.jwk import ECKey
    from sqlalchemy import select

    from oidc.models import SigningKey

    keys = {row.kid: row.public_jwk for row in session.scalars(select(SigningKey).where(SigningKey.alg == "ES256"))}

    def key_for(kid: str):
        jwk = keys.get(kid)
        return ECKey.import_key(jwk) if jwk else None

    return key_for
