"""A case survives a closed tab, a server restart and a crash between two
writes, and resumes where it stopped; a submit clears later steps."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from enrollment.models import ChipEvidence, EnrollmentCase, EnrollmentClaim
from enrollment_journey import HOLDER, Journey


def test_a_case_left_mid_way_resumes_after_the_app_is_recreated(app, idp, journey, settings_overrides, passport):
    journey.through_document()
    cookie = journey.http.get_cookie("idp_enroll", path="/enroll")
    assert cookie is not None
    from idp.app import create_app

    restarted = create_app(settings_overrides)
    browser = Journey(restarted, restarted.extensions["idp"], passport, http=restarted.test_client())
    browser.http.set_cookie("idp_enroll", cookie.value, path="/enroll")
    start = browser.get("/enroll/").get_data(as_text=True)
    assert 'href="/enroll/chip"' in start  # "Continue where you stopped"
    assert browser.get("/enroll/document").status_code == 200
    assert browser.read_chip().get_json()["outcome"] == "verified"
    assert browser.selfie().get_json()["done"]
    restarted.extensions["idp"].db.dispose()


def test_a_closed_browser_resumes_on_another_device_by_e_mail_code(app, idp, journey, passport):
    journey.through_document()
    phone = Journey(app, idp, passport)
    response = phone.post_form("/enroll/resume", {"email": journey.email})
    assert response.headers["Location"].endswith("/enroll/resume/verify")
    response = phone.post_form("/enroll/resume/verify", {"code": phone.last_code()})
    assert response.headers["Location"].endswith("/enroll/chip")
    assert phone.get("/enroll/chip").status_code == 200
    # The first browser's key was replaced.
    assert journey.get("/enroll/chip").headers["Location"].endswith("/enroll/")


def test_resuming_tells_nothing_about_addresses_without_a_case(app, idp, passport):
    from idp.notify.models import OutboxMessage

    stranger = Journey(app, idp, passport, email="nobody@example.org")
    response = stranger.post_form("/enroll/resume", {"email": "nobody@example.org"})
    assert response.headers["Location"].endswith("/enroll/resume/verify")
    page = stranger.get("/enroll/resume/verify").get_data(as_text=True)
    assert "If an enrollment with this address exists" in page
    with idp.db.transaction() as s:
        assert s.scalars(select(OutboxMessage)).first() is None
    wrong = stranger.post_form("/enroll/resume/verify", {"code": "123456"})
    assert wrong.status_code == 400


def test_a_crash_between_two_writes_leaves_the_step_undone_and_retryable(journey, idp, monkeypatch):
    journey.through_document()
    from enrollment.services import chip

    real = chip.record

    def crash(session, event, **kw):
        if event == "enrollment.chip.verified":
            raise RuntimeError("power cut")
        return real(session, event, **kw)

    monkeypatch.setattr(chip, "record", crash)
    assert journey.read_chip().status_code == 500
    case = journey.case()
    with idp.db.transaction() as s:
        assert s.scalars(select(ChipEvidence).where(ChipEvidence.case_id == case.id)).first() is None
        assert s.get(EnrollmentClaim, HOLDER.personal_number) is None
    assert case.chip_attempts == 0 and case.chip_at is None
    monkeypatch.setattr(chip, "record", real)
    assert journey.read_chip().get_json()["outcome"] == "verified"


def test_a_new_document_clears_the_chip_and_selfie_and_frees_the_person(app, idp, journey, passport):
    journey.through_document()
    journey.read_chip()
    assert journey.selfie().get_json()["done"]
    assert journey.document().headers["Location"].endswith("/enroll/chip")
    case = journey.case()
    assert case.chip_at is None and case.selfie_at is None and case.pinfl is None
    with idp.db.transaction() as s:
        assert s.get(EnrollmentClaim, HOLDER.personal_number) is None
    assert journey.get("/enroll/selfie").headers["Location"].endswith("/enroll/chip")
    assert journey.get("/enroll/review").headers["Location"].endswith("/enroll/chip")


def test_a_submitted_case_is_locked(journey):
    journey.through_submit()
    for path in ("/enroll/contact", "/enroll/document", "/enroll/chip", "/enroll/selfie", "/enroll/review"):
        assert journey.get(path).headers["Location"].endswith("/enroll/status"), path
    from enrollment_journey import digits

    late = journey.post_form("/enroll/document", digits("FA7654321", HOLDER.date_of_birth, HOLDER.date_of_expiry),
                             page="/enroll/status")
    assert late.headers["Location"].endswith("/enroll/status")
    assert journey.case().status == "awaiting_review" and journey.case().document_number == "FA1234567"


def test_withdrawing_closes_the_case_and_deletes_its_photos_at_once(journey, idp):
    from enrollment.models import BiometricRecord

    journey.through_document()
    journey.read_chip()
    case = journey.case()
    response = journey.post_form("/enroll/withdraw", {}, page="/enroll/selfie")
    assert response.headers["Location"].endswith("/enroll/?withdrawn=1")
    with idp.db.transaction() as s:
        assert s.get(EnrollmentCase, case.id).status == "withdrawn"
        assert s.scalars(select(BiometricRecord).where(BiometricRecord.case_id == case.id)).first() is None
        assert s.get(EnrollmentClaim, HOLDER.personal_number) is None


@pytest.mark.parametrize("route", ["consular"])
def test_the_consular_route_needs_only_a_verified_e_mail(journey, route):
    journey.start(route=route)
    journey.contact()
    response = journey.verify_email()
    assert response.headers["Location"].endswith("/enroll/consular")
    assert journey.case().status == "consular"
    assert "Book a visit" in journey.get("/enroll/consular").get_data(as_text=True) or \
        "contact your consulate" in journey.get("/enroll/consular").get_data(as_text=True)
