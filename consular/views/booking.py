"""Booking a visit: choose a consulate, prove an e-mail address with a code,
choose a time; see or cancel the appointment from the link in the e-mail."""
from __future__ import annotations

import hashlib
import itertools

from flask import abort, redirect, render_template, request, url_for
from flask_babel import get_locale

from idp.auth.continuations_web import continuation_args
from idp.links import external_url
from idp.notify.senders import DeliveryError

from consular import notify
from consular.errors import BookingError, Conflict
from consular.flow import BookingFlow
from consular.forms import ActionForm, CodeForm, EmailForm, SlotForm
from consular.messages import APPOINTMENT_STATUS, label, message
from consular.services import appointments, consulates
from consular.views.common import bp, client_address, db, limit, svc

PURPOSE = "consular_booking"


def _email_key(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:32]


def _consulate(code: str):
    consulate = consulates.find(db(), code)
    if consulate is None or not consulate.active:
        abort(404)
    return consulate


def _locale() -> str:
    from idp.i18n import stored_locale

    return stored_locale(str(get_locale()))


@bp.get("/book")
def book():
    rows = consulates.all_consulates(db(), active_only=True)
    locale = _locale()
    grouped = [(notify.country_name(country, locale), list(items))
               for country, items in itertools.groupby(rows, key=lambda c: c.country)]
    grouped.sort(key=lambda pair: pair[0])
    return render_template("consular/book.html", grouped=grouped,
                           country_name=lambda code: notify.country_name(code, locale))


@bp.get("/in-person")
def in_person():
    """Where to verify one's identity in person (to raise an account's
    identity level, or to enroll): the consulates, and what to bring."""
    rows = consulates.all_consulates(db(), active_only=True)
    locale = _locale()
    grouped = [(notify.country_name(country, locale), list(items))
               for country, items in itertools.groupby(rows, key=lambda c: c.country)]
    grouped.sort(key=lambda pair: pair[0])
    back = continuation_args()
    return render_template("consular/in_person.html", grouped=grouped, back=back,
                           country_name=lambda code: notify.country_name(code, locale))


def _slots_page(consulate, flow: BookingFlow, *, status: int = 200, error: str | None = None):
    locale = _locale()
    days = []
    if flow.email:
        slots = appointments.bookable_slots(db(), consulate)
        for day, items in itertools.groupby(slots, key=lambda s: consulates.local(consulate, s.starts_at).date()):
            days.append((day, list(items)))
    return render_template("consular/book_consulate.html", consulate=consulate, flow=flow, days=days,
                           email_form=EmailForm(), code_form=CodeForm(), slot_form=SlotForm(), action=ActionForm(),
                           error=message(error) if error else None, where=notify.where(consulate, locale),
                           zone=notify.zone_name(consulate, locale),
                           local=lambda m: consulates.local(consulate, m)), status


@bp.get("/book/<code>")
def book_at(code: str):
    return _slots_page(_consulate(code), BookingFlow.load())


@bp.post("/book/<code>/email")
def book_email(code: str):
    consulate = _consulate(code)
    flow = BookingFlow.load()
    form = EmailForm()
    if not form.validate_on_submit() or "@" not in (form.email.data or ""):
        return _slots_page(consulate, flow, status=400, error="csrf" if "csrf_token" in form.errors
                           else "email_invalid")
    email = appointments.normalise_email(form.email.data)
    limit("booking_address", client_address())
    limit("booking_email", email)
    try:
        sent = svc().idp.codes.send(PURPOSE, _email_key(email), "email",
                                    lambda c: notify.booking_code(svc().idp.email, email, c, _locale()))
    except DeliveryError:
        return _slots_page(consulate, flow, status=502, error="delivery_failed")
    if not sent.ok and sent.error != "code_resend_too_soon":
        return _slots_page(consulate, flow, status=429, error=sent.error)
    flow.pending_email, flow.email = email, None
    flow.save()
    return redirect(url_for("consular.book_at", code=consulate.code))


