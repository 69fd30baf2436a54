"""Forms of the passkeys page (the ceremonies themselves post JSON)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length


class RenameForm(FlaskForm):
    label = StringField(_l("Name"), validators=[Length(max=100)], render_kw={"maxlength": 100, "autocomplete": "off"})


class RemoveForm(FlaskForm):
    """Only the CSRF token."""
