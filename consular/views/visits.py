"""A visit at the desk: the passport, the chip, the photo, the decision and
the printed activation code. Every page about the visit's person is
recorded in the audit log under the person's account (or the visit)."""
from __future__ import annotations

import datetime as dt

import segno
from flask import jsonify, redirect, request, url_for

import nfc

from idp.cabinet.notices import tell_owner
from idp.db import after_commit
from idp.links import external_url
from idp.people.models import Account
from idp.registry import RegistryUnavailable

from consular import foureyes, notify
from consular.config import MAX_PHOTO_BYTES, MAX_READER_UPLOAD
from consular.errors import Conflict
from consular.forms import ActionForm, ChipFileForm, DocumentForm, PhotoForm, RefuseForm
from consular.images import data_uri
from consular.messages import FLAGS, REFUSAL_REASONS, VISIT_STATUS, label
from consular.services import activation, consulates, desk_chip, desk_photo, visits
from consular.views.common import db, officer_required, portal, portal_page, require_action_form, svc


def _visit(officer, visit_id: str):
    return visits.visible_visit(db(), officer.consulate, visit_id)


def _page(officer, visit, *, status: int = 200, problems=(), reader=None, photo_problem=None, **extra):
    registry_record = None
    if visit.pinfl:
        try:
            registry_record = svc().idp.registry.find_by_pinfl(visit.pinfl)
        except RegistryUnavailable:
            problems = [*problems, "registry_unavailable"]
    cipher = svc().cipher
    visits.record_view(db(), visit, officer_id=officer.account_id, page="visit")
    db().commit()
    document = DocumentForm(data={"document_number": visit.document_number, "birth_date": visit.birth_date,
                                  "expiry_date": visit.expiry_date})
    account = visits.person_account(db(), visit.pinfl) if visit.purpose in visits.ACCOUNT_PURPOSES else None
    return portal_page(
        "consular/visit.html", officer, status, visit=visit, person=registry_record, problems=problems,
        reader=reader, photo_problem=photo_problem, document=document, chip_file=ChipFileForm(),
        photo_form=PhotoForm(), refuse_form=RefuseForm(), action=ActionForm(),
        portrait=data_uri(desk_photo.image_of(db(), visit, "chip_portrait", cipher)),
        photo=data_uri(desk_photo.image_of(db(), visit, "desk_photo", cipher)),
        missing=visits.missing_for_approval(visit), flag_label=lambda f: label(FLAGS, f),
        status_label=label(VISIT_STATUS, visit.status), refusal_label=label(REFUSAL_REASONS, visit.refusal_reason),
        local=lambda m: consulates.local(officer.consulate, m), account=account,
        raise_possible=visits.raise_possible(account), **extra)


@portal.get("/<code>/visits/<visit_id>")
@officer_required
def visit(officer, visit_id: str):
    return _page(officer, _visit(officer, visit_id))


@portal.post("/<code>/visits/<visit_id>/document")
@officer_required
def document(officer, visit_id: str):
    visit = _visit(officer, visit_id)
    form = DocumentForm()
    if not form.validate_on_submit():
        return _page(officer, visit, status=400, problems=["csrf"] if "csrf_token" in form.errors
                     else ["document_number_invalid"])
    try:
        problems = visits.record_document(db(), visit, svc().idp.registry, officer_id=officer.account_id,
                                          document_number=form.document_number.data,
                                          birth_date=form.birth_date.data, expiry_date=form.expiry_date.data,
                                          passport_checked=form.passport_checked.data)
    except RegistryUnavailable:
        db().rollback()
        return _page(officer, visit, status=503, problems=["registry_unavailable"])
    db().commit()
    if problems:
        return _page(officer, visit, status=400 if visit.document_at is None else 200, problems=problems)
    return redirect(url_for("consular_portal.visit", code=officer.consulate.code, visit_id=visit.id))


# -- the chip ------------------------------------------------------------------------
@portal.post("/<code>/visits/<visit_id>/chip")
@officer_required
def chip_start(officer, visit_id: str):
    """Hand the visit to the desk reader: a one-time token and a nonce."""
    visit = _visit(officer, visit_id)
    require_action_form()
    token = desk_chip.issue_token(svc().idp.state, visit)
    nonce, _expires = desk_chip.issue_nonce(svc().idp.state, visit.id)
    endpoint = external_url("consular_reader.chip_upload", visit_id=visit.id)
    reader = {"token": token, "endpoint": endpoint, "nonce": nonce.hex(),
              "mrz_key": (visit.document_number, visit.birth_date.strftime("%y%m%d"),
                          visit.expiry_date.strftime("%y%m%d"))}
    return _page(officer, visit, reader=reader)


@portal.post("/<code>/visits/<visit_id>/chip/file")
@officer_required
def chip_file(officer, visit_id: str):
    """A reading made offline with `idp-reader --nonce HEX -o FILE`."""
    visit = _visit(officer, visit_id)
    form = ChipFileForm()
    if not form.validate_on_submit() or not form.reading.data:
        return _page(officer, visit, status=400, problems=["upload_malformed"])
    payload = form.reading.data.read(MAX_READER_UPLOAD + 1)
    if len(payload) > MAX_READER_UPLOAD:
        return _page(officer, visit, status=413, problems=["upload_malformed"])
    return _chip(officer, visit, payload)


