"""Results of passkey services: codes and ids only, safe to log."""
from __future__ import annotations

from dataclasses import dataclass

from idp.auth.levels import AuthEvent


@dataclass(frozen=True)
class CeremonyOptions:
    """Options for `navigator.credentials.create()` / `.get()` in their JSON form
    (WebAuthn §5.1.4 `PublicKeyCredential.parse*OptionsFromJSON`), and the handle
    that names the ceremony when the browser answers."""

    handle: str
    public_key: dict

    def as_json(self) -> dict:
        return {"ceremony": self.handle, "publicKey": self.public_key}


@dataclass(frozen=True)
class PasskeyResult:
    success: bool
    error: str | None = None
    account_id: str | None = None
    passkey_id: str | None = None
    event: AuthEvent | None = None
