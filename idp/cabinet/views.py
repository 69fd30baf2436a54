"""The personal cabinet."""
from __future__ import annotations

import json

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from idp.app import services
from idp.audit.log import record
from idp.cabinet import activity_view
from idp.auth.reauth_views import require_recent_login
from idp.cabinet import corrections, deletion
from idp.cabinet import correction_text
from idp.cabinet.connected import connected
from idp.cabinet.export import export
from idp.cabinet.activity import KINDS
from idp.cabinet.activity_text import AUTHENTICATOR_LABELS, KIND_LABELS
from idp.cabinet.device_text import device_label
from idp.cabinet import places
from idp.auth.raise_links import ways_to_raise
from idp.auth.current import clear_login_cookie, current_login
from oidc import consent as consents
from oidc.models import Client

bp = Blueprint("cabinet", __name__)


def _require_login():
    login = current_login()
    if login is None:
        abort(redirect(url_for("auth.login")))
    return login


@bp.route("/")
def home():
    idp = services()
    login = _require_login()
    session = idp.db.session
    granted = consents.active(session, login.account_id)
    clients = {c.client_id: c for c in session.scalars(select(Client).where(
        Client.client_id.in_([g.client_id for g in granted])))}
    activity = activity_view.items(session, login.account_id, limit=10)
    active = idp.sessions.active_for(session, login.account_id)
    found = places.of_sessions(idp.state, [s.id for s in active])
    return render_template("cabinet/home.html", login=login, account=login.account, sessions=active, places=found,
                           place_source=idp.places.attribution() if found else None,
                           consents=granted, clients=clients, activity=activity, device_label=device_label,
                           **ways_to_raise(login.account))


@bp.route("/cabinet/activity")
def activity():
    idp = services()
    login = _require_login()
    kind = request.args.get("kind")
    kind = kind if kind in KINDS else None
    return render_template("cabinet/activity.html", items=activity_view.items(idp.db.session, login.account_id, kind),
                           kind=kind, kinds=KINDS, kind_labels=KIND_LABELS)


@bp.route("/cabinet/services")
def services_page():
    idp = services()
    login = _require_login()
    return render_template("cabinet/services.html", portals=connected(idp.db.session, login.account_id))


def _exported(form: str):
    """The logged-in account's data, its export audited and committed."""
    idp = services()
    login = _require_login()
    data = export(idp.db.session, login.account, state=idp.state)
    record(idp.db.session, "cabinet.exported", actor=login.account_id, subject=login.account_id, form=form)
    idp.db.session.commit()
    return idp, login, data


