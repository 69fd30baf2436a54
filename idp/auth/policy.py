"""Password policy (NIST SP 800-63B 3.1.1.2).

- At least 8 and at most 128 characters; every Unicode character allowed,
  normalised to NFKC so that look-alike forms compare equal; no composition
  rules, no periodic expiry.
- Refused when it is a known common or breached password (the lists in
  ``data/``, compared case-insensitively) or when it contains context-specific
  words: the person's PINFL, document number or names, or the service name.

Why 8 and not 15 for accounts without a second factor: a password alone
only ever reaches the *low* level of assurance; portals that need more ask
for `substantial`, which requires a second factor, and throttling limits
online guessing. The breached-password check does more against real attacks
than extra length would.
"""
from __future__ import annotations

import functools
import gzip
import os
import unicodedata

MIN_LENGTH = 8
MAX_LENGTH = 128
DATA = os.path.join(os.path.dirname(__file__), "data")


@functools.lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    with gzip.open(os.path.join(DATA, "common-passwords.txt.gz"), "rt", encoding="utf-8") as fh:
        words = {line.strip().lower() for line in fh if line.strip()}
    with open(os.path.join(DATA, "common-passwords-local.txt"), encoding="utf-8") as fh:
        words |= {line.strip().lower() for line in fh if line.strip()}
    return frozenset(words)


def normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def policy_errors(password: str, *, context: tuple[str | None, ...] = ()) -> list[str]:
    """Reason codes for a new password; empty when acceptable."""
    password = normalise(password or "")
    if len(password) < MIN_LENGTH:
        return ["password_too_short"]
    if len(password) > MAX_LENGTH:
        return ["password_too_long"]
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) < 3:
        return ["password_common"]
    for word in ("oneid", "my.gov.uz", *context):
        if word and len(word) >= 4 and word.lower() in lowered:
            return ["password_contains_personal"]
    return []
