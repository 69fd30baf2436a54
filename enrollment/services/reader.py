"""The hand-over to a chip reader: one-time case tokens and the Active
Authentication nonce (docs/enrollment-reader-api.md).

* A case token is 256 random bits shown once (QR code, link, command line).
  The store keeps its SHA-256 with the case id, for `READER_TOKEN_TTL`. It
  authorises one reading: any number of challenge requests, then one upload,
  which consumes it (taken atomically, so two uploads cannot both use it).
* A nonce is 8 random bytes (ICAO 9303 Part 11 section 6.1, INTERNAL
  AUTHENTICATE), one per case at a time, bound to the token that asked for
  it; a new challenge replaces the old one, and the upload takes it.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from enrollment.config import CHIP_NONCE_TTL, READER_TOKEN_TTL
from enrollment.errors import NonceUnavailable, ReaderTokenInvalid

TOKEN_PREFIX = "enr:rt:"
NONCE_PREFIX = "enr:nonce:"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(state, case_id: str) -> str:
    token = secrets.token_urlsafe(32)
    state.put(TOKEN_PREFIX + _digest(token), {"case": case_id, "exp": time.time() + READER_TOKEN_TTL},
              READER_TOKEN_TTL)
    return token


def resolve_token(state, token: str | None, case_id: str) -> str:
    """The token's digest if it is live and issued for `case_id`."""
    if not token or len(token) > 100:
        raise ReaderTokenInvalid("missing")
    digest = _digest(token)
    entry = state.get(TOKEN_PREFIX + digest)
    # Bytes: compare_digest refuses str with non-ASCII characters, and a case id
    # comes from the URL, so anything may arrive here.
    if entry is None or not hmac.compare_digest(str(entry["case"]).encode(), case_id.encode()):
        raise ReaderTokenInvalid("unknown, expired, used or for another case")
    return digest


def consume_token(state, digest: str, case_id: str) -> None:
    entry = state.take(TOKEN_PREFIX + digest)
    if entry is None or entry["case"] != case_id:
        raise ReaderTokenInvalid("used")


def issue_nonce(state, case_id: str, token_digest: str) -> tuple[bytes, float]:
    nonce = secrets.token_bytes(8)
    expires = time.time() + CHIP_NONCE_TTL
    state.put(NONCE_PREFIX + case_id, {"nonce": nonce.hex(), "token": token_digest, "exp": expires}, CHIP_NONCE_TTL)
    return nonce, expires


def take_nonce(state, case_id: str, token_digest: str) -> bytes:
    entry = state.take(NONCE_PREFIX + case_id)
    if entry is None:
        raise NonceUnavailable("no live nonce")
    if not hmac.compare_digest(str(entry["token"]).encode(), token_digest.encode()):
        raise NonceUnavailable("the nonce was issued to another reader")
    return bytes.fromhex(entry["nonce"])
