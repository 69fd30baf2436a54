"""The citizen's view of what consular officers did with their data: every
page an officer opened about them and every decision, from the audit log.
Events recorded before the account existed (under the enrollment case or
the desk visit) are found through the person's PINFL."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from idp.audit.models import AuditEvent
from idp.auth.current import current_login

from enrollment.models import EnrollmentCase

from consular.models import Consulate, Visit
from consular.views.common import bp, db

EVENTS = {
    "consular.case.viewed": _l("An officer opened your enrollment case"),
    "consular.case.first_approval": _l("An officer approved your enrollment; a supervisor must confirm"),
    "consular.case.decided": _l("A decision was taken on your enrollment"),
    "consular.case.moved": _l("Your enrollment case was moved to another consulate"),
    "consular.visit.viewed": _l("An officer opened the record of your visit"),
    "consular.visit.document": _l("An officer recorded your passport"),
    "consular.visit.chip": _l("Your passport's chip was read"),
    "consular.visit.photo": _l("Your photo was taken"),
    "consular.visit.first_approval": _l("An officer approved your visit; a supervisor must confirm"),
    "consular.visit.approved": _l("Your identity was confirmed at the consulate"),
    "consular.visit.refused": _l("Your enrollment at the consulate was refused"),
    "consular.activation_code.issued": _l("An activation code was printed for you"),
    "consular.activated": _l("You activated your account with the printed code"),
}


@bp.get("/record")
def record_page():
    login = current_login()
    if login is None:
        return redirect(url_for("auth.login"))
    account = login.account
    pinfl = account.person.pinfl
    session = db()
    visit_ids = list(session.scalars(select(Visit.id).where(or_(Visit.pinfl == pinfl,
                                                                Visit.account_id == account.id))))
    case_ids = list(session.scalars(select(EnrollmentCase.id).where(or_(EnrollmentCase.pinfl == pinfl,
                                                                        EnrollmentCase.account_id == account.id))))
    events = list(session.scalars(select(AuditEvent).where(
        AuditEvent.subject.in_([account.id, *visit_ids, *case_ids]), AuditEvent.event.in_(list(EVENTS)))
        .order_by(AuditEvent.seq.desc()).limit(200)))
    names = {c.id: c.name for c in session.scalars(select(Consulate))}
    visit_consulate = dict(session.execute(select(Visit.id, Visit.consulate_id).where(Visit.id.in_(visit_ids))).all())

    def where(event: AuditEvent) -> str:
        consulate = event.data.get("consulate") or visit_consulate.get(event.data.get("visit") or "")
        return names.get(consulate or "", "")

    return render_template("consular/record.html", events=events, labels=EVENTS, where=where)
