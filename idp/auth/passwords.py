"""Password hashing with argon2id.

Parameters come from settings (defaults: t=3, m=64 MiB, p=1: above the OWASP
minimum of m=19 MiB, t=2); hashes made with older parameters are re-hashed on
the next successful login.
"""
from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 8
MAX_LENGTH = 128


class Passwords:
    def __init__(self, *, time_cost: int, memory_kib: int, parallelism: int):
        self.hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib,
                                     parallelism=parallelism, type=Type.ID)
        # Verifying against this keeps unknown identifiers as slow as known ones.
        self._dummy = self.hasher.hash("dummy password for timing")

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        try:
            return self.hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self.hasher.check_needs_rehash(stored)


def policy_errors(password: str) -> list[str]:
    """Reason codes for a new password (NIST SP 800-63B 5.1.1.2: length only)."""
    errors = []
    if len(password) < MIN_LENGTH:
        errors.append("password_too_short")
    if len(password) > MAX_LENGTH:
        errors.append("password_too_long")
    return errors
