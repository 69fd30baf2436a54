"""Signing keys: generation, encryption at rest, rotation and JWKS.

Rotation (``idp keys rotate``) creates a key that is published in JWKS at
once but signs only from ``active_from`` (default one hour later), so relying
parties that cache JWKS learn it before they see it. When it becomes active
the previous key is retired from signing and stays published for
``IDP_KEY_ROTATION_OVERLAP`` seconds (at least the ID token lifetime), so
tokens it signed keep verifying until they expire.
"""
from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass
from typing import Callable

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from joserfc.jwk import ECKey, RSAKey
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from idp.db import utcnow
from oidc.models import SigningKey

SUPPORTED_ALGS = ("ES256", "RS256")


@dataclass(frozen=True)
class LoadedKey:
    kid: str
    alg: str
    private: object  # a joserfc key


class KeyManager:
    # Which key signs is looked up at most this often per process. Safe because a
    # rotation publishes a key long before it signs (--activate-in, default 1 h);
    # a rotation in this process forgets the lookup at once.
    ACTIVE_TTL = 30.0

    def __init__(self, kek: Callable[[], str]):
        self._kek = kek
        self._fernet: Fernet | None = None
        self._cache: dict[str, LoadedKey] = {}
        self._active: dict[str, tuple[float, LoadedKey]] = {}

    @property
    def fernet(self) -> Fernet:
        if self._fernet is None:  # resolved late: the dev key lives in the database
            self._fernet = Fernet(self._kek().encode())
        return self._fernet

    # -- creation ------------------------------------------------------------
    def create(self, session: Session, alg: str, *, active_from: dt.datetime | None = None) -> SigningKey:
        if alg not in SUPPORTED_ALGS:
            raise ValueError(f"unsupported algorithm {alg}")
        if alg == "ES256":
            private = ec.generate_private_key(ec.SECP256R1())
            jwk = ECKey.import_key(private)
        else:
            private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            jwk = RSAKey.import_key(private)
        pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        kid = f"{alg.lower()}-{utcnow():%Y%m%d}-{secrets.token_hex(4)}"
        public = jwk.as_dict(private=False)
        public.update({"kid": kid, "alg": alg, "use": "sig"})
        now = utcnow()
        key = SigningKey(kid=kid, alg=alg, public_jwk=public,
                         private_key_encrypted=self.fernet.encrypt(pem).decode(),
                         created_at=now, active_from=active_from or now)
        session.add(key)
        session.flush()
        return key

    def ensure(self, session: Session) -> None:
        """Create a first key per algorithm on an empty database."""
        for alg in SUPPORTED_ALGS:
            exists = session.scalars(select(SigningKey.kid).where(SigningKey.alg == alg)).first()
            if not exists:
                self.create(session, alg)

    def rotate(self, session: Session, *, activate_in: int, overlap: int, algs=SUPPORTED_ALGS) -> list[SigningKey]:
        self._active.clear()
        now = utcnow()
        created = []
        for alg in algs:
            new = self.create(session, alg, active_from=now + dt.timedelta(seconds=activate_in))
            for old in session.scalars(select(SigningKey).where(
                    SigningKey.alg == alg, SigningKey.kid != new.kid, SigningKey.retired_at.is_(None))):
                old.retired_at = new.active_from
                old.unpublish_at = new.active_from + dt.timedelta(seconds=overlap)
            created.append(new)
        return created

    # -- use -------------------------------------------------------------------
    def signing_key(self, session: Session, alg: str) -> LoadedKey:
        remembered = self._active.get(alg)
        if remembered is not None and remembered[0] > time.monotonic():
            return remembered[1]
        loaded = self._load_signing_key(session, alg)
        self._active[alg] = (time.monotonic() + self.ACTIVE_TTL, loaded)
        return loaded

    def _load_signing_key(self, session: Session, alg: str) -> LoadedKey:
        now = utcnow()
        row = session.scalars(
            select(SigningKey).where(
                SigningKey.alg == alg, SigningKey.active_from <= now,
                or_(SigningKey.retired_at.is_(None), SigningKey.retired_at > now))
            .order_by(SigningKey.active_from.desc())
        ).first()
        if row is None:  # every key retired without a successor: fall back to the newest
            row = session.scalars(select(SigningKey).where(SigningKey.alg == alg)
                                  .order_by(SigningKey.created_at.desc())).first()
        if row is None:
            raise LookupError(f"no signing key for {alg}; run `idp keys rotate`")
        cached = self._cache.get(row.kid)
        if cached is None:
            pem = self.fernet.decrypt(row.private_key_encrypted.encode())
            cls = ECKey if alg.startswith("ES") else RSAKey
            private = cls.import_key(pem, {"kid": row.kid, "alg": alg, "use": "sig"})
            cached = self._cache[row.kid] = LoadedKey(row.kid, alg, private)
        return cached

    @staticmethod
    def published(session: Session) -> list[SigningKey]:
        now = utcnow()
        return list(session.scalars(
            select(SigningKey).where(or_(SigningKey.unpublish_at.is_(None), SigningKey.unpublish_at > now))
            .order_by(SigningKey.created_at)))

    def jwks(self, session: Session) -> dict:
        return {"keys": [dict(k.public_jwk) for k in self.published(session)]}
