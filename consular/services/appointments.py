"""Slots and appointments: opening slots, booking with a verified e-mail
address, cancelling, finding an appointment at the desk, and reminders.

Booking takes a place with one conditional UPDATE (`booked < capacity`), so
two citizens racing for the last place cannot both get it, on SQLite and on
PostgreSQL alike. A citizen holds at most one upcoming appointment per
e-mail address. The citizen's link to see or cancel the appointment carries
a token derived from the appointment's random id with a server key (HMAC),
so the reminder can carry the same link; only the token's SHA-256 is stored.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.db import utcnow
from idp.people.models import new_id

from consular.config import SLOT_HORIZON_DAYS
from consular.errors import BookingError, Conflict, NotFound
from consular.models import ARRIVED, BOOKED, CANCELLED, NO_SHOW, Appointment, Consulate, Slot
from consular.services import consulates

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
REFERENCE_LENGTH = 8
LEAD_TIME = dt.timedelta(hours=2)  # the last moment a slot can still be booked
CANCEL_UNTIL = dt.timedelta(hours=0)  # a citizen may cancel until the slot starts


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def manage_token(link_key: bytes, appointment_id: str) -> str:
    """The token of the citizen's link to the appointment."""
    return hmac.new(link_key, appointment_id.encode(), hashlib.sha256).hexdigest()


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def mask_email(email: str) -> str:
    """`a•••@example.org`: enough for an officer to recognise, not to copy."""
    local, _, domain = (email or "").partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


# -- slots --------------------------------------------------------------------------
def open_slots(session: Session, consulate: Consulate, *, first_day: dt.date, last_day: dt.date,
               times: list[dt.time], minutes: int, capacity: int, weekdays: set[int] | None = None,
               actor: str = "operator") -> int:
    """Slots at each of `times` (consulate wall clock) on each day; days
    outside `weekdays` (ISO, Monday = 1) and existing slots are skipped."""
    if last_day < first_day or (last_day - first_day).days > 366:
        raise ValueError("the range of days must be forward and at most a year")
    if not 5 <= minutes <= 240 or not 1 <= capacity <= 50:
        raise ValueError("minutes must be 5-240 and capacity 1-50")
    if not times:
        raise ValueError("name at least one time of day")
    existing = set(session.scalars(select(Slot.starts_at).where(Slot.consulate_id == consulate.id)))
    made = 0
    day = first_day
    while day <= last_day:
        if weekdays is None or day.isoweekday() in weekdays:
            for time in sorted(set(times)):
                starts = consulates.to_utc(consulate, day, time)
                if starts not in existing:
                    session.add(Slot(consulate_id=consulate.id, starts_at=starts, minutes=minutes, capacity=capacity))
                    existing.add(starts)
                    made += 1
        day += dt.timedelta(days=1)
    session.flush()
    record(session, "consular.slots.opened", actor=actor, consulate=consulate.id, count=made,
           first_day=first_day.isoformat(), last_day=last_day.isoformat())
    return made


def close_slot(session: Session, slot: Slot, *, actor: str) -> None:
    slot.closed = True
    record(session, "consular.slot.closed", actor=actor, consulate=slot.consulate_id, slot=slot.id)


def bookable_slots(session: Session, consulate: Consulate, *, now: dt.datetime | None = None) -> list[Slot]:
    now = now or utcnow()
    rows = session.scalars(select(Slot).where(
        Slot.consulate_id == consulate.id, Slot.closed.is_(False), Slot.booked < Slot.capacity,
        Slot.starts_at >= now + LEAD_TIME, Slot.starts_at <= now + dt.timedelta(days=SLOT_HORIZON_DAYS))
        .order_by(Slot.starts_at))
    return list(rows)


def slots_on(session: Session, consulate: Consulate, day: dt.date) -> list[Slot]:
    """Every slot of one local day at the consulate."""
    start = consulates.to_utc(consulate, day, dt.time(0, 0))
    end = consulates.to_utc(consulate, day + dt.timedelta(days=1), dt.time(0, 0))
    return list(session.scalars(select(Slot).where(Slot.consulate_id == consulate.id, Slot.starts_at >= start,
                                                   Slot.starts_at < end).order_by(Slot.starts_at)))


# -- booking ------------------------------------------------------------------------
@dataclass(frozen=True)
class Booking:
    appointment: Appointment
    manage_token: str  # for the citizen's link; not stored


def upcoming_for(session: Session, email: str, *, now: dt.datetime | None = None) -> Appointment | None:
    now = now or utcnow()
    return session.scalars(select(Appointment).join(Slot, Slot.id == Appointment.slot_id).where(
        Appointment.email == normalise_email(email), Appointment.status.in_((BOOKED, ARRIVED)),
        Slot.starts_at >= now - dt.timedelta(hours=12)).order_by(Slot.starts_at)).first()


def _new_reference(session: Session) -> str:
    for _ in range(10):
        ref = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
        if session.scalars(select(Appointment.id).where(Appointment.reference == ref)).first() is None:
            return ref
    raise RuntimeError("could not draw a free reference")


