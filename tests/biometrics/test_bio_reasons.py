"""Reason codes are stable strings, each with a hint a person can act on."""

from __future__ import annotations

import pytest

from biometrics import errors
from biometrics.reasons import HINTS, REASONS, describe, hint_for, hint_key_for


def test_every_reason_has_a_hint_key_and_english_text():
    for code, info in REASONS.items():
        assert info.code == code
        assert info.hint_key in HINTS
        assert info.hint == HINTS[info.hint_key]
        assert info.hint.endswith(".")


def test_face_too_small_tells_the_person_to_move_closer():
    assert hint_key_for("face_too_small") == "move_closer"
    assert hint_for("face_too_small") == "Move closer to the camera."


def test_unknown_code_falls_back_to_starting_again():
    info = describe("vendor_specific_code")
    assert info.code == "vendor_specific_code"
    assert info.hint_key == "restart_check"


def test_every_error_class_names_a_known_reason():
    classes = [c for c in vars(errors).values()
               if isinstance(c, type) and issubclass(c, errors.BiometricsError)]
    assert len(classes) > 30
    for cls in classes:
        assert cls.reason in REASONS, cls.__name__


@pytest.mark.parametrize("cls, reason, hint_key", [
    (errors.FaceTooSmallError, "face_too_small", "move_closer"),
    (errors.FaceTooDarkError, "face_too_dark", "more_light"),
    (errors.ChallengeExpiredError, "challenge_expired", "follow_prompts_promptly"),
    (errors.ImageDimensionsTooLargeError, "image_dimensions_too_large", "send_smaller_photo"),
])
def test_error_carries_reason_and_hint(cls, reason, hint_key):
    error = cls("technical detail")
    assert isinstance(error, errors.BiometricsError)
    assert error.reason == reason
    assert error.hint_key == hint_key
    assert error.to_dict() == {"reason": reason, "hint_key": hint_key, "hint": HINTS[hint_key]}
    assert str(error) == "technical detail"


def test_error_for_reason_builds_the_specific_class():
    assert type(errors.error_for_reason("eyes_closed")) is errors.EyesClosedError
    assert type(errors.error_for_reason("no_face")) is errors.NoFaceError
    generic = errors.error_for_reason("not_a_code")
    assert isinstance(generic, errors.BiometricsError) and generic.reason == "not_a_code"


def test_reference_error_keeps_the_underlying_cause():
    error = errors.ReferencePortraitError("x", cause="no_face")
    assert error.reason == "reference_unusable"
    assert error.to_dict()["cause"] == "no_face"
    assert error.hint_key == "await_review"


def test_the_reasons_page_lists_every_code_with_its_hint():
    import pathlib
    import re

    page = pathlib.Path(__file__).resolve().parents[2] / "docs" / "biometrics-reasons.md"
    rows = re.findall(r"^\| `([a-z_]+)` \| `([a-z_]+)` \| (.+?) \|$", page.read_text(), flags=re.M)
    assert {code: (key, hint) for code, key, hint in rows} == {
        code: (info.hint_key, info.hint) for code, info in REASONS.items()}
