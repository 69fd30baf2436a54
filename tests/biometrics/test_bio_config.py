"""Settings are frozen and validated at construction."""

from __future__ import annotations

import dataclasses

import pytest

from biometrics import BiometricsSettings
from biometrics.errors import ConfigurationError


def test_defaults_are_valid_and_stricter_than_dlibs_06():
    s = BiometricsSettings()
    assert s.detector == "hog"
    assert s.match_threshold < 0.6
    assert s.match_threshold <= s.review_threshold


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        BiometricsSettings().match_threshold = 0.9  # type: ignore[misc]


@pytest.mark.parametrize("changes", [
    {"detector": "yolo"},
    {"match_threshold": 0.7},
    {"match_threshold": 0.0},
    {"review_threshold": 0.4},
    {"match_threshold": float("nan")},
    {"min_frames": 20, "max_frames": 10},
    {"min_frame_rate": 30.0, "max_frame_rate": 10.0},
    {"actions": ("blink", "dance")},
    {"actions": ("blink", "blink")},
    {"min_actions": 3, "max_actions": 2},
    {"max_actions": 6},
    {"challenge_lifetime_s": 1.0},
    {"min_brightness": 200.0, "max_brightness": 100.0},
    {"blink_closed_ratio": 0.9, "blink_open_ratio": 0.8},
    {"max_image_bytes": 0},
    {"test_engine_outcome": "maybe"},
])
def test_invalid_values_are_refused(changes):
    with pytest.raises(ConfigurationError):
        BiometricsSettings(**changes)


def test_from_mapping_converts_environment_strings():
    s = BiometricsSettings.from_mapping({
        "BIOMETRICS_MATCH_THRESHOLD": "0.45",
        "BIOMETRICS_DETECTOR": "cnn",
        "BIOMETRICS_MAX_FRAMES": "25",
        "BIOMETRICS_ACTIONS": "blink, turn_left, open_mouth",
        "BIOMETRICS_LANDMARK_MODEL_PATH": "/opt/models/licensed68.dat",
        "BIOMETRICS_FINGERPRINT_KEY": "00ff10",
        "OTHER_SETTING": "ignored",
    }, prefix="BIOMETRICS_")
    assert s.match_threshold == 0.45
    assert s.detector == "cnn"
    assert s.max_frames == 25
    assert s.actions == ("blink", "turn_left", "open_mouth")
    assert s.landmark_model_path == "/opt/models/licensed68.dat"
    assert s.fingerprint_key == b"\x00\xff\x10"


def test_from_mapping_refuses_unknown_keys_and_bad_numbers():
    with pytest.raises(ConfigurationError):
        BiometricsSettings.from_mapping({"BIOMETRICS_MATCH_TRESHOLD": "0.5"}, prefix="BIOMETRICS_")
    with pytest.raises(ConfigurationError):
        BiometricsSettings.from_mapping({"BIOMETRICS_MAX_FRAMES": "many"}, prefix="BIOMETRICS_")


def test_fingerprint_key_is_not_shown_in_repr():
    text = repr(BiometricsSettings(fingerprint_key=b"very-secret-key"))
    assert "very-secret-key" not in text
    assert "match_threshold=0.5" in text
