"""Raising the identity level of an existing account: a portal asks for more
than the account's identity was verified at; the step-up page offers a
remote identity check and a visit in person; a recent login starts a
raise_level case bound to its account; the passport must be the account
owner's; approval raises the level (never lowers it) and keeps every login
method and session; another account never reaches the case."""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import sys

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from nfc.testing import Identity, make_passport

from enrollment_journey import Journey, csrf_in
from idp.auth.models import Authenticator, LoginSession
from idp.people.models import Account, Person

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from oidc_helpers import RP, csrf_from  # noqa: E402

AZIZ = Identity(surname="KARIMOV", given_names="AZIZ", document_number="AA1234567",
                date_of_birth=dt.date(1990, 3, 15), date_of_expiry=dt.date(2031, 6, 30), sex="M",
                personal_number="31503901234567")
DILNOZA = Identity(surname="YUSUPOVA", given_names="DILNOZA", document_number="AB7654321",
                   date_of_birth=dt.date(1985, 7, 22), date_of_expiry=dt.date(2031, 6, 30), sex="F",
                   personal_number="42207851234568")
AZIZ_EMAIL = "aziz@example.uz"


@pytest.fixture
def auto_approve(app):
    enrollment = app.extensions["enrollment"]
    enrollment.config = dataclasses.replace(enrollment.config, auto_approve=True)


