"""A one-time code with which a new officer adds the passkey for the portal.

A passkey added in the cabinet counts only as much as the login that added
it (NIST 800-63B 6.1.2.1), and the portal needs level high. So the
administrator who gives the role (`idp officers create`, after checking the
person in front of them) also hands over a code, valid 72 hours, once: with
it the officer, logged in to their own account, adds a passkey that counts
at its own level. The code is stored only as a hash, bound to the account,
and guesses are counted per account.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

TTL = 72 * 3600
GUESSES = 5  # per account and hour
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _key(code: str) -> str:
    return "officer-passkey:" + hashlib.sha256(code.encode()).hexdigest()


def normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:32]


def issue(state, account_id: str) -> str:
    """A new code for `account_id` (printed once by the CLI)."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(16))
    state.put(_key(code), {"account_id": account_id}, TTL)
    return "-".join(code[i:i + 4] for i in range(0, 16, 4))


def redeem(state, account_id: str, code: str) -> str:
    """'ok' (the code is used up), 'wrong' or 'throttled'."""
    if state.hit(f"officer-passkey-guess:{account_id}", 3600).count > GUESSES:
        return "throttled"
    code = normalise(code)
    if len(code) != 16:
        return "wrong"
    stored = state.get(_key(code))
    if stored is None or not hmac.compare_digest(stored.get("account_id", ""), account_id):
        return "wrong"
    return "ok" if state.take(_key(code)) is not None else "wrong"
