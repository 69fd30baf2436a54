"""Listing, naming and removing passkeys in the personal cabinet."""
from __future__ import annotations

from sqlalchemy import delete

from conftest import OTHER_PINFL, csrf_in
from soft_authenticator import SoftAuthenticator


def form_post(browser, path, data=None):
    token = csrf_in(browser.http.get("/cabinet/passkeys").get_data(as_text=True))
    return browser.http.post(path, data={**(data or {}), "csrf_token": token})


def test_rename(registered, passkey_rows):
    [row] = passkey_rows()
    assert form_post(registered, f"/cabinet/passkeys/{row.id}/rename", {"label": "  Work   phone "}).status_code == 302
    assert passkey_rows()[0].label == "Work phone"
    too_long = form_post(registered, f"/cabinet/passkeys/{row.id}/rename?lang=en", {"label": "x" * 101})
    assert too_long.status_code == 400 and "at most 100 characters" in too_long.get_data(as_text=True)
    assert passkey_rows()[0].label == "Work phone"


def test_a_passkey_without_a_name_is_shown_as_passkey(browser, phone):
    browser.log_in_with_password()
    assert browser.register(phone).status_code == 200
    page = browser.http.get("/cabinet/passkeys?lang=en").get_data(as_text=True)
    assert '<strong class="passkey-name">Passkey</strong>' in page


def test_someone_elses_passkey_cannot_be_renamed_or_removed(registered, new_browser, passkey_rows):
    [row] = passkey_rows()
    other = new_browser()
    other.log_in_with_password(OTHER_PINFL)
    assert form_post(other, f"/cabinet/passkeys/{row.id}/remove").status_code == 404
    assert form_post(other, f"/cabinet/passkeys/{row.id}/rename", {"label": "mine now"}).status_code == 404
    assert [(r.id, r.label) for r in passkey_rows()] == [(row.id, "My phone")]


def test_remove_needs_the_csrf_token(registered, passkey_rows):
    [row] = passkey_rows()
    assert registered.http.post(f"/cabinet/passkeys/{row.id}/remove").status_code == 400
    assert len(passkey_rows()) == 1


def test_the_only_way_to_log_in_cannot_be_removed(registered, passkey_rows, idp):
    from idp.auth.models import Authenticator

    with idp.db.transaction() as s:
        s.execute(delete(Authenticator).where(Authenticator.kind == "password"))
    [row] = passkey_rows()
    response = form_post(registered, f"/cabinet/passkeys/{row.id}/remove?lang=en")
    assert response.status_code == 409 and "only way to log in" in response.get_data(as_text=True)
    assert registered.register(SoftAuthenticator(), "Second").status_code == 200
    assert form_post(registered, f"/cabinet/passkeys/{row.id}/remove").status_code == 302
    assert [r.label for r in passkey_rows()] == ["Second"]


def test_a_passkey_under_review_can_always_be_removed(registered, new_browser, phone, passkey_rows, idp):
    from idp.auth.models import Authenticator

    clone = phone.clone()
    new_browser().log_in_with_passkey(phone)
    new_browser().log_in_with_passkey(clone)  # flags it
    with idp.db.transaction() as s:
        s.execute(delete(Authenticator).where(Authenticator.kind == "password"))
    [row] = passkey_rows()
    assert row.data["review"]
    assert form_post(registered, f"/cabinet/passkeys/{row.id}/remove").status_code == 302
    assert passkey_rows() == []


def test_the_cabinet_section_partial(registered, app, idp):
    from flask import render_template

    from idp.people.models import Account

    with app.test_request_context("/?lang=en"):
        account = idp.db.session.query(Account).filter(Account.email == "aziz@example.uz").one()
        html = render_template("passkeys/_cabinet_link.html", account=account)
        other = idp.db.session.query(Account).filter(Account.email.is_(None)).one()
        empty = render_template("passkeys/_cabinet_link.html", account=other)
    assert "Passkeys: 1." in html and 'href="/cabinet/passkeys"' in html
    assert "Passkeys:" not in empty and "without a password" in empty
