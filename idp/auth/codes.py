"""One-time codes sent by e-mail or SMS.

Six digits, five minutes, at most five tries, a resend cool-down while a code
is pending and a cap on sends per hour. Codes are stored only as an HMAC under the server's secret
(six digits would fall to a brute force of a plain hash), in the short-lived
state store, keyed by purpose, subject and channel; a correct code is taken
atomically, so it works once.

Tries, sends and the cool-down are counted before anything is checked or
sent, each in one atomic step on the shared counter (idp/state/counters.py),
so parallel requests get no more tries or codes than the limits.
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
        if not self.state.add(slot + ":cool", {"sent": now}, RESEND_AFTER):
            held = self.state.get(slot + ":cool") or {"sent": now}
            return CodeResult(False, "code_resend_too_soon", int(RESEND_AFTER - (now - held["sent"])) + 1)
        sends = self.state.hit(slot + ":sends", 3600)
        if sends.count > MAX_SENDS_PER_HOUR:
            return CodeResult(False, "code_too_many_sends", sends.reset_in)
        code = f"{secrets.randbelow(10**6):06d}"
        try:
            deliver(code)  # raises DeliveryError; no code is stored then
        except Exception:
            self.state.delete(slot + ":cool")
            raise
        self.state.put(slot, {"h": self._mac(slot, code), "id": secrets.token_hex(8), "sent": now,
                              "exp": now + LIFETIME}, LIFETIME)
        return CodeResult(True)

    def verify(self, purpose: str, subject: str, channel: str, code: str) -> CodeResult:
        slot = self._slot(purpose, subject, channel)
        current = self.state.get(slot)
        now = time.time()
        if not current or current["exp"] <= now:
            return CodeResult(False, "code_expired")
        # Count the try first: parallel guesses get at most MAX_TRIES checks.
        tries = self.state.hit(f"{slot}:tries:{current.get('id') or current['h'][:16]}", LIFETIME).count
        if tries > MAX_TRIES:
            self._end(slot)
            return CodeResult(False, "code_too_many_tries")
        code = "".join(ch for ch in (code or "") if ch.isdigit())[:6]
        if not hmac.compare_digest(current["h"], self._mac(slot, code)):
            if tries >= MAX_TRIES:
                self._end(slot)
                return CodeResult(False, "code_too_many_tries")
            return CodeResult(False, "code_wrong")
        if self.state.take(slot) is None:  # another request used it first
            return CodeResult(False, "code_expired")
        self.state.delete(slot + ":cool")
        return CodeResult(True)

    def _end(self, slot: str) -> None:
        """The code is gone: a new one may be asked for at once (within the hourly cap)."""
        self.state.delete(slot)
        self.state.delete(slot + ":cool")
