"""The whole passport route with a simulated chip, from the start page to a
case waiting for review, on both databases."""
from __future__ import annotations

from enrollment.models import AWAITING_REVIEW, IN_PROGRESS


def test_a_citizen_abroad_reaches_review_with_every_check_recorded(journey):
    page = journey.get("/enroll/")
    assert page.status_code == 200 and "chip" in page.get_data(as_text=True)
    assert journey.start().headers["Location"].endswith("/enroll/contact")
    assert journey.contact(phone="+7 912 345 67 89").headers["Location"].endswith("/enroll/contact/verify")
    assert journey.verify_email().headers["Location"].endswith("/enroll/document")
    assert journey.document().headers["Location"].endswith("/enroll/chip")
    chip = journey.chip_page()
    assert chip.status_code == 200 and journey.token
    assert "oneid-reader:chip?" in chip.get_data(as_text=True)
    response = journey.read_chip(token=journey.token)
    assert response.status_code == 202
    assert response.get_json() == {"status": "received", "outcome": "verified"}
    status = journey.get("/enroll/status.json").get_json()
    assert status["step"] == "selfie" and status["next"].endswith("/enroll/selfie")
    result = journey.selfie().get_json()
    assert result["ok"] and result["outcome"] == "pass" and result["done"]
    assert journey.submit().headers["Location"].endswith("/enroll/status")
    case = journey.case()
    assert case.status == AWAITING_REVIEW
    assert case.decision == "review" and case.decision_reasons == ["manual_review_required"]
    assert case.pinfl == "41705901234567" and case.phone == "+79123456789"
    page = journey.get("/enroll/status").get_data(as_text=True)
    assert "consular officer" in page
    assert "received" in journey.last_mail().subject


def test_a_new_case_starts_at_the_e_mail_step(journey):
    journey.start()
    case = journey.case()
    assert case.status == IN_PROGRESS
    assert journey.get("/enroll/chip").headers["Location"].endswith("/enroll/contact")
