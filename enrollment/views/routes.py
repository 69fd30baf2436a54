"""Routes that fit the device: the register check of the register-photo
route (no chip reader), and changing between the remote routes."""
from __future__ import annotations

from flask import current_app, redirect, request, url_for

from idp.app import services
from idp.registry import RegistryUnavailable

from enrollment.errors import EnrollmentError
from enrollment.forms import ActionForm
from enrollment.messages import message
from enrollment.models import IN_PROGRESS, RegisterEvidence
from enrollment.services import lifecycle, register_check, scan
from enrollment.services.faces import FaceComparer
from enrollment.views.common import bp, db_session, limit, page, require_case, svc, where_to


def faces() -> FaceComparer:
    """The app's face comparer (its models load on first use)."""
    comparer = current_app.extensions.get("enrollment_faces")
    if comparer is None:
        comparer = current_app.extensions["enrollment_faces"] = FaceComparer(svc().biometrics_settings())
    return comparer


def compare_after_selfie(case) -> None:
    """Once the selfie step is done on the register-photo route: the face
    matches against the register's photo (and the page portrait)."""
    if case.route == "register_photo" and case.selfie_evidence_id and case.register_evidence_id:
        register_check.compare_faces(db_session(), case, svc().cipher, faces())


def _last_refusal(case) -> RegisterEvidence | None:
    from sqlalchemy import select

    if case.document_at is None:
        return None
    return db_session().scalars(select(RegisterEvidence).where(
        RegisterEvidence.case_id == case.id, RegisterEvidence.created_at >= case.document_at)
        .order_by(RegisterEvidence.created_at.desc())).first()


@bp.route("/register", methods=["GET", "POST"], endpoint="register_check")
def register_step():
    case = require_case("register")
    if case.register_at is not None:
        return redirect(url_for("enrollment.selfie"))
    form = ActionForm()
    errors: list[str] = []
    if form.validate_on_submit():
        limit("post_case", case.id)
        try:
            names, source, pinfl = scan.confirmed_scan(db_session(), case, svc().cipher)
            outcome = register_check.check(db_session(), case, services().registry, svc().cipher,
                                           max_attempts=svc().config.chip_attempts, names=names, mrz_source=source,
                                           personal_number=pinfl)
        except RegistryUnavailable:
            db_session().rollback()
            errors = [message("registry_unavailable")]
        except EnrollmentError as exc:
            db_session().rollback()
            errors = [message(exc.code)]
        else:
            db_session().commit()
            if outcome.accepted:
                return redirect(where_to(case))
            errors = [message(code) for code in outcome.reasons]
    elif request.method == "GET":
        last = _last_refusal(case)
        if last is not None and not last.accepted:
            errors = [message(code) for code in last.reasons]
    return page("enrollment/register.html", case, 400 if request.method == "POST" and errors else 200,
                form=form, errors=errors)


@bp.post("/route")
def change_route():
    """The citizen takes the other remote route (or, with `consular`, the consulate)."""
    case = require_case()
    route = request.form.get("route", "")
    if ActionForm().validate_on_submit() and case.status == IN_PROGRESS:
        try:
            lifecycle.choose_route(db_session(), case, route)
        except EnrollmentError:
            db_session().rollback()
        else:
            db_session().commit()
    return redirect(where_to(case))
