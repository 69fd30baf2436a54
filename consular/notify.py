"""E-mails to citizens, each in the language they used (the appointment's or
the case's locale). Times are the consulate's wall clock. No e-mail carries
an activation code: that is handed over on paper at the desk."""
from __future__ import annotations

import datetime as dt
import zoneinfo

from babel import Locale
from babel.dates import format_datetime, get_timezone, get_timezone_name
from flask_babel import force_locale
from flask_babel import gettext as _

from consular.messages import REJECTION_REASONS
from consular.models import Appointment, Consulate


def when(consulate: Consulate, moment: dt.datetime, locale: str) -> str:
    zone = zoneinfo.ZoneInfo(consulate.timezone)
    return f"{format_datetime(moment, 'EEEE, d MMMM y, HH:mm', tzinfo=zone, locale=locale)} ({zone_name(consulate, locale)})"


def zone_name(consulate: Consulate, locale: str) -> str:
    """The consulate's time zone as people say it ("Moscow Time"), not its id."""
    try:
        return get_timezone_name(get_timezone(consulate.timezone), width="long", locale=locale.replace("-", "_"))
    except (LookupError, ValueError):
        return consulate.timezone


def country_name(code: str, locale: str) -> str:
    try:
        return Locale.parse(locale).territories.get(code, code)
    except (ValueError, LookupError):
        return code


def where(consulate: Consulate, locale: str) -> str:
    parts = [consulate.name, consulate.address or consulate.city, country_name(consulate.country, locale)]
    return ", ".join(p for p in parts if p)


def booking_code(sender, email: str, code: str, locale: str) -> None:
    with force_locale(locale):
        sender.send(email, _("Your OneID consulate booking code"),
                    _("Your code is %(code)s. It is valid for 5 minutes. Never tell it to anyone.", code=code))


def booked(sender, appointment: Appointment, manage_url: str) -> None:
    with force_locale(appointment.locale):
        sender.send(appointment.email, _("Your consulate appointment: %(reference)s", reference=appointment.reference),
                    _("Your appointment is booked.\n\nWhen: %(when)s\nWhere: %(where)s\nReference: %(reference)s\n\n"
                      "Bring your passport. At the desk the officer checks it, takes your photo and gives you a "
                      "one-time activation code for your OneID account.\n\nTo see or cancel the appointment:\n%(url)s",
                      when=when(appointment.consulate, appointment.slot.starts_at, appointment.locale),
                      where=where(appointment.consulate, appointment.locale), reference=appointment.reference,
                      url=manage_url))


def reminder(sender, appointment: Appointment, manage_url: str) -> None:
    with force_locale(appointment.locale):
        sender.send(appointment.email, _("Reminder: your consulate appointment %(reference)s",
                                         reference=appointment.reference),
                    _("This is a reminder of your appointment.\n\nWhen: %(when)s\nWhere: %(where)s\n"
                      "Reference: %(reference)s\n\nBring your passport. If you cannot come, please cancel so that "
                      "someone else can have the time:\n%(url)s",
                      when=when(appointment.consulate, appointment.slot.starts_at, appointment.locale),
                      where=where(appointment.consulate, appointment.locale), reference=appointment.reference,
                      url=manage_url))


def cancelled(sender, appointment: Appointment, *, by_consulate: bool, booking_url: str) -> None:
    with force_locale(appointment.locale):
        reason = (_("The consulate had to cancel your appointment. We apologise.") if by_consulate
                  else _("Your appointment was cancelled as you asked."))
        sender.send(appointment.email, _("Your consulate appointment %(reference)s is cancelled",
                                         reference=appointment.reference),
                    _("%(reason)s\n\nWas: %(when)s, %(where)s\n\nYou can book another time here:\n%(url)s",
                      reason=reason, when=when(appointment.consulate, appointment.slot.starts_at, appointment.locale),
                      where=where(appointment.consulate, appointment.locale), url=booking_url))


def visit_approved(sender, email: str | None, locale: str, consulate: Consulate, *, activate_url: str) -> None:
    if not email:
        return
    with force_locale(locale):
        sender.send(email, _("Your identity was confirmed at the consulate"),
                    _("Your identity was confirmed today at %(where)s.\n\nActivate your OneID account within 72 hours "
                      "with the code on the paper the officer gave you: open %(url)s on your phone or scan the QR "
                      "code. Nobody from OneID will ever ask you for this code.",
                      where=where(consulate, locale), url=activate_url))


def case_approved(sender, email: str, locale: str, *, activation_url: str, days: int) -> None:
    with force_locale(locale):
        sender.send(email, _("Your OneID enrollment is approved"),
                    _("A consular officer confirmed your identity. Activate your OneID account within %(days)d days "
                      "by opening this link on your phone:\n\n%(url)s\n\nThere you create a passkey, or a password "
                      "and an authenticator app code.", days=days, url=activation_url))


def level_raise_approved(sender, email: str, locale: str, *, activation_url: str, days: int) -> None:
    """An approved case of a citizen who raises the identity level of their existing account."""
    with force_locale(locale):
        sender.send(email, _("Your identity was confirmed"),
                    _("A consular officer confirmed your identity. To raise the identity level of your OneID "
                      "account, open this link within %(days)d days and log in to your account:\n\n%(url)s\n\n"
                      "Your login methods stay as they are.", days=days, url=activation_url))


def case_rejected(sender, email: str, locale: str, *, reason: str, note: str | None, booking_url: str) -> None:
    with force_locale(locale):
        text = str(REJECTION_REASONS.get(reason, REJECTION_REASONS["other"]))
        body = _("A consular officer reviewed your enrollment and could not approve it:\n\n%(reason)s",
                 reason=text)
        if note:
            body += "\n\n" + _("The officer adds:") + "\n" + note
        body += "\n\n" + _("You can still get an account by visiting a consulate with your passport. Book a "
                           "time here:\n%(url)s", url=booking_url)
        sender.send(email, _("Your OneID enrollment was not approved"), body)


def case_needs_visit(sender, email: str, locale: str, *, note: str | None, booking_url: str) -> None:
    with force_locale(locale):
        body = _("A consular officer reviewed your enrollment and needs to see you in person to finish it. "
                 "Please book a visit at a consulate and bring your passport:\n\n%(url)s", url=booking_url)
        if note:
            body += "\n\n" + _("The officer adds:") + "\n" + note
        sender.send(email, _("Please visit a consulate to finish your OneID enrollment"), body)
