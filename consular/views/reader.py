"""The desk reader's JSON API: the same wire format as the remote journey
(docs/nfc-reader-upload.md), for a visit instead of a case.

    GET  /consular/api/visits/<visit_id>/chip/challenge   -> {"nonce", "expires_at"}
    POST /consular/api/visits/<visit_id>/chip             -> 202 {"status": "received", "accepted": bool}

Authenticated by the one-time token from the desk page in
`Authorization: Bearer`, not by a browser session, so exempt from CSRF."""
from __future__ import annotations

import datetime as dt

import nfc
from flask import jsonify, request

from idp.app import csrf

from consular.config import MAX_PHOTO_BYTES, MAX_READER_UPLOAD
from consular.errors import ConsularError
from consular.models import Visit
from consular.services import desk_chip, desk_photo
from consular.views.common import db, limit, reader_bp, svc


def _error(code: str, status: int, detail: str = ""):
    response = jsonify(error=code, detail=detail)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


@reader_bp.errorhandler(ConsularError)
def _refused(exc: ConsularError):
    db().rollback()
    return _error(exc.code, exc.http_status)


def _bearer() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


@reader_bp.get("/visits/<visit_id>/chip/challenge")
@csrf.exempt
def chip_challenge(visit_id: str):
    limit("reader_visit", visit_id)
    desk_chip.resolve_token(svc().idp.state, _bearer(), visit_id)
    nonce, expires = desk_chip.issue_nonce(svc().idp.state, visit_id)
    return jsonify(nonce=nonce.hex(),
                   expires_at=dt.datetime.fromtimestamp(expires, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))


@reader_bp.post("/visits/<visit_id>/chip")
@csrf.exempt
def chip_upload(visit_id: str):
    limit("reader_visit", visit_id)
    digest = desk_chip.resolve_token(svc().idp.state, _bearer(), visit_id)
    if request.content_length is not None and request.content_length > MAX_READER_UPLOAD:
        return _error("upload_too_large", 413)
    payload = request.get_data(cache=False)[:MAX_READER_UPLOAD + 1]
    if len(payload) > MAX_READER_UPLOAD:
        return _error("upload_too_large", 413)
    visit = db().get(Visit, visit_id)
    if visit is None:
        return _error("token_invalid", 401)
    try:
        nfc.parse_upload(payload)
    except nfc.UploadFormatError as exc:
        return _error("upload_malformed", 400, str(exc))
    desk_chip.consume_token(svc().idp.state, digest)
    accepted = desk_chip.verify_upload(db(), visit, payload, nonce=desk_chip.take_nonce(svc().idp.state, visit.id),
                                       trust_store=svc().trust_store(), registry=svc().idp.registry,
                                       cipher=svc().cipher, actor="desk_reader")
    desk_photo.rematch(db(), visit, faces=svc().faces, cipher=svc().cipher)
    db().commit()
    return jsonify(status="received", accepted=accepted), 202


UPLOAD_LIMITS = {"consular_reader.chip_upload": MAX_READER_UPLOAD,
                 "consular_portal.chip_file": MAX_READER_UPLOAD + 64 * 1024,
                 "consular_portal.photo": MAX_PHOTO_BYTES + 64 * 1024}


def raise_upload_limit():
    """Runs before every other request hook: a chip reading or a desk photo
    may be larger than the application's general request limit."""
    size = UPLOAD_LIMITS.get(request.endpoint or "")
    if size is not None:
        request.max_content_length = size
