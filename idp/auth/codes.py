"""One-time codes sent by e-mail or SMS.

Six digits, five minutes, at most five tries, a resend cool-down and a cap on
sends per hour. Codes are stored only as an HMAC under the server's secret
(six digits would fall to a brute force of a plain hash), in the short-lived
state store, keyed by purpose, subject and channel; a correct code is taken
atomically, so it works once.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Callable

LIFETIME = 300
MAX_TRIES = 5
RESEND_AFTER = 60
MAX_SENDS_PER_HOUR = 5


@dataclass(frozen=True)
class CodeResult:
    """Safe to log: no code, no destination."""

    ok: bool
    error: str | None = None
    retry_in: int = 0


class OneTimeCodes:
    def __init__(self, state, key: bytes):
        self.state = state
        self.key = key

    def _mac(self, slot: str, code: str) -> str:
        return hmac.new(self.key, f"{slot}|{code}".encode(), hashlib.sha256).hexdigest()

    @staticmethod
    def _slot(purpose: str, subject: str, channel: str) -> str:
        return f"otp:{purpose}:{subject}:{channel}"

    def send(self, purpose: str, subject: str, channel: str, deliver: Callable[[str], None]) -> CodeResult:
        slot = self._slot(purpose, subject, channel)
        now = time.time()
        current = self.state.get(slot)
        if current and now - current["sent"] < RESEND_AFTER:
            return CodeResult(False, "code_resend_too_soon", int(RESEND_AFTER - (now - current["sent"])) + 1)
        sends = self.state.get(slot + ":sends") or {"n": 0, "first": now}
        if sends["n"] >= MAX_SENDS_PER_HOUR:
            return CodeResult(False, "code_too_many_sends", int(3600 - (now - sends["first"])) + 1)
        code = f"{secrets.randbelow(10**6):06d}"
        deliver(code)  # raises DeliveryError; nothing is stored then
        self.state.put(slot, {"h": self._mac(slot, code), "tries": 0, "sent": now, "exp": now + LIFETIME}, LIFETIME)
        self.state.put(slot + ":sends", {"n": sends["n"] + 1, "first": sends["first"]},
                       max(1, int(3600 - (now - sends["first"]))))
        return CodeResult(True)

    def verify(self, purpose: str, subject: str, channel: str, code: str) -> CodeResult:
        slot = self._slot(purpose, subject, channel)
        current = self.state.get(slot)
        now = time.time()
        if not current or current["exp"] <= now:
            return CodeResult(False, "code_expired")
        if current["tries"] >= MAX_TRIES:
            self.state.delete(slot)
            return CodeResult(False, "code_too_many_tries")
        code = "".join(ch for ch in (code or "") if ch.isdigit())[:6]
        if not hmac.compare_digest(current["h"], self._mac(slot, code)):
            current["tries"] += 1
            if current["tries"] >= MAX_TRIES:
                self.state.delete(slot)
                return CodeResult(False, "code_too_many_tries")
            self.state.put(slot, current, max(1, int(current["exp"] - now)))
            return CodeResult(False, "code_wrong")
        if self.state.take(slot) is None:  # another request used it first
            return CodeResult(False, "code_expired")
        return CodeResult(True)
