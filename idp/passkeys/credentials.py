"""Stored passkeys: `Authenticator` rows of kind ``passkey``.

The credential ID is the row's unique ``credential_id``; everything else the
server needs lives in ``data`` (JSON):

    public_key        COSE_Key, base64url
    sign_count        the last signature counter seen
    user_handle       the WebAuthn user.id given at registration, base64url
    transports        what the browser reported ("internal", "hybrid", "usb", ...)
    aaguid            the authenticator model, when it says (all zeros otherwise)
    backup_eligible   BE flag at registration: a synced (multi-device) passkey
    backed_up         BS flag as last seen
    discoverable      the credProps extension's answer, when reported
    user_verified     UV flag at registration
    review            set when the passkey may have been cloned; it is then refused

The row's ``max_level`` caps the level a login with it reaches: the level of
the session that added it in the cabinet; none for passkeys made at activation.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from idp.auth.models import Authenticator
from idp.passkeys.errors import InvalidLabel, PasskeyNotFound
from idp.passkeys.verify import NewCredential

KIND = "passkey"
MAX_LABEL = 100  # the column's length


def user_handle_for(account_id: str) -> bytes:
    """The WebAuthn user.id of an account: its random internal id, never personal data
    (WebAuthn §14.6.1)."""
    return account_id.encode()


@dataclass(frozen=True)
class PasskeyInfo:
    """A passkey as the cabinet shows it; no key material."""

    id: str
    label: str | None
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    synced: bool
    under_review: bool
    disabled: bool
    transports: tuple[str, ...]
    max_level: str | None = None  # None: the passkey's natural level


def public_key_of(row: Authenticator) -> bytes:
    return base64url_to_bytes(row.data["public_key"])


def stored_user_handle(row: Authenticator) -> bytes:
    handle = row.data.get("user_handle")
    return base64url_to_bytes(handle) if handle else user_handle_for(row.account_id)


def clean_label(label: object) -> str | None:
    """A user-chosen name: trimmed, at most 100 characters, no control characters."""
    if label is None:
        return None
    if not isinstance(label, str):
        raise InvalidLabel("not text")
    label = unicodedata.normalize("NFC", " ".join(label.split()))
    if len(label) > MAX_LABEL:
        raise InvalidLabel("too long")
    if any(unicodedata.category(ch).startswith("C") for ch in label):
        raise InvalidLabel("control characters")
    return label or None


def rows_of(session: Session, account_id: str) -> list[Authenticator]:
    return list(session.scalars(select(Authenticator).where(
        Authenticator.account_id == account_id, Authenticator.kind == KIND).order_by(Authenticator.created_at)))


def usable(row: Authenticator) -> bool:
    return not row.disabled and not row.data.get("review")


def count_usable(session: Session, account_id: str) -> int:
    return sum(1 for row in rows_of(session, account_id) if usable(row))


def has_any(session: Session, account_id: str) -> bool:
    return bool(session.scalar(select(func.count()).select_from(Authenticator).where(
        Authenticator.account_id == account_id, Authenticator.kind == KIND)))


def list_passkeys(session: Session, account_id: str) -> list[PasskeyInfo]:
    return [PasskeyInfo(id=row.id, label=row.label, created_at=row.created_at, last_used_at=row.last_used_at,
                        synced=bool(row.data.get("backup_eligible")), under_review=bool(row.data.get("review")),
                        disabled=row.disabled, transports=tuple(row.data.get("transports") or ()),
                        max_level=row.max_level)
            for row in rows_of(session, account_id)]


def find_by_credential_id(session: Session, credential_id: bytes) -> Authenticator | None:
    return session.scalars(select(Authenticator).where(
        Authenticator.credential_id == credential_id, Authenticator.kind == KIND)).first()


def credential_id_taken(session: Session, credential_id: bytes) -> bool:
    """Any authenticator row with this credential ID, whatever its kind (the column is unique)."""
    return session.scalar(select(func.count()).select_from(Authenticator).where(
        Authenticator.credential_id == credential_id)) > 0


def add(session: Session, account_id: str, new: NewCredential, *, user_handle: bytes,
        label: str | None, max_level: str | None = None) -> Authenticator:
    row = Authenticator(account_id=account_id, kind=KIND, label=label, credential_id=new.credential_id,
                        max_level=max_level, data={
        "public_key": bytes_to_base64url(new.public_key), "sign_count": new.sign_count,
        "user_handle": bytes_to_base64url(user_handle), "transports": list(new.transports),
        "aaguid": new.aaguid, "backup_eligible": new.backup_eligible, "backed_up": new.backed_up,
        "discoverable": new.discoverable, "user_verified": new.user_verified,
        "attestation_format": new.attestation_format,
    })
    session.add(row)
    session.flush()
    return row


def owned(session: Session, account_id: str, passkey_id: str) -> Authenticator:
    row = session.get(Authenticator, passkey_id) if isinstance(passkey_id, str) and len(passkey_id) <= 36 else None
    if row is None or row.account_id != account_id or row.kind != KIND:
        raise PasskeyNotFound()
    return row


def owned_or_none(session: Session, account_id: str, passkey_id: str) -> Authenticator | None:
    try:
        return owned(session, account_id, passkey_id)
    except PasskeyNotFound:
        return None


def record_use(row: Authenticator, *, sign_count: int, backed_up: bool, at: dt.datetime) -> None:
    row.data = {**row.data, "sign_count": sign_count, "backed_up": backed_up}  # a new dict: JSON is not mutable-tracked
    row.last_used_at = at


def flag_for_review(row: Authenticator, *, reason: str, at: dt.datetime, **details) -> None:
    row.data = {**row.data, "review": {"reason": reason, "at": at.isoformat(), **details}}
