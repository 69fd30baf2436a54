"""Resident registration through the population register."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from idp.app import services
from idp.auth.services import PASSWORD_EVENT
from idp.auth.continuations_web import current_continuation, registry
from idp.auth.respond import finish
from idp.messages import message
from idp.people.forms import ResidentRegistrationForm
from idp.people.services import register_resident
from idp.registry import RegistryUnavailable

bp = Blueprint("people", __name__)


@bp.route("/register", methods=["GET", "POST"])
def register():
    idp = services()
    continuation = current_continuation()
    form = ResidentRegistrationForm()
    errors: list[str] = []
    if form.validate_on_submit():
        if form.password.data != form.password_again.data:
            errors.append(message("passwords_differ"))
        else:
            from flask_babel import get_locale

            from idp.i18n import stored_locale

            try:
                result = register_resident(idp.db.session, idp.registry, idp.passwords, pinfl=form.pinfl.data,
                                           document_number=form.document_number.data,
                                           birth_date=form.birth_date.data, password=form.password.data,
                                           locale=stored_locale(str(get_locale())))
            except RegistryUnavailable:
                errors.append(message("registry_unavailable"))
            else:
                if result.success:
                    return finish(result.account_id, PASSWORD_EVENT, continuation)
                idp.db.session.commit()
                errors.extend(message(code) for code in result.errors)
    elif request.method == "POST" and "csrf_token" in form.errors:
        errors.append(message("csrf"))
    status = 400 if errors or (request.method == "POST" and form.errors) else 200
    context = {"pending": None, **registry().describe(continuation)}
    return render_template("people/register.html", form=form, errors=errors, **context), status