def book(session: Session, *, slot_id: str, email: str, locale: str, link_key: bytes,
         consulate_id: str | None = None, now: dt.datetime | None = None) -> Booking:
    """Book a place for a verified e-mail address; the caller commits.
    Raises BookingError: slot_unavailable, slot_full, already_booked."""
    now = now or utcnow()
    email = normalise_email(email)
    slot = session.get(Slot, slot_id) if isinstance(slot_id, str) and len(slot_id) <= 36 else None
    if (slot is None or slot.closed or not slot.consulate.active or slot.starts_at < now + LEAD_TIME
            or (consulate_id is not None and slot.consulate_id != consulate_id)
            or slot.starts_at > now + dt.timedelta(days=SLOT_HORIZON_DAYS)):
        raise BookingError(code="slot_unavailable")
    if upcoming_for(session, email, now=now) is not None:
        raise BookingError(code="already_booked")
    taken = session.execute(update(Slot).where(Slot.id == slot.id, Slot.booked < Slot.capacity,
                                               Slot.closed.is_(False))
                            .values(booked=Slot.booked + 1).execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        raise BookingError(code="slot_full")
    session.refresh(slot)
    appointment_id = new_id()
    token = manage_token(link_key, appointment_id)
    appointment = Appointment(id=appointment_id, reference=_new_reference(session), slot_id=slot.id,
                              consulate_id=slot.consulate_id,
                              email=email, locale=locale, status=BOOKED, manage_token_hash=token_hash(token),
                              created_at=now)
    session.add(appointment)
    session.flush()
    record(session, "consular.appointment.booked", subject=appointment.id, consulate=slot.consulate_id,
           slot=slot.id)
    return Booking(appointment, token)


def for_token(session: Session, token: str | None) -> Appointment | None:
    if not token or len(token) > 100:
        return None
    return session.scalars(select(Appointment).where(Appointment.manage_token_hash == token_hash(token))).first()


def cancel(session: Session, appointment: Appointment, *, by: str, now: dt.datetime | None = None) -> None:
    """Cancel a booked appointment and free its place. `by` is "citizen" or an officer's account id."""
    now = now or utcnow()
    if appointment.status != BOOKED:
        raise Conflict(code="appointment_not_booked")
    if by == "citizen" and appointment.slot.starts_at <= now + CANCEL_UNTIL:
        raise Conflict(code="appointment_started")
    appointment.status, appointment.cancelled_at, appointment.cancelled_by = CANCELLED, now, by
    session.execute(update(Slot).where(Slot.id == appointment.slot_id, Slot.booked > 0)
                    .values(booked=Slot.booked - 1).execution_options(synchronize_session=False))
    session.flush()
    record(session, "consular.appointment.cancelled", actor=None if by == "citizen" else by,
           subject=appointment.id, by="citizen" if by == "citizen" else "officer")


# -- at the desk --------------------------------------------------------------------
def find_at(session: Session, consulate: Consulate, reference: str) -> Appointment:
    ref = "".join(ch for ch in (reference or "").upper() if ch.isalnum())[:REFERENCE_LENGTH]
    appointment = session.scalars(select(Appointment).where(
        Appointment.consulate_id == consulate.id, Appointment.reference == ref)).first()
    if appointment is None:
        raise NotFound(code="appointment_not_found")
    return appointment


def of_day(session: Session, consulate: Consulate, day: dt.date) -> list[Appointment]:
    start = consulates.to_utc(consulate, day, dt.time(0, 0))
    end = consulates.to_utc(consulate, day + dt.timedelta(days=1), dt.time(0, 0))
    return list(session.scalars(select(Appointment).join(Slot, Slot.id == Appointment.slot_id).where(
        Appointment.consulate_id == consulate.id, Slot.starts_at >= start, Slot.starts_at < end)
        .order_by(Slot.starts_at, Appointment.created_at)))


def mark_no_show(session: Session, appointment: Appointment, *, by: str, now: dt.datetime | None = None) -> None:
    now = now or utcnow()
    if appointment.status != BOOKED or appointment.slot.starts_at > now:
        raise Conflict(code="appointment_not_due")
    appointment.status = NO_SHOW
    record(session, "consular.appointment.no_show", actor=by, subject=appointment.id)


# -- reminders ----------------------------------------------------------------------
def due_reminders(session: Session, *, within_hours: int, now: dt.datetime | None = None) -> list[Appointment]:
    now = now or utcnow()
    return list(session.scalars(select(Appointment).join(Slot, Slot.id == Appointment.slot_id).where(
        Appointment.status == BOOKED, Appointment.reminded_at.is_(None),
        and_(Slot.starts_at > now, Slot.starts_at <= now + dt.timedelta(hours=within_hours)))
        .order_by(Slot.starts_at)))


def claim_reminder(session: Session, appointment: Appointment, *, now: dt.datetime | None = None) -> bool:
    """Mark the reminder as sent, once: two schedulers running at the same
    time do not both send it."""
    now = now or utcnow()
    done = session.execute(update(Appointment).where(Appointment.id == appointment.id,
                                                     Appointment.reminded_at.is_(None))
                           .values(reminded_at=now).execution_options(synchronize_session=False)).rowcount
    return done == 1


def release_reminder(session: Session, appointment: Appointment) -> None:
    """The e-mail could not be handed over: the next run tries again."""
    session.execute(update(Appointment).where(Appointment.id == appointment.id)
                    .values(reminded_at=None).execution_options(synchronize_session=False))
