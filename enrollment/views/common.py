"""What every enrollment view shares: the blueprints, the current case from
the browser's flow cookie, the step guard, rate limits and page rendering.
Views parse input, call one service, and render or redirect."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, jsonify, redirect, render_template, request, url_for

from idp.app import services

from enrollment import steps
from enrollment.errors import RateLimited
from enrollment.flow import EnrollmentFlow
from enrollment.messages import STATUS, STEPS, message
from enrollment.models import APPROVED, CONSULAR, IN_PROGRESS, EnrollmentCase
from enrollment.services import EnrollmentServices, cases

bp = Blueprint("enrollment", __name__, url_prefix="/enroll")
reader_bp = Blueprint("enrollment_reader", __name__, url_prefix="/enroll/api")

STEP_ENDPOINTS = {"start": "enrollment.start", "contact": "enrollment.contact", "document": "enrollment.document",
                  "chip": "enrollment.chip", "register": "enrollment.register_check", "selfie": "enrollment.selfie",
                  "submit": "enrollment.review"}
JOURNEY_STEPS = ("contact", "document", "chip", "register", "selfie", "submit")


def svc() -> EnrollmentServices:
    return current_app.extensions["enrollment"]


def db_session():
    return services().db.session


def client_address() -> str:
    return request.remote_addr or "unknown"


def limit(scope: str, key: str) -> None:
    """Count a request; abort with 429 past the limit."""
    try:
        svc().limiter.hit(scope, key)
    except RateLimited as exc:
        if request.path.startswith("/enroll/api/") or request.is_json:
            response = jsonify(error="rate_limited", retry_after=exc.retry_after)
        else:
            response = current_app.make_response((render_template(
                "error.html", status=429, message=message("rate_limited")), 429))
        response.status_code = 429
        response.headers["Retry-After"] = str(exc.retry_after)
        abort(response)


def flow() -> EnrollmentFlow | None:
    if "enroll_flow" not in g:
        g.enroll_flow = EnrollmentFlow.load()
    return g.enroll_flow


def current_case() -> EnrollmentCase | None:
    if "enroll_case" not in g:
        state = flow()
        g.enroll_case = (cases.case_for_browser(db_session(), state.case_id, state.key)
                         if state is not None else None)
        if db_session().dirty:  # an expired case was closed just now
            db_session().commit()
    return g.enroll_case


def where_to(case: EnrollmentCase | None) -> str:
    """The page a case belongs on now."""
    if case is None:
        return url_for("enrollment.start")
    if case.status == IN_PROGRESS:
        return url_for(STEP_ENDPOINTS[steps.current_step(case) or "submit"])
    if case.status == APPROVED:
        return url_for("enrollment.activate")
    if case.status == CONSULAR:
        return url_for("enrollment.consular")
    return url_for("enrollment.status")


def require_case(step: str | None = None) -> EnrollmentCase:
    """The browser's case, if `step` may run for it now; otherwise the
    request ends with a redirect to where the case belongs."""
    case = current_case()
    if case is None:
        abort(redirect(url_for("enrollment.start")))
    if step is not None and steps.guard(case, step) is not None:
        abort(redirect(where_to(case)))
    return case


def page(template: str, case: EnrollmentCase | None, status: int = 200, **context):
    progress = [(name, STEPS[name], state) for name, state in steps.progress(case)
                if name in JOURNEY_STEPS] if case is not None and case.status == IN_PROGRESS else []
    return render_template(template, case=case, progress=progress, status_labels=STATUS, message=message,
                           **context), status


def save_flow(response, state: EnrollmentFlow):
    lifetime = max(svc().config.case_lifetime_days, 14) * 86400
    state.save(response, max_age=lifetime)
    return response


def _too_large(_exc):
    # Answered without touching the request body or the locale (which would
    # read the form, hit the limit again and fail).
    return jsonify(error="too_large", detail="the request is larger than this endpoint accepts"), 413


bp.register_error_handler(413, _too_large)
reader_bp.register_error_handler(413, _too_large)
