"""Authenticators and server-side login sessions."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from idp.db import Base, UTCDateTime, utcnow
from idp.people.models import Account, new_id


class Authenticator(Base):
    """One way for an account to prove itself: password, TOTP, passkey, ..."""

    __tablename__ = "authenticator"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # password, totp, passkey, esign, recovery, email, sms
    label: Mapped[str | None] = mapped_column(String(100))
    secret: Mapped[str | None] = mapped_column(String(512))  # a hash or encrypted secret, never plain
    credential_id: Mapped[bytes | None] = mapped_column(LargeBinary(1024), unique=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    disabled: Mapped[bool] = mapped_column(default=False)
    # The highest level a login with it reaches: the level of the session that
    # enrolled it (NIST 800-63B 6.1.2.1). None: its natural level (set up at
    # activation after identity proofing).
    max_level: Mapped[str | None] = mapped_column(String(16))

    account: Mapped[Account] = relationship()


class LoginSession(Base):
    """A browser's login at the IdP. The cookie holds a random token; the
    table holds only its SHA-256, so a database read does not give sessions away."""

    __tablename__ = "login_session"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)  # also the OIDC `sid`
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    auth_time: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    amr: Mapped[list] = mapped_column(JSON, default=list)
    auth_level: Mapped[str] = mapped_column(String(16), default="low")
    acting_for: Mapped[dict | None] = mapped_column(JSON)  # legal entity, for e-signature logins
    user_agent: Mapped[str | None] = mapped_column(String(200))
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    account: Mapped[Account] = relationship(lazy="joined")
