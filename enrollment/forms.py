"""Forms of the enrollment pages (Flask-WTF: every one carries a CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, BooleanField, DateField, EmailField, HiddenField, PasswordField, RadioField, StringField, TelField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token (withdraw, switch route, ...)."""


class StartForm(FlaskForm):
    purpose = HiddenField(default="enroll")
    route = RadioField(_l("How do you want to prove who you are?"),
                       choices=[SelectChoice("passport", _l("With my passport's chip and a selfie: I have the "
                                                             "OneID reader app on a phone with NFC, or a "
                                                             "computer with a contactless card reader")),
                                SelectChoice("register_photo", _l("With this phone alone: a photo of my passport "
                                                                   "and a selfie, checked by a consular officer")),
                                SelectChoice("consular", _l("At a consulate (book a visit)"))],
                       default="passport", validators=[InputRequired()])
    consent = BooleanField(_l("I have read what happens to my data and agree to the checks described above."),
                           validators=[DataRequired(message=_l("Please confirm that you agree."))])


class RaiseForm(FlaskForm):
    """Start an identity check that raises the level of the logged-in account (remote routes only)."""

    route = RadioField(_l("How do you want to prove who you are?"),
                       choices=[SelectChoice("passport", _l("With my passport's chip and a selfie: I have the "
                                                             "OneID reader app on a phone with NFC, or a "
                                                             "computer with a contactless card reader")),
                                SelectChoice("register_photo", _l("With this phone alone: a photo of my passport "
                                                                   "and a selfie, checked by a consular officer"))],
                       default="register_photo", validators=[InputRequired()])
    consent = BooleanField(_l("I have read what happens to my data and agree to the checks described above."),
                           validators=[DataRequired(message=_l("Please confirm that you agree."))])


class ContactForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    residence_country = SelectField(_l("Country where you live"), choices=[],
                                    validators=[DataRequired(message=_l("Choose the country where you live."))])
    phone = TelField(_l("Phone number (optional, any country)"), validators=[Optional(), Length(max=32)])


class CodeForm(FlaskForm):
    code = StringField(_l("Code from the e-mail"), validators=[DataRequired(), Length(max=12)])


class DocumentForm(FlaskForm):
    number = StringField(_l("Passport number"), validators=[Optional(), Length(max=20)])
    number_digit = StringField(_l("Digit after it"), validators=[Optional(), Length(max=1)])
    birth_date = DateField(_l("Date of birth"), validators=[Optional()])
    birth_digit = StringField(_l("Digit after it"), validators=[Optional(), Length(max=1)])
    expiry_date = DateField(_l("Expiry date"), validators=[Optional()])
    expiry_digit = StringField(_l("Digit after it"), validators=[Optional(), Length(max=1)])
    mrz_line = StringField(_l("Or type the whole bottom line of the passport page"),
                           validators=[Optional(), Length(max=60)])

    def has_fields(self) -> bool:
        return all(f.data not in (None, "") for f in (self.number, self.number_digit, self.birth_date,
                                                       self.birth_digit, self.expiry_date, self.expiry_digit))


class ScanForm(FlaskForm):
    """A photo of the passport's data page (camera or gallery)."""
    photo = FileField(_l("Photo of the page with your portrait"),
                      validators=[FileRequired(message=_l("Choose or take a photo of the page first."))])


class SubmitForm(FlaskForm):
    truthful = BooleanField(_l("I confirm that I am the holder of this passport and that I did the face check "
                               "myself."), validators=[DataRequired(message=_l("Please confirm."))])


class PasswordTotpForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=128)])
    password_again = PasswordField(_l("New password again"), validators=[DataRequired(), Length(max=128)])
    code = StringField(_l("Code the authenticator app shows"), validators=[DataRequired(), Length(max=10)])


class ResumeForm(FlaskForm):
    email = EmailField(_l("E-mail address you enrolled with"), validators=[DataRequired(), Length(max=254)])
