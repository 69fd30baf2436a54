"""OpenID Provider tables: clients, codes, tokens, signing keys, consents,
back-channel logout deliveries."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from urllib.parse import urlsplit

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from idp.db import Base, UTCDateTime, utcnow
from idp.people.models import new_id


def token_hash(value: str) -> str:
    """Codes, tokens and client secrets are random and high-entropy, so a
    plain SHA-256 is enough to keep a database read from revealing them."""
    return hashlib.sha256(value.encode()).hexdigest()


class Client(Base):
    __tablename__ = "oidc_client"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_secret_hash: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    redirect_uris: Mapped[list] = mapped_column(JSON, default=list)
    post_logout_redirect_uris: Mapped[list] = mapped_column(JSON, default=list)
    token_endpoint_auth_method: Mapped[str] = mapped_column(String(32), default="client_secret_basic")
    jwks: Mapped[dict | None] = mapped_column(JSON)  # public keys for private_key_jwt
    allowed_scopes: Mapped[list] = mapped_column(JSON, default=list)
    subject_type: Mapped[str] = mapped_column(String(16), default="pairwise")
    sector_identifier: Mapped[str | None] = mapped_column(String(255))
    id_token_signed_response_alg: Mapped[str] = mapped_column(String(8), default="ES256")
    require_pkce: Mapped[bool] = mapped_column(default=True)
    backchannel_logout_uri: Mapped[str | None] = mapped_column(String(500))
    can_introspect: Mapped[bool] = mapped_column(default=False)
    skip_consent: Mapped[bool] = mapped_column(default=False)  # first-party portals only
    # oidc: OpenID Connect; oneid_legacy: today's id.gov.uz protocol (oidc/legacy);
    # fapi2: the FAPI 2.0 Security Profile (PAR, DPoP, private_key_jwt)
    profile: Mapped[str] = mapped_column(String(16), default="oidc", server_default="oidc")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    # -- Authlib ClientMixin -------------------------------------------------
    @property
    def public(self) -> bool:
        return self.token_endpoint_auth_method == "none"

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self):
        # Never guess: a request must name one of the registered URIs exactly.
        return None

    def get_allowed_scope(self, scope: str) -> str:
        if not scope:
            return ""
        allowed = set(self.allowed_scopes)
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        # Exact string match (OpenID Connect Core 3.1.2.1, RFC 9700 4.1.3).
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        if not self.client_secret_hash or not isinstance(client_secret, str):
            return False
        return hmac.compare_digest(self.client_secret_hash, token_hash(client_secret))

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if method == "client_assertion_jwt":
            method = "private_key_jwt"
        if endpoint == "token":
            return method == self.token_endpoint_auth_method
        # revocation and introspection accept the client's registered method
        return method == self.token_endpoint_auth_method

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in ("authorization_code", "refresh_token")

    @property
    def sector(self) -> str:
        if self.sector_identifier:
            return self.sector_identifier
        hosts = sorted({urlsplit(u).hostname or "" for u in self.redirect_uris})
        return hosts[0] if hosts else self.client_id


class AuthorizationCode(Base):
    __tablename__ = "oidc_authorization_code"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("oidc_client.client_id", ondelete="CASCADE"), index=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    redirect_uri: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(Text)
    nonce: Mapped[str | None] = mapped_column(Text)
    claims: Mapped[dict | None] = mapped_column(JSON)
    sid: Mapped[str | None] = mapped_column(String(36))
    auth_time: Mapped[int] = mapped_column(Integer)
    acr: Mapped[str | None] = mapped_column(String(64))
    amr: Mapped[list] = mapped_column(JSON, default=list)
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    code_challenge_method: Mapped[str | None] = mapped_column(String(8))
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    # -- Authlib AuthorizationCodeMixin -------------------------------------
    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return self.acr

    def get_amr(self):
        return list(self.amr or [])


class Token(Base):
    """An access token and, optionally, its refresh token.

    Refresh tokens rotate: each refresh creates a new row in the same
    ``family_id`` and marks the old row ``rotated_at``. Presenting a rotated
    refresh token again revokes the whole family (and nothing else)."""

    __tablename__ = "oidc_token"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    family_id: Mapped[str] = mapped_column(String(36), index=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("oidc_client.client_id", ondelete="CASCADE"), index=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    code_id: Mapped[str | None] = mapped_column(String(36), index=True)
    sid: Mapped[str | None] = mapped_column(String(36), index=True)
    access_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    refresh_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(Text)
    claims: Mapped[dict | None] = mapped_column(JSON)
    auth_time: Mapped[int] = mapped_column(Integer)
    acr: Mapped[str | None] = mapped_column(String(64))
    amr: Mapped[list] = mapped_column(JSON, default=list)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    access_expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    refresh_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    rotated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    dpop_jkt: Mapped[str | None] = mapped_column(String(64))  # bound to this DPoP key (RFC 9449)

    # -- Authlib TokenMixin --------------------------------------------------
    def check_client(self, client) -> bool:
        return self.client_id == client.get_client_id()

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return int((self.access_expires_at - self.issued_at).total_seconds())

    def is_expired(self) -> bool:
        return self.access_expires_at <= utcnow()

    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class SigningKey(Base):
    """A JOSE signing key. Published in JWKS from ``created_at`` until
    ``unpublish_at``; used to sign from ``active_from`` until ``retired_at``."""

    __tablename__ = "oidc_signing_key"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    alg: Mapped[str] = mapped_column(String(8))
    public_jwk: Mapped[dict] = mapped_column(JSON)
    private_key_encrypted: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    active_from: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    unpublish_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Consent(Base):
    __tablename__ = "oidc_consent"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("oidc_client.client_id", ondelete="CASCADE"), index=True)
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    claims: Mapped[list] = mapped_column(JSON, default=list)
    granted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)



class BackchannelDelivery(Base):
    """One logout token owed to one relying party (Back-Channel Logout 1.0).

    A row is written in the transaction that ends the login session and sent
    only after that transaction commits; it keeps the outcome per client. The
    token itself is built afresh for every attempt and never stored, and the
    row holds no personal data: the session id and the subject as that
    client knows it (pairwise by default)."""

    __tablename__ = "oidc_backchannel_delivery"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    client_id: Mapped[str] = mapped_column(ForeignKey("oidc_client.client_id", ondelete="CASCADE"), index=True)
    sid: Mapped[str | None] = mapped_column(String(36))
    sub: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(32))  # an error class, never a message
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
