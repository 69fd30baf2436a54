"""Forms of the consular pages (Flask-WTF: every one carries a CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, EmailField, HiddenField, IntegerField, SelectField, StringField,
                     TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from consular.messages import REFUSAL_REASONS, REJECTION_REASONS


class ActionForm(FlaskForm):
    """A button that needs only the CSRF token."""


# -- citizens -------------------------------------------------------------------------
class EmailForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])


class CodeForm(FlaskForm):
    code = StringField(_l("Code from the e-mail"), validators=[DataRequired(), Length(max=12)])


class SlotForm(FlaskForm):
    slot = HiddenField(validators=[DataRequired(), Length(max=36)])


class ActivationCodeForm(FlaskForm):
    code = StringField(_l("Activation code"), validators=[DataRequired(), Length(max=40)])


# -- officers -------------------------------------------------------------------------
class FindForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search

    ref = StringField(_l("Appointment reference"), validators=[Optional(), Length(max=20)])


class DocumentForm(FlaskForm):
    document_number = StringField(_l("Passport number"), validators=[DataRequired(), Length(max=20)])
    birth_date = DateField(_l("Date of birth"), validators=[InputRequired()])
    expiry_date = DateField(_l("Expiry date"), validators=[InputRequired()])
    passport_checked = BooleanField(_l("I hold the passport and checked it: the data page, its security features, "
                                       "and that the photo shows the person in front of me."))


class ChipFileForm(FlaskForm):
    reading = FileField(_l("Chip reading file (idp-reader -o)"))


class PhotoForm(FlaskForm):
    photo = FileField(_l("Photo"))


class RefuseForm(FlaskForm):
    reason = SelectField(_l("Reason"), choices=[SelectChoice(k, v) for k, v in REFUSAL_REASONS.items()],
                         validators=[DataRequired()])


class RejectForm(FlaskForm):
    reason = SelectField(_l("Reason the citizen reads"),
                         choices=[SelectChoice(k, v) for k, v in REJECTION_REASONS.items()],
                         validators=[DataRequired()])
    note = TextAreaField(_l("Message to the citizen (optional, shown as you write it)"),
                         validators=[Optional(), Length(max=1000)])


class VisitRequestForm(FlaskForm):
    note = TextAreaField(_l("Message to the citizen (optional, shown as you write it)"),
                         validators=[Optional(), Length(max=1000)])


class MoveForm(FlaskForm):
    consulate = SelectField(_l("Consulate"), choices=[], validators=[DataRequired()])


class SlotsForm(FlaskForm):
    first_day = DateField(_l("From"), validators=[InputRequired()])
    last_day = DateField(_l("To"), validators=[InputRequired()])
    times = StringField(_l("Times (local, comma-separated)"), default="09:00, 09:30, 10:00, 10:30, 11:00, 11:30",
                        validators=[DataRequired(), Length(max=400)])
    minutes = IntegerField(_l("Minutes per visit"), default=30, validators=[NumberRange(5, 240)])
    capacity = IntegerField(_l("Visitors per slot"), default=1, validators=[NumberRange(1, 50)])
    weekdays_only = BooleanField(_l("Monday to Friday only"), default=True)
