"""Recovery codes: ten single-use codes, shown once, stored as HMACs."""
from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
COUNT = 10


def generate() -> list[str]:
    return ["-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(3)) for _ in range(COUNT)]


def canonical(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch in ALPHABET)


def digest(key: bytes, code: str) -> str:
    return hmac.new(key, canonical(code).encode(), hashlib.sha256).hexdigest()


def consume(key: bytes, hashes: list[str], code: str) -> list[str] | None:
    """The remaining hashes if `code` is one of them, else None."""
    candidate = digest(key, code)
    found = None
    for h in hashes:
        if hmac.compare_digest(h, candidate):
            found = h
    if found is None:
        return None
    return [h for h in hashes if h != found]
