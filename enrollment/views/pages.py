"""The journey's pages: start, e-mail, passport, review, status, and the
ways out (consular route, withdraw)."""
from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import get_locale

from idp.app import services
from idp.auth.current import current_login
from idp.i18n import stored_locale
from idp.messages import message as idp_message
from idp.notify.senders import DeliveryError

from enrollment import notify
from enrollment.countries import country_choices
from enrollment.errors import EnrollmentError
from enrollment.flow import EnrollmentFlow
from enrollment.forms import ActionForm, CodeForm, ContactForm, DocumentForm, ScanForm, StartForm, SubmitForm
from enrollment.messages import message
from enrollment.models import CONSULAR, IN_PROGRESS, RECOVERY
from enrollment.services import cases, contact, decision, document
from enrollment.views.common import (
    bp,
    client_address,
    current_case,
    db_session,
    limit,
    page,
    require_case,
    save_flow,
    svc,
    where_to,
)


@bp.before_request
def _limit_posts():
    if request.method == "POST":
        limit("post_address", client_address())


def deliver_code(address: str):
    def send(code: str) -> None:
        subject, body = notify.code_email(code)
        services().email.send(address, subject, body)
    return send


@bp.get("/")
def start():
    purpose = RECOVERY if request.args.get("purpose") == RECOVERY else "enroll"
    form = StartForm(purpose=purpose)
    case = current_case()
    return page("enrollment/start.html", case if case is not None and case.open else None, form=form,
                purpose=purpose, resume_url=where_to(case) if case is not None and case.open else None,
                logged_in=current_login() is not None)


@bp.post("/start")
def begin():
    form = StartForm()
    purpose = RECOVERY if form.purpose.data == RECOVERY else "enroll"
    if not form.validate_on_submit():
        return page("enrollment/start.html", None, 400, form=form, purpose=purpose, resume_url=None)
    limit("start_address", client_address())
    case, key = cases.start_case(db_session(), purpose=purpose, route=form.route.data, locale=stored_locale(str(get_locale())),
                                 lifetime_days=svc().config.case_lifetime_days)
    db_session().commit()
    return save_flow(redirect(url_for("enrollment.contact")), EnrollmentFlow(case.id, key))


@bp.route("/contact", methods=["GET", "POST"], endpoint="contact")
def contact_step():
    case = require_case("contact")
    form = ContactForm(obj=None if request.method == "POST" else case)
    form.residence_country.choices = country_choices(str(get_locale()))
    error = None
    if form.validate_on_submit():
        limit("post_case", case.id)
        try:
            result = contact.submit_contact(db_session(), case, services().codes, email=form.email.data,
                                            phone=form.phone.data or "", deliver=deliver_code,
                                            residence_country=form.residence_country.data)
        except DeliveryError:
            error = idp_message("delivery_failed")
        else:
            if result.ok:
                cases.touch(case, svc().config.case_lifetime_days)
                db_session().commit()
                return redirect(url_for("enrollment.contact_verify"))
            error = message(result.error, result.retry_in)
    return page("enrollment/contact.html", case, 400 if error or form.errors else 200, form=form, error=error)



@bp.route("/contact/verify", methods=["GET", "POST"])
def contact_verify():
    case = require_case("contact")
    if not case.email:
        return redirect(url_for("enrollment.contact"))
    form = CodeForm()
    error = notice = None
    if request.method == "POST" and request.form.get("action") == "resend" and ActionForm().validate_on_submit():
        limit("post_case", case.id)
        try:
            result = services().codes.send(contact.CODE_PURPOSE, case.id, "email", deliver_code(case.email))
        except DeliveryError:
            error = idp_message("delivery_failed")
        else:
            error = None if result.ok else message(result.error, result.retry_in)
            notice = message("code_sent") if result.ok else None
    elif form.validate_on_submit():
        limit("post_case", case.id)
        result = contact.verify_email(db_session(), case, services().codes, form.code.data)
        if result.ok:
            cases.touch(case, svc().config.case_lifetime_days)
            if case.route == "consular":
                cases.switch_to_consular(db_session(), case, "chosen_at_start")
            db_session().commit()
            return redirect(where_to(case))
        db_session().commit()  # the audit record of the failure
        error = message(result.error)
    return page("enrollment/contact_verify.html", case, 400 if error else 200, form=form, error=error,
                notice=notice, resend=ActionForm())


@bp.route("/document", methods=["GET", "POST"], endpoint="document")
def document_step():
    case = require_case("document")
    form = DocumentForm()
    if request.method == "GET" and case.document_number:
        form.number.data, form.birth_date.data, form.expiry_date.data = (
            case.document_number, case.birth_date, case.expiry_date)
    error = None
    if form.validate_on_submit():
        limit("post_case", case.id)
        try:
            if form.mrz_line.data:
                entry = document.from_line(form.mrz_line.data)
            elif form.has_fields():
                entry = document.from_fields(form.number.data, form.number_digit.data, form.birth_date.data,
                                             form.birth_digit.data, form.expiry_date.data, form.expiry_digit.data)
            else:
                raise document.DocumentEntryError(code="document_fields_missing")
            document.submit_document(db_session(), case, entry)
        except EnrollmentError as exc:
            error = message(exc.code)
        else:
            cases.touch(case, svc().config.case_lifetime_days)
            db_session().commit()
            return redirect(url_for("enrollment.chip"))
    return page("enrollment/document.html", case, 400 if error or form.errors else 200, form=form, error=error,
                scan_form=ScanForm(formdata=None))



@bp.route("/review", methods=["GET", "POST"])
def review():
    case = require_case("submit")
    form = SubmitForm()
    if form.validate_on_submit():
        limit("post_case", case.id)
        outcome, token = decision.submit(db_session(), case, auto_approve=svc().config.auto_approve)
        db_session().commit()
        notify.send_decision(services().email, case, issuer=services().settings.issuer, activation_token=token)
        return redirect(url_for("enrollment.activate") if token else url_for("enrollment.status"))
    return page("enrollment/review.html", case, 400 if form.errors else 200, form=form,
                selfie=case.selfie_evidence_id and _selfie(case))


def _selfie(case):
    from enrollment.models import SelfieEvidence

    return db_session().get(SelfieEvidence, case.selfie_evidence_id)


@bp.get("/status")
def status():
    case = require_case()
    if case.status == IN_PROGRESS:
        return redirect(where_to(case))
    return page("enrollment/status.html", case, form=ActionForm())


@bp.route("/consular", methods=["GET", "POST"])
def consular():
    case = current_case()
    if request.method == "POST":
        case = require_case()
        if ActionForm().validate_on_submit() and case.status == IN_PROGRESS:
            cases.switch_to_consular(db_session(), case, request.form.get("why", "")[:40] or "citizen_choice")
            db_session().commit()
        return redirect(url_for("enrollment.consular"))
    booking = _booking_url()
    return page("enrollment/consular.html", case, booking_url=booking,
                chosen=case is not None and case.status == CONSULAR)


def _booking_url() -> str | None:
    """The consular package's booking page, once it exists."""
    from flask import current_app

    return url_for("consular.book") if "consular.book" in current_app.view_functions else None


@bp.post("/withdraw")
def withdraw():
    case = require_case()
    if ActionForm().validate_on_submit() and case.open:
        cases.withdraw(db_session(), case)
        db_session().commit()
    response = redirect(url_for("enrollment.start", withdrawn=1))
    EnrollmentFlow.clear(response)
    return response
