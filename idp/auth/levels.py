"""Levels of assurance (eIDAS URIs) and how login methods combine.

Identity assurance comes from how the account was proofed; authentication
assurance from the methods used in this login; the `acr` of a login is the
lower of the two (ARCHITECTURE.md, "Identity and assurance model").
"""
from __future__ import annotations

from dataclasses import dataclass, field

LEVELS = ("low", "substantial", "high")
LOA_PREFIX = "http://eidas.europa.eu/LoA/"
ACR_VALUES = tuple(LOA_PREFIX + level for level in LEVELS)

# amr values that are a second factor next to a password (RFC 8176)
SECOND_FACTORS = {"otp", "sms"}


def rank(level: str) -> int:
    return LEVELS.index(level)


def acr_uri(level: str) -> str:
    return LOA_PREFIX + level


def level_of(acr: str) -> str | None:
    """The level named by an acr URI, or None for a value we do not know."""
    if acr.startswith(LOA_PREFIX) and acr[len(LOA_PREFIX):] in LEVELS:
        return acr[len(LOA_PREFIX):]
    return None


def lower(a: str, b: str) -> str:
    return a if rank(a) <= rank(b) else b


@dataclass(frozen=True)
class AuthEvent:
    """What one successful login step proved: its method, RFC 8176 `amr`
    values and the authentication level it reaches on its own."""

    method: str
    amr: tuple[str, ...]
    level: str
    acting_for: dict | None = field(default=None)


def combine(amr: set[str], levels: list[str]) -> tuple[str, list[str]]:
    """Session level and amr after a set of events.

    A password plus a one-time code is substantial (NIST 800-63B AAL2); a
    single event may already be high (passkey with user verification,
    e-signature key)."""
    level = max(levels, key=rank) if levels else "low"
    if "pwd" in amr and amr & SECOND_FACTORS:
        level = max(level, "substantial", key=rank)
    factors = {"pwd"} & amr, amr & SECOND_FACTORS, amr & {"hwk", "swk"}
    result = set(amr)
    if sum(1 for f in factors if f) >= 2 or ("hwk" in amr and "user" in amr):
        result.add("mfa")
    return level, sorted(result)
