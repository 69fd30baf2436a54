"""Typed refusals of the consular services. Each carries a stable reason code
(safe to log, translated on pages by consular/messages.py) and the HTTP
status the web layer answers with."""
from __future__ import annotations


class ConsularError(Exception):
    code = "consular_error"
    http_status = 400

    def __init__(self, detail: str = "", *, code: str | None = None):
        super().__init__(detail or code or self.code)
        if code is not None:
            self.code = code


class NotFound(ConsularError):
    """Unknown, or not visible to this officer (never says which)."""

    code = "not_found"
    http_status = 404


class Forbidden(ConsularError):
    code = "forbidden"
    http_status = 403


class Conflict(ConsularError):
    """The thing is not in a state where this action may run."""

    code = "conflict"
    http_status = 409


class FourEyes(ConsularError):
    """A second person must act: `supervisor_required`, `same_officer`."""

    code = "four_eyes"
    http_status = 403


class BookingError(ConsularError):
    code = "booking_failed"
    http_status = 409


class ActivationRefused(ConsularError):
    """Unknown, expired, used or revoked activation code (never says which)."""

    code = "activation_code_invalid"
    http_status = 400


class ReaderTokenInvalid(ConsularError):
    code = "token_invalid"
    http_status = 401


class RateLimited(ConsularError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after
