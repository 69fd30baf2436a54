from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Regexp


class ResidentRegistrationForm(FlaskForm):
    pinfl = StringField(_l("PINFL (14 digits)"), validators=[DataRequired(), Regexp(r"^\d{14}$", message=_l("The PINFL has exactly 14 digits."))],
                        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 14})
    document_number = StringField(_l("Passport number"), validators=[DataRequired(), Regexp(r"^[A-Za-z]{2}\d{7}$", message=_l("Two letters and seven digits, for example AA1234567."))],
                                  render_kw={"autocapitalize": "characters", "maxlength": 9})
    birth_date = DateField(_l("Date of birth"), validators=[DataRequired(message=_l("Enter the date of birth."))])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "new-password"})
    password_again = PasswordField(_l("New password again"), validators=[DataRequired(), Length(max=1024)],
                                   render_kw={"autocomplete": "new-password"})
