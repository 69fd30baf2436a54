"""The decision policy applied to real cases: borderline checks go to an
officer with flags even when auto-approval is on."""
from __future__ import annotations

import dataclasses

from enrollment_doubles import use_engine
from enrollment_journey import Journey, register_holder


def auto_approve(app):
    enrollment = app.extensions["enrollment"]
    enrollment.config = dataclasses.replace(enrollment.config, auto_approve=True)


def test_an_uncertain_face_match_goes_to_review_with_a_flag(app, journey):
    auto_approve(app)
    use_engine(app, "review")
    journey.through_document()
    journey.read_chip()
    result = journey.selfie().get_json()
    assert result["outcome"] == "review" and result["done"]
    journey.submit()
    case = journey.case()
    assert case.status == "awaiting_review" and case.flags == ["face_match_uncertain"]
    page = journey.get("/enroll/status").get_data(as_text=True)
    assert "need a closer look by an officer" in page


def test_a_name_spelled_otherwise_in_the_register_is_flagged_not_refused(app, idp, passport):
    register_holder(idp, family_name="Testowa")  # the MRZ says TESTOVA
    auto_approve(app)
    journey = Journey(app, idp, passport)
    journey.through_document()
    assert journey.read_chip().get_json()["outcome"] == "verified"
    assert journey.selfie().get_json()["done"]
    journey.submit()
    case = journey.case()
    assert case.status == "awaiting_review" and case.flags == ["register_name_mismatch"]


def test_an_approved_case_shows_the_way_to_activation(app, journey):
    auto_approve(app)
    journey.through_submit()
    page = journey.get("/enroll/status")
    assert page.status_code == 200
    assert 'href="/enroll/activate"' in page.get_data(as_text=True)
    assert journey.get("/enroll/chip").headers["Location"].endswith("/enroll/activate")
