"""The chip reader's JSON API (docs/enrollment-reader-api.md,
docs/enrollment-openapi.yaml, format in docs/nfc-reader-upload.md).

Authenticated by the one-time case token in `Authorization: Bearer`, not by
a browser session, so exempt from CSRF. Every answer is JSON; errors are
`{"error": code, "detail": text}`."""
from __future__ import annotations

import datetime as dt

from flask import jsonify, request

from idp.app import csrf, services
from idp.registry import RegistryUnavailable

from enrollment.config import MAX_CHIP_UPLOAD
from enrollment import steps
from enrollment.errors import EnrollmentError, ReaderTokenInvalid, StepNotAllowed
from enrollment.models import EnrollmentCase
from enrollment.services import chip as chip_service
from enrollment.services import reader
from enrollment.views.common import client_address, db_session, limit, reader_bp, svc


def _error(code: str, status: int, detail: str = ""):
    response = jsonify(error=code, detail=detail)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


@reader_bp.errorhandler(EnrollmentError)
def _enrollment_error(exc: EnrollmentError):
    db_session().rollback()
    return _error(exc.code, exc.http_status, str(exc) if exc.http_status == 400 else "")


@reader_bp.errorhandler(RegistryUnavailable)
def _registry_down(_exc):
    db_session().rollback()
    return _error("registry_unavailable", 503, "the population register is not answering; read the chip again later")


def _bearer() -> str | None:
    value = request.headers.get("Authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _authorise(case_id: str) -> str:
    limit("reader_address", client_address())
    digest = reader.resolve_token(services().state, _bearer(), case_id)
    limit("reader_case", case_id)
    return digest


@reader_bp.get("/cases/<case_id>/chip/challenge")
@csrf.exempt
def chip_challenge(case_id: str):
    digest = _authorise(case_id)
    case = db_session().get(EnrollmentCase, case_id)
    if case is None or steps.guard(case, "chip") is not None or steps.is_done(case, "chip"):
        raise StepNotAllowed("the case is not at the chip step")
    nonce, expires = reader.issue_nonce(services().state, case_id, digest)
    return jsonify(nonce=nonce.hex(),
                   expires_at=dt.datetime.fromtimestamp(expires, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))


@reader_bp.post("/cases/<case_id>/chip")
@csrf.exempt
def chip_upload(case_id: str):
    digest = _authorise(case_id)
    state = services().state
    nonce = reader.take_nonce(state, case_id, digest)
    reader.consume_token(state, digest, case_id)
    case = db_session().get(EnrollmentCase, case_id)
    if case is None:
        raise ReaderTokenInvalid("case gone")
    if request.mimetype != "application/json":
        raise EnrollmentError("Content-Type must be application/json", code="upload_malformed")
    outcome = chip_service.verify_upload(
        db_session(), case, request.get_data(cache=False), nonce=nonce, trust_store=svc().trust.get(),
        registry=services().registry, cipher=svc().cipher, max_attempts=svc().config.chip_attempts)
    db_session().commit()
    return jsonify(status="received", outcome="verified" if outcome.accepted else "refused"), 202


def raise_upload_limit():
    """Runs before every other request hook: the chip upload may be larger
    than the application's general request limit (docs/nfc-reader-upload.md)."""
    if request.endpoint == "enrollment_reader.chip_upload":
        request.max_content_length = MAX_CHIP_UPLOAD
    elif request.endpoint == "enrollment.selfie_frames":
        from enrollment.config import MAX_SELFIE_UPLOAD

        request.max_content_length = MAX_SELFIE_UPLOAD
    elif request.endpoint == "enrollment.document_scan":
        from enrollment.services.scan import MAX_SCAN_UPLOAD

        request.max_content_length = MAX_SCAN_UPLOAD