def _chip(officer, visit, payload):
    try:
        desk_chip.verify_upload(db(), visit, payload, nonce=desk_chip.take_nonce(svc().idp.state, visit.id),
                                trust_store=svc().trust_store(), registry=svc().idp.registry, cipher=svc().cipher,
                                actor=officer.account_id)
        desk_photo.rematch(db(), visit, faces=svc().faces, cipher=svc().cipher)
    except nfc.UploadFormatError:
        db().rollback()
        return _page(officer, visit, status=400, problems=["upload_malformed"])
    except Conflict as exc:
        db().rollback()
        return _page(officer, visit, status=409, problems=[exc.code])
    db().commit()
    return redirect(url_for("consular_portal.visit", code=officer.consulate.code, visit_id=visit.id))


@portal.get("/<code>/visits/<visit_id>/chip/status")
@officer_required
def chip_status(officer, visit_id: str):
    """For the desk page to follow the reader (static/consular/desk.js)."""
    visit = _visit(officer, visit_id)
    return jsonify(ok=True, chip_at=visit.chip_at.isoformat() if visit.chip_at else None,
                   accepted=visit.chip_accepted)


# -- the photo -----------------------------------------------------------------------
@portal.post("/<code>/visits/<visit_id>/photo")
@officer_required
def photo(officer, visit_id: str):
    visit = _visit(officer, visit_id)
    form = PhotoForm()
    if not form.validate_on_submit() or not form.photo.data:
        return _page(officer, visit, status=400, photo_problem="image_empty")
    image = form.photo.data.read(MAX_PHOTO_BYTES + 1)
    if len(image) > MAX_PHOTO_BYTES:
        return _page(officer, visit, status=413, photo_problem="image_too_large")
    outcome = desk_photo.take_photo(db(), visit, image, faces=svc().faces, cipher=svc().cipher,
                                    actor=officer.account_id)
    db().commit()
    if not outcome.accepted:
        return _page(officer, visit, status=422, photo_problem=outcome.reason)
    return redirect(url_for("consular_portal.visit", code=officer.consulate.code, visit_id=visit.id))


# -- the decision --------------------------------------------------------------------
@portal.post("/<code>/visits/<visit_id>/purpose")
@officer_required
def purpose(officer, visit_id: str):
    """A person with an account: recovery (lost access) or raise (still logs in)."""
    visit = _visit(officer, visit_id)
    require_action_form()
    visits.choose_purpose(db(), visit, request.form.get("purpose", ""), officer_id=officer.account_id)
    db().commit()
    return redirect(url_for("consular_portal.visit", code=officer.consulate.code, visit_id=visit.id))


@portal.post("/<code>/visits/<visit_id>/approve")
@officer_required
def approve(officer, visit_id: str):
    visit = _visit(officer, visit_id)
    require_action_form()
    step = visits.approve(db(), visit, actor=foureyes.Actor(officer.account_id, officer.role),
                          purpose=request.form.get("purpose") or None)
    if step == visits.RAISED:
        account = db().get(Account, visit.account_id)
        after_commit(db(), lambda: tell_owner(account, "identity_level"))
    if step in (foureyes.FIRST, visits.RAISED, visits.KEPT):
        db().commit()
        return redirect(url_for("consular_portal.visit", code=officer.consulate.code, visit_id=visit.id))
    return _issue_and_print(officer, visit, first=True)


@portal.post("/<code>/visits/<visit_id>/refuse")
@officer_required
def refuse(officer, visit_id: str):
    visit = _visit(officer, visit_id)
    form = RefuseForm()
    if not form.validate_on_submit():
        return _page(officer, visit, status=400, problems=["reason_unknown"])
    visits.refuse(db(), visit, actor=foureyes.Actor(officer.account_id, officer.role), reason=form.reason.data)
    db().commit()
    return redirect(url_for("consular_portal.visit", code=officer.consulate.code, visit_id=visit.id))


@portal.post("/<code>/visits/<visit_id>/code")
@officer_required
def reissue(officer, visit_id: str):
    """A new code (the citizen lost the paper, or it expired); the old one stops working."""
    visit = _visit(officer, visit_id)
    require_action_form()
    return _issue_and_print(officer, visit, first=False)


def _issue_and_print(officer, visit, *, first: bool):
    row, code = activation.issue(db(), visit, by=officer.account_id)
    db().commit()
    svc().print_stash.put(visit.id, officer.login_id, code, row.expires_at.isoformat())
    if first:
        notify.visit_approved(svc().idp.email, visit.email, visit.locale, visit.consulate,
                              activate_url=external_url("consular.activate"))
    return redirect(url_for("consular_portal.print_code", code=officer.consulate.code, visit_id=visit.id))


@portal.get("/<code>/visits/<visit_id>/code")
@officer_required
def print_code(officer, visit_id: str):
    """The printable sheet: the code and a QR code of the activation link."""
    visit = _visit(officer, visit_id)
    stashed = svc().print_stash.get(visit.id, officer.login_id)
    if stashed is None:
        return redirect(url_for("consular_portal.visit", code=officer.consulate.code, visit_id=visit.id))
    code, expires = stashed
    # The code travels in the fragment: browsers never send it to the server, so it stays out of
    # access logs and Referer headers; the activation page's script puts it in the form.
    link = external_url("consular.activate", _anchor=code.replace("-", ""))
    qr = segno.make(link, error="m")
    visits.record_view(db(), visit, officer_id=officer.account_id, page="activation_code")
    db().commit()
    return portal_page("consular/print_code.html", officer, visit=visit, code=code, link=link,
                       qr=qr.svg_data_uri(scale=5, border=2),
                       expires=consulates.local(officer.consulate, dt.datetime.fromisoformat(expires)))
