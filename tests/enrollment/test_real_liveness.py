"""The selfie step with the real liveness engine (dlib) on generated
frames: a photo of Grace Hopper re-rendered turning her head and smiling in
the order the server asks, matched against a chip portrait made from the
same photo (and refused against someone else's). The frame generator is the
biometrics tests' (tests/biometrics/bio_synthetic.py)."""
from __future__ import annotations

import base64
import os
import sys

import pytest

BIO_TESTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "biometrics")
if not os.path.exists(os.path.join(BIO_TESTS, "bio_synthetic.py")):
    pytest.skip("the biometrics tests' frame generator is not there", allow_module_level=True)
sys.path.insert(0, BIO_TESTS)

import bio_images as images  # noqa: E402
from bio_synthetic import Pose, SyntheticFace, rendered  # noqa: E402

from enrollment_journey import HOLDER, Journey  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
POSES = {"turn_left_half": Pose(yaw=17.0), "turn_left": Pose(yaw=35.0), "smile": Pose(smile=1.6)}
ACTION_FRAMES = {"turn_left": ["turn_left_half", "turn_left", "turn_left", "turn_left_half"],
                 "smile": ["smile", "smile", "smile"]}


@pytest.fixture(scope="module")
def faces():
    from biometrics import FaceAnalyzer

    analyzer = FaceAnalyzer()
    hopper = images.grace_hopper()
    frame = images.on_canvas(hopper)
    box = analyzer.detector.detect(frame)[0]
    points = analyzer.detector.landmarks68(frame, box)
    face = SyntheticFace(points)
    posed = {"neutral": frame}
    posed.update({name: rendered(frame, points, face, pose)[0] for name, pose in POSES.items()})
    hopper_box = analyzer.analyze(images.grace_hopper_bytes(), role="selfie").box
    collins = images.astronaut()
    collins_box = analyzer.analyze(images.encode(collins), role="selfie").box
    return {"posed": posed, "hopper_chip": images.chip_portrait(hopper, hopper_box, width=120),
            "collins_chip": images.chip_portrait(collins, collins_box, width=120)}


@pytest.fixture
def settings_overrides(settings_overrides, monkeypatch):
    for name, value in {"ACTIONS": "turn_left,smile", "MIN_ACTIONS": "2", "MAX_ACTIONS": "2"}.items():
        monkeypatch.setenv(f"IDP_BIOMETRICS_{name}", value)
    return {**settings_overrides, "liveness_engine": "dlib"}


def capture(faces, actions, seed):
    sequence = ["neutral"] * 5
    for action in actions:
        sequence += ACTION_FRAMES[action] + ["neutral"] * 3
    sequence += ["neutral"] * 2
    frames = images.captured([faces["posed"][name] for name in sequence], fps=8.0, seed=seed)
    return [{"t": f.timestamp_ms, "image": "data:image/jpeg;base64," + base64.b64encode(f.data).decode()}
            for f in frames]


def run_selfie(app, idp, pki, faces, portrait: str, seed: int):
    from nfc.testing import make_passport

    journey = Journey(app, idp, make_passport(pki, HOLDER, portrait=faces[portrait]))
    journey.through_document()
    assert journey.read_chip().get_json()["outcome"] == "verified"
    challenge = journey.post_json("/enroll/selfie/challenge").get_json()["challenge"]
    assert sorted(challenge["actions"]) == ["smile", "turn_left"]
    return journey.post_json("/enroll/selfie/frames", {
        "challenge_id": challenge["challenge_id"], "nonce": challenge["nonce"],
        "frames": capture(faces, challenge["actions"], seed)}).get_json()


def test_the_real_engine_passes_a_live_capture_that_matches_the_chip(app, idp, holder, pki, faces):
    result = run_selfie(app, idp, pki, faces, "hopper_chip", seed=31)
    assert result["ok"] and result["outcome"] == "pass" and result["done"], result


def test_the_real_engine_refuses_a_face_that_is_not_the_chips(app, idp, holder, pki, faces):
    result = run_selfie(app, idp, pki, faces, "collins_chip", seed=32)
    assert result["outcome"] == "fail" and result["reasons"] == ["face_mismatch"], result
    assert any("sunglasses" in m for m in result["messages"])
