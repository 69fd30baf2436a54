"""Keeping a just-issued activation code printable for a few minutes.

The code is stored in the database only as a hash; to let the officer print
(or print again) the page after the approval's redirect, the plain code is
kept encrypted in the short-lived state store, bound to the visit and to the
officer's login session, for ten minutes."""
from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken

TTL = 600
PREFIX = "consular:print:"


class PrintStash:
    def __init__(self, state, key: bytes):
        self.state = state
        self.fernet = Fernet(base64.urlsafe_b64encode(key[:32]))

    def put(self, visit_id: str, login_id: str, code: str, expires_at: str) -> None:
        self.state.put(f"{PREFIX}{visit_id}:{login_id}",
                       {"c": self.fernet.encrypt(code.encode()).decode(), "exp": expires_at}, TTL)

    def get(self, visit_id: str, login_id: str) -> tuple[str, str] | None:
        entry = self.state.get(f"{PREFIX}{visit_id}:{login_id}")
        if entry is None:
            return None
        try:
            return self.fernet.decrypt(entry["c"].encode()).decode(), entry["exp"]
        except InvalidToken:
            return None