@bp.route("/cabinet/export")
def export_page():
    idp, login, data = _exported("page")
    response = make_response(render_template(
        "cabinet/export.html", data=data, device_label=device_label, place_of=places.Place.from_dict,
        account=login.account,
        authenticator_labels=AUTHENTICATOR_LABELS, items=activity_view.items(idp.db.session, login.account_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/cabinet/export.json")
def export_json():
    _idp, _login, data = _exported("json")
    response = make_response(json.dumps(data, ensure_ascii=False, indent=1))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = "attachment; filename=my-data.json"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/cabinet/delete")
def delete_page():
    idp = services()
    login = _require_login()
    return render_template("cabinet/delete.html", pending=deletion.open_request(idp.db.session, login.account_id),
                           waiting_days=deletion.WAITING.days, missing=request.args.get("missing") == "1")


@bp.route("/cabinet/delete", methods=["POST"])
@require_recent_login("low")
def delete_request():
    idp = services()
    login = _require_login()
    if request.form.get("confirm") != "yes":
        return redirect(url_for("cabinet.delete_page", missing=1))
    deletion.request_deletion(idp.db.session, login.account_id)
    idp.db.session.commit()
    return redirect(url_for("cabinet.delete_page"))


@bp.route("/cabinet/delete/cancel", methods=["POST"])
def delete_cancel():
    idp = services()
    login = _require_login()
    deletion.cancel(idp.db.session, login.account_id)
    idp.db.session.commit()
    return redirect(url_for("cabinet.delete_page"))


def _corrections_page(login, **extra):
    session = services().db.session
    requests = corrections.for_account(session, login.account_id)
    return render_template("cabinet/corrections.html", fields=corrections.FIELDS,
                           values=corrections.current_values(login.account.person), requests=requests,
                           open_fields={r.field: r for r in requests if r.status in corrections.OPEN},
                           open_statuses=corrections.OPEN,
                           labels=correction_text.FIELD_LABELS, status_labels=correction_text.STATUS_LABELS,
                           show=correction_text.show, **extra)


@bp.route("/cabinet/corrections")
def corrections_page():
    login = _require_login()
    notice = {"sent": _("Your request was sent. We will write to you when an operator answers."),
              "withdrawn": _("Your request was withdrawn.")}.get(request.args.get("done", ""))
    return _corrections_page(login, notice=notice)


def _correction_form(login, field, value="", explanation="", error=None):
    return render_template("cabinet/correction_new.html", fields=corrections.FIELDS, field=field,
                           values=corrections.current_values(login.account.person), value=value,
                           explanation=explanation, error=error, labels=correction_text.FIELD_LABELS,
                           sex_labels=correction_text.SEX_LABELS, date_fields=corrections.DATE_FIELDS,
                           show=correction_text.show, max_value=corrections.MAX_VALUE,
                           max_explanation=corrections.MAX_EXPLANATION), (400 if error else 200)


@bp.route("/cabinet/corrections/new")
def correction_new():
    login = _require_login()
    field = request.args.get("field")
    return _correction_form(login, field if field in corrections.FIELDS else None)


@bp.route("/cabinet/corrections/new", methods=["POST"])
def correction_submit():
    idp = services()
    login = _require_login()
    field = request.form.get("field", "")
    value = request.form.get("value", "")[:1000]
    explanation = request.form.get("explanation", "")[:5000]
    try:
        corrections.submit(idp.db.session, login.account, field, value, explanation)
    except corrections.CorrectionError as exc:
        idp.db.session.rollback()
        return _correction_form(login, field if field in corrections.FIELDS else None, value, explanation,
                                error=correction_text.error_text(exc.code))
    idp.db.session.commit()
    return redirect(url_for("cabinet.corrections_page", done="sent"))


@bp.route("/cabinet/corrections/<request_id>")
def correction_page(request_id: str):
    idp = services()
    login = _require_login()
    try:
        row = corrections.mine(idp.db.session, login.account_id, request_id)
    except corrections.CorrectionError:
        abort(404)
    return render_template("cabinet/correction.html", item=row, open_statuses=corrections.OPEN,
                           labels=correction_text.FIELD_LABELS, status_labels=correction_text.STATUS_LABELS,
                           show=correction_text.show)


@bp.route("/cabinet/corrections/<request_id>/withdraw", methods=["POST"])
def correction_withdraw(request_id: str):
    idp = services()
    login = _require_login()
    try:
        corrections.withdraw(idp.db.session, login.account_id, request_id)
    except corrections.CorrectionError as exc:
        idp.db.session.rollback()
        if exc.code == "not_found":
            abort(404)
        return _corrections_page(login, error=correction_text.error_text(exc.code)), 409
    idp.db.session.commit()
    return redirect(url_for("cabinet.corrections_page", done="withdrawn"))


@bp.route("/cabinet/sessions/<sid>/end", methods=["POST"])
def end_session(sid: str):
    idp = services()
    login = _require_login()
    from oidc.backchannel import end_session_everywhere

    for other in idp.sessions.active_for(idp.db.session, login.account_id):
        if other.id == sid:
            end_session_everywhere(idp, other)
            record(idp.db.session, "session.ended_by_user", actor=login.account_id, subject=login.account_id)
    idp.db.session.commit()
    response = make_response(redirect(url_for("cabinet.home")))
    if sid == login.id:
        clear_login_cookie(response)
    return response


@bp.route("/cabinet/sessions/end-all", methods=["POST"])
def end_all_sessions():
    """Sign out on every device, this one included; each portal hears of it."""
    idp = services()
    login = _require_login()
    from oidc.backchannel import end_session_everywhere

    ended = 0
    for other in idp.sessions.active_for(idp.db.session, login.account_id):
        end_session_everywhere(idp, other)
        ended += 1
    record(idp.db.session, "session.ended_all_by_user", actor=login.account_id, subject=login.account_id,
           sessions=ended)
    idp.db.session.commit()
    response = make_response(redirect(url_for("auth.login")))
    clear_login_cookie(response)
    return response


@bp.route("/cabinet/consents/<client_id>/revoke", methods=["POST"])
def revoke_consent(client_id: str):
    idp = services()
    login = _require_login()
    if idp.db.session.get(Client, client_id) is None:
        abort(404)
    consents.revoke(idp.db.session, login.account_id, client_id)
    idp.db.session.commit()
    return redirect(url_for("cabinet.services_page" if request.form.get("back") == "services" else "cabinet.home"))


@bp.route("/logout-here", methods=["POST"])
def logout_here():
    return end_session(_require_login().id)


