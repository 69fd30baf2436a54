"""The relying party's identity and the single-use challenges of passkey ceremonies.

Each ceremony (registration, login, step-up) gets a random challenge kept in
the short-lived state store under a random handle for ``ttl`` seconds (120 by
default). ``take`` removes it atomically, so a challenge verifies at most once
even when two requests race. The challenge is bound to the browser that asked
for it (a random value in that browser's session cookie, stored here only as
a SHA-256), to its purpose, and for registration and step-up to the account.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from idp.passkeys.errors import ChallengeExpired, ChallengeNotBound

DEFAULT_TTL = 120
PREFIX = "passkey:"
HANDLE_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
PURPOSES = ("register", "login", "step_up")


@dataclass(frozen=True)
class RelyingParty:
    """Who we are to authenticators: the RP ID (a registrable domain, never an IP
    address) and the exact origins pages may run on."""

    id: str
    origins: tuple[str, ...]
    name: str = "OneID"

    @classmethod
    def from_settings(cls, settings) -> "RelyingParty":
        rp_id, origins = settings.webauthn_rp
        return cls(id=rp_id, origins=tuple(origins))


@dataclass(frozen=True)
class Ceremony:
    """What the server remembers between issuing options and checking the answer."""

    handle: str
    purpose: str
    challenge: bytes
    account_id: str | None
    require_user_verification: bool
    allowed: tuple[bytes, ...] = ()  # allowCredentials, empty for discoverable logins


def _digest(binding: str) -> str:
    return hashlib.sha256(binding.encode()).hexdigest()


class Ceremonies:
    def __init__(self, store, *, ttl: int = DEFAULT_TTL):
        self.store = store
        self.ttl = ttl

    def begin(self, purpose: str, *, binding: str, account_id: str | None = None,
              require_user_verification: bool = False, allowed: tuple[bytes, ...] = ()) -> Ceremony:
        if purpose not in PURPOSES:
            raise ValueError(f"unknown ceremony purpose {purpose!r}")
        if not binding:
            raise ValueError("a ceremony must be bound to a browser")
        ceremony = Ceremony(handle=secrets.token_urlsafe(24), purpose=purpose, challenge=secrets.token_bytes(32),
                            account_id=account_id, require_user_verification=require_user_verification,
                            allowed=tuple(allowed))
        self.store.put(PREFIX + ceremony.handle, {
            "purpose": purpose, "challenge": bytes_to_base64url(ceremony.challenge), "binding": _digest(binding),
            "account_id": account_id, "uv": require_user_verification,
            "allowed": [bytes_to_base64url(c) for c in allowed],
        }, self.ttl)
        return ceremony

    def take(self, handle: object, *, purpose: str, binding: str, account_id: str | None = None) -> Ceremony:
        """The ceremony, removed from the store; raises when it is unknown, used,
        expired, or was issued to another browser, purpose or account."""
        if not isinstance(handle, str) or not HANDLE_RE.match(handle):
            raise ChallengeExpired("no such ceremony")
        data = self.store.take(PREFIX + handle)
        if data is None:
            raise ChallengeExpired("unknown, used or expired")
        if not hmac.compare_digest(data["binding"], _digest(binding or "")):
            raise ChallengeNotBound("issued to another browser")
        if data["purpose"] != purpose:
            raise ChallengeNotBound(f"issued for {data['purpose']}")
        if data["account_id"] != account_id:
            raise ChallengeNotBound("issued for another account")
        return Ceremony(handle=handle, purpose=purpose, challenge=base64url_to_bytes(data["challenge"]),
                        account_id=data["account_id"], require_user_verification=bool(data["uv"]),
                        allowed=tuple(base64url_to_bytes(c) for c in data["allowed"]))
