"""Register correction requests in the reader's language: field and status
names, the sentences for refused requests, how a value is shown, and the
e-mail the citizen gets when an operator changes a request's status (sent
after the commit; a failed delivery does not undo the change)."""
from __future__ import annotations

import datetime as dt
import logging

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from idp.app import services
from idp.cabinet.corrections import DATE_FIELDS, DONE, IN_REVIEW, REFUSED, SUBMITTED, WITHDRAWN
from idp.config import LOCALES
from idp.links import external_url
from idp.notify.senders import DeliveryError

log = logging.getLogger(__name__)

FIELD_LABELS = {
    "family_name": _l("Family name"),
    "given_name": _l("Given name"),
    "patronymic": _l("Patronymic"),
    "family_name_cyr": _l("Family name in Cyrillic"),
    "given_name_cyr": _l("Given name in Cyrillic"),
    "patronymic_cyr": _l("Patronymic in Cyrillic"),
    "birth_date": _l("Date of birth"),
    "sex": _l("Sex"),
    "citizenship": _l("Citizenship"),
    "document_number": _l("Passport number"),
    "document_expiry": _l("Passport valid until"),
}

SEX_LABELS = {"M": _l("Male"), "F": _l("Female")}

STATUS_LABELS = {
    SUBMITTED: _l("Sent, waiting for an operator"),
    IN_REVIEW: _l("An operator is checking it"),
    DONE: _l("Corrected in the register"),
    REFUSED: _l("Refused"),
    WITHDRAWN: _l("Withdrawn by you"),
}

ERRORS = {
    "field_unknown": _l("Choose which data to correct."),
    "value_empty": _l("Write the correct value."),
    "value_too_long": _l("The correct value must have at most 100 characters."),
    "date_invalid": _l("Give the date as day, month and year."),
    "sex_invalid": _l("Choose male or female."),
    "citizenship_invalid": _l("Write the country as its three-letter code, for example UZB."),
    "document_invalid": _l("A passport number has 5 to 20 Latin letters and digits, for example AA1234567."),
    "explanation_empty": _l("Say why the register's value is wrong, for example which document shows the right one."),
    "explanation_too_long": _l("The explanation must have at most 1000 characters."),
    "value_characters": _l("The correct value contains invisible control characters. Type it again without "
                           "copying it from elsewhere."),
    "explanation_characters": _l("The explanation contains invisible control characters. Type it again "
                                 "without copying it from elsewhere."),
    "same_as_current": _l("This is the value the register already holds. Write the correct one."),
    "already_open": _l("You already have an open request for this data. Wait for the answer, or withdraw "
                       "that request first."),
    "too_many_open": _l("You have 5 open requests. Wait for an answer to one of them, or withdraw one, before "
                        "asking again."),
    "too_many_today": _l("You have made too many requests today. Please try again tomorrow."),
    "not_open": _l("This request is no longer open."),
}

NOTICES = {
    IN_REVIEW: _l("An operator is now checking your request to correct “%(field)s”."),
    DONE: _l("Your request to correct “%(field)s” was carried out: the population register now holds the "
             "corrected value."),
    REFUSED: _l("Your request to correct “%(field)s” was refused."),
}


def error_text(code: str) -> str:
    return str(ERRORS.get(code, ERRORS["not_open"]))


def show(field: str, value: str | None) -> str:
    """A field's value as the citizen reads it: dates in words, sex as a word."""
    if value is None or value == "":
        return "—"
    if field in DATE_FIELDS:
        try:
            return current_app.jinja_env.filters["date_human"](dt.date.fromisoformat(value))
        except ValueError:
            return value
    if field == "sex" and value in SEX_LABELS:
        return str(SEX_LABELS[value])
    return value


def tell_status(address: str, locale: str, request_id: str, field: str, status: str) -> None:
    """E-mail the citizen, in their language, that an operator moved their request to `status`."""
    if status not in NOTICES:
        return
    link = external_url("cabinet.correction_page", request_id=request_id)
    with force_locale(locale if locale in LOCALES else "uz"):
        subject = _("Your request to correct your register data")
        body = str(NOTICES[status]) % {"field": str(FIELD_LABELS[field])}
        body += " " + _("The operator's answer and your request are in your personal cabinet: %(link)s", link=link)
    try:
        services().email.send(address, subject, body)
    except DeliveryError:
        log.warning("correction notice %s not delivered", status)
