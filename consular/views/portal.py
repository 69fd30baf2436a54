"""The officers' portal: the review queue, the case page and decisions."""
from __future__ import annotations

from flask import redirect, request, url_for
from wtforms.fields.choices import SelectChoice

from enrollment.config import ACTIVATION_TTL_DAYS
from enrollment.messages import message as enrollment_message
from enrollment.models import RAISE
from enrollment.notify import activation_url
from idp.cabinet import alerts
from idp.db import utcnow
from idp.links import external_url
from idp.notify.senders import DeliveryError
from idp.people.models import Account

from consular import foureyes, notify
from consular.errors import Forbidden, NotFound
from consular.forms import ActionForm, MoveForm, RejectForm, VisitRequestForm
from consular.images import data_uri
from consular.messages import (AGE, CASE_STATUS, CHECK_STATUS, CHIP_CHECKS, FLAGS, LIVENESS_CHECKS, OUTCOMES,
                               REGISTER_MATCH, REJECTION_REASONS, label)
from consular.services import consulates, decisions, evidence, queue
from consular.services.visits import person_account
from consular.views.common import db, officer_required, portal, portal_page, require_action_form, svc


@portal.get("/")
@officer_required
def home(officer):
    return redirect(url_for("consular_portal.queue_page", code=officer.roles[0].consulate_code))


@portal.get("/<code>/queue")
@officer_required
def queue_page(officer):
    routed = queue.route_new_cases(db())
    if routed:
        db().commit()
    status = request.args.get("status") if request.args.get("status") in queue.STATUSES else "awaiting"
    flag = request.args.get("flag") or None
    age = request.args.get("age") if request.args.get("age") in queue.AGES else None
    result = queue.load(db(), officer.consulate.id, status=status, flag=flag, age=age,
                        target_hours=svc().config.review_target_hours)
    return portal_page("consular/queue.html", officer, result=result, status=status, flag=flag, age=age,
                       statuses=CASE_STATUS, ages=AGE, flags=FLAGS, outcomes=OUTCOMES,
                       target_hours=svc().config.review_target_hours, flag_label=lambda f: label(FLAGS, f),
                       local=lambda m: consulates.local(officer.consulate, m))


def _case(officer, case_id: str):
    return decisions.visible_case(db(), officer.consulate, case_id)


def _case_page(officer, case, review, *, status: int = 200, error: str | None = None):
    decisions.record_view(db(), case, officer_id=officer.account_id, consulate_id=officer.consulate.id)
    citizen = db().get(Account, case.account_id) if case.account_id else person_account(db(), case.pinfl)
    if citizen is not None:  # the citizen hears of it, at most once a day per officer and case
        alerts.officer_viewed_case(db(), citizen, case_id=case.id, officer_id=officer.account_id,
                                   consulate=officer.consulate.name)
    db().commit()
    found = evidence.gather(db(), case, cipher=svc().cipher, registry=svc().idp.registry, state=svc().idp.state,
                            faces=svc().faces, person_subject=decisions.subject_of(db(), case))
    move = MoveForm()
    others = [c for c in consulates.all_consulates(db(), active_only=True) if c.id != officer.consulate.id]
    move.consulate.choices = [SelectChoice(c.code, f"{c.code} · {c.name}") for c in others]
    key = queue.status_of(case, review)
    return portal_page(
        "consular/case.html", officer, status, case=case, review=review, key=key, evidence=found,
        portrait=data_uri(found.portrait), best_frame=data_uri(found.best_frame), action=ActionForm(),
        register_photo=data_uri(found.register_photo), page_portrait=data_uri(found.page_portrait),
        reject_form=RejectForm(), visit_form=VisitRequestForm(), move_form=move, error=error,
        flag_label=lambda f: label(FLAGS, f), outcome_label=label(OUTCOMES, review.outcome),
        status_label=label(CASE_STATUS, key) if key else case.status, reason_text=enrollment_message,
        rejection_label=lambda r: label(REJECTION_REASONS, r), needs_second=bool(case.flags) or key == "auto_rejected",
        local=lambda m: consulates.local(officer.consulate, m),
        check_label=lambda n: label(CHIP_CHECKS, n), liveness_label=lambda n: label(LIVENESS_CHECKS, n),
        result_label=lambda r: label(CHECK_STATUS, r), match_label=lambda k: label(REGISTER_MATCH, k),
        age_label=label(AGE, queue.age_bucket(utcnow() - queue.submitted(case), svc().config.review_target_hours)))


@portal.get("/<code>/cases/<case_id>")
@officer_required
def case_page(officer, case_id: str):
    case, review = _case(officer, case_id)
    return _case_page(officer, case, review)


def _actor(officer) -> foureyes.Actor:
    return foureyes.Actor(officer.account_id, officer.role)


def _back(officer, case):
    return redirect(url_for("consular_portal.case_page", code=officer.consulate.code, case_id=case.id))


@portal.post("/<code>/cases/<case_id>/approve")
@officer_required
def case_approve(officer, case_id: str):
    case, review = _case(officer, case_id)
    require_action_form()
    outcome = decisions.approve(db(), case, review, actor=_actor(officer))
    db().commit()
    if outcome.activation_token and case.email:
        _send(notify.level_raise_approved if case.purpose == RAISE else notify.case_approved, case.email, case.locale,
              activation_url=activation_url(svc().config.issuer, outcome.activation_token), days=ACTIVATION_TTL_DAYS)
    return _back(officer, case)


@portal.post("/<code>/cases/<case_id>/reject")
@officer_required
def case_reject(officer, case_id: str):
    case, review = _case(officer, case_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _case_page(officer, case, review, status=400, error="reason_unknown")
    decisions.reject(db(), case, review, actor=_actor(officer), reason=form.reason.data, note=form.note.data)
    db().commit()
    if case.email:
        _send(notify.case_rejected, case.email, case.locale, reason=form.reason.data, note=review.message,
              booking_url=external_url("consular.book"))
    return _back(officer, case)


@portal.post("/<code>/cases/<case_id>/visit")
@officer_required
def case_visit(officer, case_id: str):
    case, review = _case(officer, case_id)
    form = VisitRequestForm()
    if not form.validate_on_submit():
        raise Forbidden(code="csrf")
    decisions.request_visit(db(), case, review, actor=_actor(officer), note=form.note.data)
    db().commit()
    if case.email:
        _send(notify.case_needs_visit, case.email, case.locale, note=review.message,
              booking_url=external_url("consular.book"))
    return _back(officer, case)


@portal.post("/<code>/cases/<case_id>/move")
@officer_required
def case_move(officer, case_id: str):
    case, review = _case(officer, case_id)
    form = MoveForm()
    form.consulate.choices = [SelectChoice(c.code, c.code) for c in consulates.all_consulates(db(), active_only=True)]
    if not form.validate_on_submit():
        raise Forbidden(code="csrf")
    target = consulates.find(db(), form.consulate.data)
    if target is None:
        raise NotFound()
    decisions.move(db(), case, review, actor=_actor(officer), to=target)
    db().commit()
    return redirect(url_for("consular_portal.queue_page", code=officer.consulate.code))


def _send(function, *args, **kwargs) -> None:
    """The decision stands when the e-mail cannot be handed over; the
    citizen also sees it on the enrollment status page."""
    try:
        function(svc().idp.email, *args, **kwargs)
    except DeliveryError:
        pass