def log_in(http, pinfl: str, query: str = ""):
    from idp.demo import DEMO_PASSWORD

    page = http.get("/login" + query).get_data(as_text=True)
    response = http.post("/login" + query, data={"identifier": pinfl, "password": DEMO_PASSWORD,
                                                 "csrf_token": csrf_from(page)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def portal_asks_for_substantial(app, http):
    """Aziz (identity level low) logs in to a portal that asks for substantial:
    the authorization request pauses on the step-up page. Returns its URL."""
    from idp.demo import PORTAL_SECRET

    log_in(http, AZIZ.personal_number)
    rp = RP(http, app, client_id="demo-portal", secret=PORTAL_SECRET, redirect_uri="http://rp.example/callback")
    _params, response = rp.authorize(acr_values="http://eidas.europa.eu/LoA/substantial")
    location = response.headers["Location"].replace("http://localhost", "")
    assert "why=identity_level" in location and "r=" in location
    return location, rp


def account_of(idp, pinfl: str):
    with idp.db.transaction() as s:
        account = s.scalars(select(Account).join(Person).where(Person.pinfl == pinfl)).one()
        s.expunge(account)
        return account


def authenticators_of(idp, account_id: str) -> list[str]:
    with idp.db.transaction() as s:
        return sorted(a.id for a in s.scalars(select(Authenticator).where(Authenticator.account_id == account_id)))


def chip_reasons(idp, case_id: str) -> list[str]:
    from enrollment.models import ChipEvidence

    with idp.db.transaction() as s:
        last = s.scalars(select(ChipEvidence).where(ChipEvidence.case_id == case_id)
                         .order_by(ChipEvidence.created_at.desc())).first()
        return [] if last.accepted else list(last.reasons)


def start_raise(http, query: str = "", route: str = "passport"):
    page = http.get("/enroll/raise" + query)
    assert page.status_code == 200, page.status_code
    return http.post("/enroll/raise" + query, data={"route": route, "consent": "y",
                                                    "csrf_token": csrf_in(page.get_data(as_text=True))})


# -- the step-up page ----------------------------------------------------------------
@pytest.mark.parametrize("lang", ["uz", "uz-Cyrl", "ru", "en"])
def test_the_step_up_page_offers_a_remote_check_and_a_visit_in_each_language(app, demo, lang):
    http = app.test_client()
    location, _rp = portal_asks_for_substantial(app, http)
    html = http.get(location + f"&lang={lang}").get_data(as_text=True)
    rid = re.search(r"[?&]r=([A-Za-z0-9_-]+)", location).group(1)
    with app.test_request_context(), force_locale(lang.replace("-", "_")):
        remote = _("Verify with your passport from this phone")
        visit = _("Visit a consulate or public service centre")
        keep = _("Continue with the current level")
    if lang != "en":  # translated, not the English source
        assert (remote, visit) != ("Verify with your passport from this phone",
                                   "Visit a consulate or public service centre")
    assert remote in html and visit in html and keep in html
    # both links carry the paused request, so it can resume after the level is raised
    assert re.search(rf'href="/enroll/raise\?r={rid}"', html)
    assert re.search(rf'href="/consular/in-person\?r={rid}"', html)
    # the in-person page lists the consulates and what to bring, in the same language
    visit_page = http.get(f"/consular/in-person?r={rid}&lang={lang}").get_data(as_text=True)
    with app.test_request_context(), force_locale(lang.replace("-", "_")):
        assert _("What to bring") in visit_page
    assert "Consulate General of Uzbekistan in Moscow" in visit_page and "Istanbul" in visit_page
    assert f"why=identity_level" in visit_page  # the way back to the paused request


def test_an_account_at_the_remote_level_is_offered_only_the_visit(app, idp, demo):
    with idp.db.transaction() as s:
        account = s.scalars(select(Account).join(Person).where(Person.pinfl == AZIZ.personal_number)).one()
        account.identity_level = "substantial"
    http = app.test_client()
    from idp.demo import PORTAL_SECRET

    log_in(http, AZIZ.personal_number)
    rp = RP(http, app, client_id="demo-portal", secret=PORTAL_SECRET, redirect_uri="http://rp.example/callback")
    _params, response = rp.authorize(acr_values="http://eidas.europa.eu/LoA/high")
    html = http.get(response.headers["Location"].replace("http://localhost", "") + "&lang=en").get_data(as_text=True)
    assert "why=identity_level" in response.headers["Location"]
    assert "Visit a consulate or public service centre" in html
    assert "Verify with your passport from this phone" not in html
    page = http.get("/enroll/raise?lang=en").get_data(as_text=True)
    assert "already as high as a remote check can make it" in page


# -- starting ------------------------------------------------------------------------
def test_the_raise_needs_a_login_and_a_recent_one(app, idp, demo):
    http = app.test_client()
    assert http.get("/enroll/raise").headers["Location"].startswith("/login?next=")
    log_in(http, AZIZ.personal_number)
    with idp.db.transaction() as s:
        for login in s.scalars(select(LoginSession)):
            login.auth_time = login.auth_time - dt.timedelta(minutes=30)
    response = start_raise(http)
    assert response.status_code == 303 and "why=reauth" in response.headers["Location"]
    with idp.db.transaction() as s:
        from enrollment.models import EnrollmentCase

        assert s.scalars(select(EnrollmentCase)).first() is None


def test_a_logged_in_citizen_at_a_low_level_starts_a_case_bound_to_the_account(app, idp, demo):
    http = app.test_client()
    location, _rp = portal_asks_for_substantial(app, http)
    rid = re.search(r"[?&]r=([A-Za-z0-9_-]+)", location).group(1)
    response = start_raise(http, f"?r={rid}")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/enroll/document")  # the account's verified address counts
    journey = Journey(app, idp, None, http=http, email=AZIZ_EMAIL)
    case = journey.case()
    account = account_of(idp, AZIZ.personal_number)
    assert (case.purpose, case.status, case.account_id, case.email) == ("raise_level", "in_progress", account.id,
                                                                      AZIZ_EMAIL)
    assert case.email_verified_at is not None


def test_a_passport_of_another_person_is_refused(app, idp, demo, pki, holder):
    http = app.test_client()
    log_in(http, AZIZ.personal_number)
    assert start_raise(http).status_code == 303
    journey = Journey(app, idp, make_passport(pki, holder), http=http, email=AZIZ_EMAIL)
    assert journey.document(holder).status_code == 302
    assert journey.read_chip().get_json()["outcome"] == "refused"
    case = journey.case()
    assert "raise_pinfl_mismatch" in chip_reasons(idp, case.id) and case.pinfl is None and case.chip_at is None
    assert "someone else than the account" in http.get("/enroll/chip?lang=en").get_data(as_text=True)


def test_on_the_register_photo_route_a_passport_of_another_person_is_refused(app, idp, demo, holder):
    http = app.test_client()
    log_in(http, AZIZ.personal_number)
    assert start_raise(http, route="register_photo").status_code == 303
    journey = Journey(app, idp, None, http=http, email=AZIZ_EMAIL)
    assert journey.document(holder).headers["Location"].endswith("/enroll/chip")
    assert http.get("/enroll/chip").headers["Location"].endswith("/enroll/register")
    refused = journey.post_form("/enroll/register?lang=en", {})
    assert refused.status_code == 400
    assert "someone else than the account" in refused.get_data(as_text=True)
    assert journey.case().pinfl is None and journey.case().register_at is None


def test_the_passport_of_an_account_with_its_own_login_is_refused_too(app, idp, demo, pki):
    """Dilnoza has an account of her own: her passport cannot raise Aziz's level."""
    http = app.test_client()
    log_in(http, AZIZ.personal_number)
    assert start_raise(http).status_code == 303
    journey = Journey(app, idp, make_passport(pki, DILNOZA), http=http, email=AZIZ_EMAIL)
    assert journey.document(DILNOZA).status_code == 302
    assert journey.read_chip().get_json()["outcome"] == "refused"
    assert "raise_pinfl_mismatch" in chip_reasons(idp, journey.case().id)


# -- approval ------------------------------------------------------------------------
def raise_through_approval(app, idp, pki, http, query: str = ""):
    assert start_raise(http, query).status_code == 303
    journey = Journey(app, idp, make_passport(pki, AZIZ), http=http, email=AZIZ_EMAIL)
    assert journey.document(AZIZ).status_code == 302
    assert journey.read_chip().get_json()["outcome"] == "verified"
    assert journey.selfie().get_json()["done"]
    submitted = journey.submit()
    assert submitted.headers["Location"].endswith("/enroll/activate")
    assert http.get("/enroll/activate").headers["Location"].endswith("/enroll/raise/finish")
    return journey


def test_approval_raises_the_level_and_keeps_the_login_methods_and_the_paused_request(app, idp, demo, pki,
                                                                                      auto_approve):
    http = app.test_client()
    location, rp = portal_asks_for_substantial(app, http)
    rid = re.search(r"[?&]r=([A-Za-z0-9_-]+)", location).group(1)
    account = account_of(idp, AZIZ.personal_number)
    before = authenticators_of(idp, account.id)
    journey = raise_through_approval(app, idp, pki, http, f"?r={rid}")
    assert "Raise my identity level" in http.get("/enroll/raise/finish?lang=en").get_data(as_text=True)
    done = journey.post_form("/enroll/raise/finish", {})
    assert done.status_code == 303
    page = http.get("/enroll/raise/finish?lang=en").get_data(as_text=True)
    assert "Your identity level was raised" in page

    after = account_of(idp, AZIZ.personal_number)
    assert (after.identity_level, after.proofing_method) == ("substantial", "remote_passport")
    assert authenticators_of(idp, account.id) == before
    assert journey.case().status == "activated"
    with idp.db.transaction() as s:
        from idp.audit.models import AuditEvent

        event = s.scalars(select(AuditEvent).where(AuditEvent.event == "account.identity_level_raised")).one()
        assert (event.subject, event.data["before"], event.data["after"]) == (account.id, "low", "substantial")
    # the owner is told, in their language, by the account alerts
    from idp.cabinet.alerts import CHANGES

    with app.test_request_context(), force_locale(after.locale):
        expected = str(CHANGES["identity_level"])
    assert expected in journey.last_mail(AZIZ_EMAIL).body
    # the session is still the same login, and the paused request resumes: the identity gate passes
    back = re.search(r'href="(/authorize\?[^"]+)"', page).group(1).replace("&amp;", "&")
    assert f"r={rid}" in back
    resumed = http.get(back)
    assert "why=authentication_level" in resumed.headers["Location"]  # only the login's own strength is left


def test_an_officer_approval_is_mailed_and_finished_by_the_owner_on_another_device(app, idp, demo, pki, cli):
    http = app.test_client()
    http.get("/enroll/?lang=en")
    log_in(http, AZIZ.personal_number)
    account = account_of(idp, AZIZ.personal_number)
    before = authenticators_of(idp, account.id)
    assert start_raise(http).status_code == 303
    journey = Journey(app, idp, make_passport(pki, AZIZ), http=http, email=AZIZ_EMAIL)
    assert journey.document(AZIZ).status_code == 302
    assert journey.read_chip().get_json()["outcome"] == "verified"
    assert journey.selfie().get_json()["done"]
    assert journey.submit().headers["Location"].endswith("/enroll/status")
    case = journey.case()
    assert (case.purpose, case.status) == ("raise_level", "awaiting_review")
    cli("enrollment", "approve", case.id)
    mail = journey.last_mail(AZIZ_EMAIL)
    assert "raise the identity level" in mail.body and "passkey" not in mail.body
    link = re.search(r"http://localhost(/enroll/activate/\S+)", mail.body).group(1)

    laptop = app.test_client()
    assert laptop.get(link).headers["Location"].endswith("/enroll/activate")
    assert laptop.get("/enroll/activate").headers["Location"].endswith("/enroll/raise/finish")
    to_login = laptop.get("/enroll/raise/finish").headers["Location"]
    assert to_login.startswith("/login?next=")
    back = log_in(laptop, AZIZ.personal_number, to_login[len("/login"):]).headers["Location"]
    assert back.endswith("/enroll/raise/finish")
    token = csrf_in(laptop.get("/enroll/raise/finish").get_data(as_text=True))
    assert laptop.post("/enroll/raise/finish", data={"csrf_token": token}).status_code == 303
    assert account_of(idp, AZIZ.personal_number).identity_level == "substantial"
    assert authenticators_of(idp, account.id) == before
    assert http.get("/").status_code == 200  # the phone's session goes on


def test_another_account_cannot_reach_the_case(app, idp, demo, pki, auto_approve):
    http = app.test_client()
    log_in(http, AZIZ.personal_number)
    raise_through_approval(app, idp, pki, http)
    http.post("/logout", data={"csrf_token": csrf_from(http.get("/").get_data(as_text=True))})
    http.delete_cookie("session")
    log_in(http, DILNOZA.personal_number)
    page = http.get("/enroll/raise/finish?lang=en")
    assert page.status_code == 403 and "belongs to another OneID account" in page.get_data(as_text=True)
    token = csrf_in(http.get("/enroll/raise?lang=en").get_data(as_text=True))
    assert http.post("/enroll/raise/finish", data={"csrf_token": token}).status_code == 403
    assert account_of(idp, DILNOZA.personal_number).identity_level == "low"
    assert account_of(idp, AZIZ.personal_number).identity_level == "low"


def test_the_level_never_goes_down(app, idp, demo):
    from enrollment.models import APPROVED, RAISE, EnrollmentCase
    from enrollment.services import lifecycle
    from enrollment.services.activation import raise_level

    assert lifecycle.raised_level("high", "substantial") == "high"
    assert lifecycle.raised_level("low", "substantial") == "substantial"
    with idp.db.transaction() as s:
        account = s.scalars(select(Account).join(Person).where(Person.pinfl == AZIZ.personal_number)).one()
        account.identity_level, account.proofing_method = "high", "in_person"
        case = EnrollmentCase(purpose=RAISE, status=APPROVED, account_id=account.id, pinfl=AZIZ.personal_number,
                              browser_key_hash="x" * 64, expires_at=dt.datetime.now(dt.timezone.utc),
                              route="passport")
        s.add(case)
        s.flush()
        assert raise_level(s, case, account) is False
        assert (account.identity_level, account.proofing_method, case.status) == ("high", "in_person", "activated")


def test_a_case_approved_for_one_account_does_not_apply_to_another(app, idp, demo):
    from enrollment.models import APPROVED, RAISE, EnrollmentCase
    from enrollment.services import lifecycle

    with idp.db.transaction() as s:
        aziz = s.scalars(select(Account).join(Person).where(Person.pinfl == AZIZ.personal_number)).one()
        dilnoza = s.scalars(select(Account).join(Person).where(Person.pinfl == DILNOZA.personal_number)).one()
        case = EnrollmentCase(purpose=RAISE, status=APPROVED, account_id=aziz.id, pinfl=AZIZ.personal_number,
                              browser_key_hash="x" * 64, expires_at=dt.datetime.now(dt.timezone.utc))
        s.add(case)
        s.flush()
        with pytest.raises(lifecycle.RaiseRefused) as refused:
            lifecycle.complete_raise(s, case, dilnoza, level="substantial", method="remote_passport")
        assert refused.value.code == "raise_other_account"
        case.pinfl = DILNOZA.personal_number  # a case whose passport is not the account's
        with pytest.raises(lifecycle.RaiseRefused) as refused:
            lifecycle.complete_raise(s, case, aziz, level="substantial", method="remote_passport")
        assert refused.value.code == "raise_pinfl_mismatch"
        assert aziz.identity_level == "low" and case.status == APPROVED


def test_the_raise_never_goes_through_the_authenticator_activation(app, idp, demo):
    from enrollment.errors import ActivationError
    from enrollment.models import APPROVED, RAISE, EnrollmentCase
    from enrollment.services.activation import ensure_account

    with idp.db.transaction() as s:
        aziz = s.scalars(select(Account).join(Person).where(Person.pinfl == AZIZ.personal_number)).one()
        case = EnrollmentCase(purpose=RAISE, status=APPROVED, account_id=aziz.id, pinfl=AZIZ.personal_number,
                              browser_key_hash="x" * 64, expires_at=dt.datetime.now(dt.timezone.utc))
        s.add(case)
        s.flush()
        with pytest.raises(ActivationError):
            ensure_account(s, case, idp.registry)


def test_a_logged_in_citizen_on_the_enrollment_start_is_pointed_to_the_raise(app, demo):
    http = app.test_client()
    assert 'id="raise-instead"' not in http.get("/enroll/?lang=en").get_data(as_text=True)
    log_in(http, AZIZ.personal_number)
    page = http.get("/enroll/?lang=en").get_data(as_text=True)
    assert 'id="raise-instead"' in page and 'href="/enroll/raise"' in page
