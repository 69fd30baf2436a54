"""The desk: the day's appointments, finding one by its reference, marking
arrivals, no-shows and cancellations, and opening slots (supervisors)."""
from __future__ import annotations

import datetime as dt

from flask import redirect, request, url_for
from sqlalchemy import select

from idp.links import external_url

from consular import notify
from consular.errors import Forbidden, NotFound
from consular.forms import ActionForm, FindForm, SlotsForm
from consular.messages import APPOINTMENT_STATUS, label
from consular.models import Appointment, Visit
from consular.services import appointments, consulates, visits

from consular.views.common import db, officer_required, portal, portal_page, require_action_form, svc


def _day(officer) -> dt.date:
    raw = request.args.get("day", "")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return consulates.local(officer.consulate, dt.datetime.now(dt.timezone.utc)).date()


@portal.get("/<code>/desk")
@officer_required
def desk(officer):
    day = _day(officer)
    form = FindForm(request.args)
    found, error = None, None
    if form.ref.data:
        try:
            found = appointments.find_at(db(), officer.consulate, form.ref.data)
        except NotFound as exc:
            error = exc.code
    rows = appointments.of_day(db(), officer.consulate, day)
    visit_of = {v.appointment_id: v for v in db().scalars(select(Visit).where(
        Visit.appointment_id.in_([a.id for a in rows + ([found] if found else [])])))}
    return portal_page("consular/desk.html", officer, day=day, rows=rows, found=found, error=error, form=form,
                       visit_of=visit_of, action=ActionForm(), mask=appointments.mask_email,
                       local=lambda m: consulates.local(officer.consulate, m), status_label=lambda s: label(
                           APPOINTMENT_STATUS, s), prev_day=day - dt.timedelta(days=1),
                       next_day=day + dt.timedelta(days=1))


def _appointment(officer, appointment_id: str) -> Appointment:
    row = db().get(Appointment, appointment_id) if len(appointment_id) <= 36 else None
    if row is None or row.consulate_id != officer.consulate.id:
        raise NotFound()
    return row


@portal.post("/<code>/appointments/<appointment_id>/arrive")
@officer_required
def arrive(officer, appointment_id: str):
    require_action_form()
    visit = visits.open_visit(db(), _appointment(officer, appointment_id), officer_id=officer.account_id)
    db().commit()
    return redirect(url_for("consular_portal.visit", code=officer.consulate.code, visit_id=visit.id))


@portal.post("/<code>/visits")
@officer_required
def walk_in(officer):
    """A visit without an appointment, in the language the citizen chose."""
    require_action_form()
    locale = request.form.get("locale") if request.form.get("locale") in ("uz", "ru", "en") else "uz"
    visit = visits.open_walk_in(db(), officer.consulate, officer_id=officer.account_id, locale=locale)
    db().commit()
    return redirect(url_for("consular_portal.visit", code=officer.consulate.code, visit_id=visit.id))


@portal.post("/<code>/appointments/<appointment_id>/no-show")
@officer_required
def no_show(officer, appointment_id: str):
    require_action_form()
    appointment = _appointment(officer, appointment_id)
    appointments.mark_no_show(db(), appointment, by=officer.account_id)
    db().commit()
    return redirect(url_for("consular_portal.desk", code=officer.consulate.code,
                            day=consulates.local(officer.consulate, appointment.slot.starts_at).date().isoformat()))


@portal.post("/<code>/appointments/<appointment_id>/cancel")
@officer_required
def cancel(officer, appointment_id: str):
    """The consulate cancels (closure, officer ill): the citizen is told by e-mail."""
    require_action_form()
    appointment = _appointment(officer, appointment_id)
    appointments.cancel(db(), appointment, by=officer.account_id)
    db().commit()
    notify.cancelled(svc().idp.email, appointment, by_consulate=True,
                     booking_url=external_url("consular.book"))
    return redirect(url_for("consular_portal.desk", code=officer.consulate.code,
                            day=consulates.local(officer.consulate, appointment.slot.starts_at).date().isoformat()))


@portal.route("/<code>/slots", methods=["GET", "POST"])
@officer_required
def slots(officer):
    form = SlotsForm()
    made, problem = None, None
    if request.method == "POST":
        if not officer.supervisor:
            raise Forbidden(code="supervisor_required")
        if form.validate_on_submit():
            try:
                times = [dt.time.fromisoformat(t.strip()) for t in form.times.data.split(",") if t.strip()]
                made = appointments.open_slots(db(), officer.consulate, first_day=form.first_day.data,
                                               last_day=form.last_day.data, times=times, minutes=form.minutes.data,
                                               capacity=form.capacity.data,
                                               weekdays={1, 2, 3, 4, 5} if form.weekdays_only.data else None,
                                               actor=officer.account_id)
                db().commit()
            except ValueError as exc:
                db().rollback()
                problem = str(exc)
    day = _day(officer)
    week = [(d, appointments.slots_on(db(), officer.consulate, d)) for d in (day + dt.timedelta(days=i)
                                                                            for i in range(7))]
    return portal_page("consular/slots.html", officer, form=form, made=made, problem=problem, week=week,
                       local=lambda m: consulates.local(officer.consulate, m), day=day)
