"""Every liveness challenge uses one of the case's selfie attempts: asking
for a new challenge until an easy one comes costs as much as failing."""
from __future__ import annotations

import dataclasses

import pytest

from enrollment.services import EnrollmentServices
from enrollment_doubles import use_engine
from enrollment_journey import frames
from idp.config import ConfigError


def _challenge(journey):
    return journey.post_json("/enroll/selfie/challenge")


def test_each_challenge_issued_uses_an_attempt(app, journey):
    use_engine(app, "fail")
    journey.through_document()
    assert journey.read_chip().status_code == 202
    for _ in range(3):
        assert _challenge(journey).status_code == 200
    again = _challenge(journey)
    assert again.status_code == 409 and again.get_json()["error"] == "attempts_exhausted"
    assert journey.case().selfie_attempts == 3
    assert "used every attempt" in journey.get("/enroll/selfie").get_data(as_text=True)


def test_the_capture_for_the_last_challenge_is_still_checked(app, journey):
    use_engine(app, "pass")
    journey.through_document()
    journey.read_chip()
    for _ in range(2):
        _challenge(journey)
    last = _challenge(journey).get_json()["challenge"]
    result = journey.post_json("/enroll/selfie/frames", {"challenge_id": last["challenge_id"],
                                                         "nonce": last["nonce"], "frames": frames()}).get_json()
    assert result["ok"] and result["outcome"] == "pass" and result["done"], result
    assert result["attempts_left"] == 0 and journey.case().selfie_attempts == 3


def test_an_upload_without_a_valid_challenge_uses_no_extra_attempt(app, journey):
    use_engine(app, "fail")
    journey.through_document()
    journey.read_chip()
    _challenge(journey)
    result = journey.post_json("/enroll/selfie/frames", {"challenge_id": "made-up", "nonce": "x",
                                                         "frames": frames()}).get_json()
    assert result["reasons"] == ["challenge_unknown"] and result["attempts_left"] == 2


def test_a_production_start_refuses_liveness_settings_below_the_minimum(app, monkeypatch):
    enrollment = app.extensions["enrollment"]
    config = dataclasses.replace(enrollment.config, environment="production", liveness_engine="dlib")
    monkeypatch.setenv("IDP_BIOMETRICS_MIN_ACTIONS", "1")  # a single action: a blink could be enough
    with pytest.raises(ConfigError, match="min_actions"):
        EnrollmentServices(enrollment.idp, config)
    monkeypatch.delenv("IDP_BIOMETRICS_MIN_ACTIONS")
    EnrollmentServices(enrollment.idp, config)  # the defaults meet the minimum
