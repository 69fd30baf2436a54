"""Typed errors of the enrollment services, one per refusal the web layer
maps to a status code and a message. Every error carries a stable reason
code (safe to log, stored with the case, translated on pages)."""
from __future__ import annotations


class EnrollmentError(Exception):
    code = "enrollment_error"
    http_status = 400

    def __init__(self, detail: str = "", *, code: str | None = None):
        super().__init__(detail or self.code)
        if code is not None:
            self.code = code


class CaseNotFound(EnrollmentError):
    code = "case_not_found"
    http_status = 404


class StepNotAllowed(EnrollmentError):
    """The case is not at a point where this step may run (steps.guard)."""

    code = "step_not_allowed"
    http_status = 409


class ReaderTokenInvalid(EnrollmentError):
    """Unknown, expired, used, or issued for another case."""

    code = "token_invalid"
    http_status = 401


class NonceUnavailable(EnrollmentError):
    """No live chip nonce for this reader: expired, used, or superseded."""

    code = "nonce_expired"
    http_status = 409


class UploadMalformed(EnrollmentError):
    code = "upload_malformed"
    http_status = 400


class RateLimited(EnrollmentError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


class AttemptsExhausted(EnrollmentError):
    code = "attempts_exhausted"
    http_status = 409


class TrustStoreUnavailable(EnrollmentError):
    """The CSCA trust store cannot be read: an operator problem."""

    code = "trust_store_unavailable"
    http_status = 503


class ActivationError(EnrollmentError):
    code = "activation_failed"
