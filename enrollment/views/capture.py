"""The chip hand-over page and the selfie capture page, with the JSON
endpoints their scripts call (status polling, liveness challenge, frames).
JSON posts carry the CSRF token in the `X-CSRFToken` header."""
from __future__ import annotations

import base64
import binascii
from urllib.parse import urlencode

import segno
from flask import jsonify, redirect, request, url_for
from sqlalchemy import select

from biometrics import CapturedFrame
from idp.app import services
from idp.links import external_url

from enrollment import steps
from enrollment.device import is_phone
from enrollment.errors import EnrollmentError
from enrollment.messages import ACTIONS, message, selfie_message
from enrollment.models import ChipEvidence, EnrollmentCase
from enrollment.services import reader, selfie
from enrollment.services.chip import FINAL_REASONS
from enrollment.services.document import yymmdd
from enrollment.views.common import bp, current_case, db_session, limit, page, require_case, svc, where_to
from enrollment.views.routes import compare_after_selfie

MAX_FRAMES_ACCEPTED = 60  # the library refuses more than its max_frames with a reason; this bounds the work


def latest_chip_read(case: EnrollmentCase) -> ChipEvidence | None:
    """The newest reading for the document now on the case."""
    if case.document_at is None:
        return None
    return db_session().scalars(select(ChipEvidence).where(
        ChipEvidence.case_id == case.id, ChipEvidence.created_at >= case.document_at)
        .order_by(ChipEvidence.created_at.desc())).first()


def chip_state(case: EnrollmentCase) -> dict:
    last = latest_chip_read(case)
    config = svc().config
    exhausted = case.chip_attempts >= config.chip_attempts and not steps.is_done(case, "chip")
    final = bool(last and not last.accepted and FINAL_REASONS & set(last.reasons))
    return {"attempts_left": max(0, config.chip_attempts - case.chip_attempts), "exhausted": exhausted,
            "final": final,
            "last": None if last is None else {
                "id": last.id, "accepted": last.accepted, "reasons": list(last.reasons),
                "messages": [message(r) for r in last.reasons]}}


@bp.get("/chip")
def chip():
    case = require_case("chip")
    if steps.is_done(case, "chip"):
        return redirect(url_for("enrollment.selfie"))
    state = chip_state(case)
    handover = None
    if not state["exhausted"] and not state["final"]:
        limit("post_case", case.id)
        token = reader.issue_token(services().state, case.id)
        db_session().commit()
        endpoint = external_url("enrollment_reader.chip_upload", case_id=case.id)
        link = "oneid-reader:chip?" + urlencode({"endpoint": endpoint, "token": token})
        phone = is_phone(request.headers.get("User-Agent"))
        handover = {
            "endpoint": endpoint, "token": token, "link": link, "phone": phone,
            # a QR code is for a reader on another device: never on a page that is itself on a phone
            "qr": None if phone else segno.make(link, error="m").svg_data_uri(scale=3, border=2),
            "command": (f"idp-reader --mrz-key {case.document_number} {yymmdd(case.birth_date)} "
                        f"{yymmdd(case.expiry_date)} --upload {endpoint} --token {token}"),
            "simulate": (f"idp-reader --simulate PASSPORT.json --upload {endpoint} --token {token}"
                         if not svc().config.production else None),
        }
    return page("enrollment/chip.html", case, chip=state, handover=handover)


@bp.get("/status.json")
def status_json():
    """What the journey pages poll to follow a case live."""
    case = current_case()
    if case is None:
        return jsonify(error="case_not_found"), 404
    body = {"status": case.status, "step": steps.current_step(case) if case.status == "in_progress" else None,
            "next": where_to(case), "chip": chip_state(case) if case.document_at else None}
    return jsonify(body)


@bp.get("/selfie", endpoint="selfie")
def selfie_page():
    case = require_case("selfie")
    if steps.is_done(case, "selfie"):
        return redirect(url_for("enrollment.review"))
    config = svc().config
    left = max(0, config.selfie_attempts - case.selfie_attempts)
    return page("enrollment/selfie.html", case, attempts_left=left, prompts={k: str(v) for k, v in ACTIONS.items()})



def _json_case(step: str) -> EnrollmentCase:
    case = current_case()
    if case is None or steps.guard(case, step) is not None:
        raise EnrollmentError(code="step_not_allowed")
    return case


def _fail(code: str, status: int = 400, **extra):
    return jsonify(ok=False, error=code, message=message(code), **extra), status


@bp.post("/selfie/challenge")
def selfie_challenge():
    try:
        case = _json_case("selfie")
        limit("selfie_case", case.id)
        challenge = selfie.new_challenge(db_session(), case, svc().liveness,
                                         max_attempts=svc().config.selfie_attempts)
    except EnrollmentError as exc:
        return _fail(exc.code, exc.http_status, next=where_to(current_case()))
    db_session().commit()
    return jsonify(ok=True, challenge=challenge)


def _frames(body: dict) -> list[CapturedFrame]:
    raw = body.get("frames")
    if not isinstance(raw, list) or not raw or len(raw) > MAX_FRAMES_ACCEPTED:
        raise EnrollmentError(code="frames_malformed")
    frames = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("image"), str):
            raise EnrollmentError(code="frames_malformed")
        data = item["image"].split(",", 1)[-1]  # a data: URL or bare base64
        try:
            image = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise EnrollmentError(code="frames_malformed") from None
        t = item.get("t")
        frames.append(CapturedFrame(timestamp_ms=t if isinstance(t, (int, float)) and not isinstance(t, bool)
                                    else -1, data=image))
    return frames


@bp.post("/selfie/frames")
def selfie_frames():
    try:
        case = _json_case("selfie")
        limit("selfie_case", case.id)
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise EnrollmentError(code="frames_malformed")
        outcome = selfie.verify_selfie(
            db_session(), case, svc().liveness, svc().cipher, challenge_id=str(body.get("challenge_id", ""))[:64],
            nonce=str(body.get("nonce", ""))[:64], frames=_frames(body), max_attempts=svc().config.selfie_attempts)
        if outcome.done:
            compare_after_selfie(case)  # the register-photo route: the selfie against the register's photo
    except EnrollmentError as exc:
        db_session().rollback()
        return _fail(exc.code, exc.http_status, next=where_to(current_case()))
    db_session().commit()
    return jsonify(ok=True, outcome=outcome.outcome, done=outcome.done, reasons=list(outcome.reasons),
                   messages=[selfie_message(r) for r in outcome.reasons][:3],
                   attempts_left=outcome.attempts_left, next=where_to(case))
