"""Password hashing with argon2id.

Parameters come from settings (defaults: t=3, m=64 MiB, p=1: above the OWASP
minimum of m=19 MiB, t=2); hashes made with older parameters are re-hashed on
the next successful login.
"""
from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from idp.auth.policy import normalise

class Passwords:
    def __init__(self, *, time_cost: int, memory_kib: int, parallelism: int):
        self.hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib,
                                     parallelism=parallelism, type=Type.ID)
        # Verifying against this keeps unknown identifiers as slow as known ones.
        self._dummy = self.hasher.hash("dummy password for timing")

    def hash(self, password: str) -> str:
        return self.hasher.hash(normalise(password))

    def verify(self, stored: str | None, password: str) -> bool:
        try:
            return self.hasher.verify(stored or self._dummy, normalise(password)) and stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self.hasher.check_needs_rehash(stored)