@bp.post("/book/<code>/code")
def book_code(code: str):
    consulate = _consulate(code)
    flow = BookingFlow.load()
    form = CodeForm()
    if not flow.pending_email:
        return redirect(url_for("consular.book_at", code=consulate.code))
    if not form.validate_on_submit():
        return _slots_page(consulate, flow, status=400, error="code_wrong")
    limit("booking_address", client_address())
    result = svc().idp.codes.verify(PURPOSE, _email_key(flow.pending_email), "email", form.code.data)
    if not result.ok:
        return _slots_page(consulate, flow, status=400, error=result.error)
    flow.email, flow.pending_email = flow.pending_email, None
    flow.save()
    return redirect(url_for("consular.book_at", code=consulate.code))


@bp.post("/book/<code>/email/change")
def book_email_change(code: str):
    if ActionForm().validate_on_submit():
        BookingFlow.clear()
    return redirect(url_for("consular.book_at", code=code))


@bp.get("/book/<code>/confirm")
def book_confirm(code: str):
    """The chosen time, place and address in words, before anything is booked."""
    consulate = _consulate(code)
    flow = BookingFlow.load()
    if not flow.email:
        return redirect(url_for("consular.book_at", code=consulate.code))
    slot_id = request.args.get("slot", "")[:36]
    slot = next((s for s in appointments.bookable_slots(db(), consulate) if s.id == slot_id), None)
    if slot is None:
        return _slots_page(consulate, flow, status=409, error="slot_unavailable")
    locale = _locale()
    return render_template("consular/book_confirm.html", consulate=consulate, flow=flow, slot=slot,
                           slot_form=SlotForm(), when=notify.when(consulate, slot.starts_at, locale),
                           where=notify.where(consulate, locale))


@bp.post("/book/<code>")
def book_slot(code: str):
    consulate = _consulate(code)
    flow = BookingFlow.load()
    form = SlotForm()
    if not flow.email:
        return redirect(url_for("consular.book_at", code=consulate.code))
    if not form.validate_on_submit():
        return _slots_page(consulate, flow, status=400, error="slot_unavailable")
    limit("booking_email", flow.email)
    try:
        booking = appointments.book(db(), slot_id=form.slot.data, email=flow.email, locale=_locale(),
                                    consulate_id=consulate.id, link_key=svc().link_key)
    except BookingError as exc:
        db().rollback()
        return _slots_page(consulate, flow, status=409, error=exc.code)
    db().commit()
    manage = external_url("consular.appointment", token=booking.manage_token)
    try:
        notify.booked(svc().idp.email, booking.appointment, manage)
    except DeliveryError:
        pass  # the booking stands; the page shows the same link
    BookingFlow.clear()
    return redirect(url_for("consular.appointment", token=booking.manage_token, booked=1))


@bp.get("/appointment/<token>")
def appointment(token: str):
    limit("manage_address", client_address())
    row = appointments.for_token(db(), token)
    if row is None:
        abort(404)
    return render_template("consular/appointment.html", appointment=row, token=token, action=ActionForm(),
                           booked=request.args.get("booked") == "1", cancelled=request.args.get("cancelled") == "1",
                           when=notify.when(row.consulate, row.slot.starts_at, _locale()),
                           where=notify.where(row.consulate, _locale()),
                           status=label(APPOINTMENT_STATUS, row.status), error=None)


@bp.post("/appointment/<token>/cancel")
def appointment_cancel(token: str):
    limit("manage_address", client_address())
    row = appointments.for_token(db(), token)
    if row is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        appointments.cancel(db(), row, by="citizen")
    except Conflict as exc:
        db().rollback()
        return render_template("consular/appointment.html", appointment=row, token=token, action=ActionForm(),
                               booked=False, cancelled=False, when=notify.when(row.consulate, row.slot.starts_at,
                                                                               _locale()),
                               where=notify.where(row.consulate, _locale()),
                               status=label(APPOINTMENT_STATUS, row.status), error=message(exc.code)), 409
    db().commit()
    try:
        notify.cancelled(svc().idp.email, row, by_consulate=False, booking_url=external_url("consular.book"))
    except DeliveryError:
        pass
    return redirect(url_for("consular.appointment", token=token, cancelled=1))
