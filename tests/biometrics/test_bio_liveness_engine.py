"""The liveness decision on frames whose pixels and landmarks move like a
live head (Grace Hopper's photo re-rendered in each pose; see
bio_synthetic.rendered), and on tampered versions of them."""

from __future__ import annotations

import numpy as np
import pytest

import bio_images as images
from bio_synthetic import SyntheticFace, Pose
from biometrics.liveness import Action, Challenge
from biometrics.liveness.analysis import FrameAnalysis, analysis_from_landmarks
from biometrics.liveness.planarity import plane_fit

LIVE = (["neutral"] * 5 + ["blink"] * 2 + ["neutral"] * 3 + ["turn_left"] * 3 + ["neutral"] * 3
        + ["smile"] * 2 + ["neutral"] * 2)
ASKED = ("blink", "turn_left", "smile")


def _challenge(actions=ASKED) -> Challenge:
    return Challenge(id="c1", nonce="n1", actions=tuple(Action(a) for a in actions), issued_at=0.0,
                     expires_at=120.0, action_window_s=6.0)


@pytest.fixture(scope="module")
def face_box(analyzer, hopper_frame):
    return analyzer.detector.detect(hopper_frame[0])[0]


def _analyses(rendered_hopper, face_box, settings, names, *, seed=0, fps=10.0, transform=None):
    rng = np.random.default_rng(seed)
    out = []
    for i, name in enumerate(names):
        rgb, points = rendered_hopper[name]
        rgb = images.sensor_noise(rgb, rng)
        if transform is not None:
            rgb = transform(rgb)
        out.append(analysis_from_landmarks(i, i / fps, rgb, face_box, points, settings))
    return out


@pytest.fixture(scope="module")
def live_frames(rendered_hopper, face_box, settings):
    return _analyses(rendered_hopper, face_box, settings, LIVE)


def test_live_capture_matching_the_chip_portrait_passes(engine, live_frames, hopper_reference):
    verdict = engine.decide(_challenge(), live_frames, reference_portrait=hopper_reference)
    checks = {c.name: c for c in verdict.checks}
    assert [c.name for c in verdict.checks] == ["one_face", "actions", "planarity", "action_geometry",
                                                "screen_texture", "screen_banding", "frame_quality", "identity_consistency",
                                                "face_match"]
    assert all(c.passed for c in verdict.checks), [c for c in verdict.checks if not c.passed]
    assert checks["actions"].details["detected"] == list(ASKED)
    assert checks["planarity"].details["applicable"] is True
    assert checks["planarity"].details["plane_fit"] < 0.97
    assert verdict.match.decision == "match" and verdict.match.distance < 0.45
    assert verdict.match.compared >= 2


def test_chip_portrait_given_as_bytes_is_analysed(engine, live_frames, hopper_chip):
    verdict = engine.decide(_challenge(), live_frames, reference_portrait=hopper_chip)
    assert verdict.match is not None and verdict.match.matched


def test_live_capture_of_someone_else_fails_the_match(engine, live_frames, collins_reference):
    verdict = engine.decide(_challenge(), live_frames, reference_portrait=collins_reference)
    assert all(c.passed for c in verdict.checks if c.name != "face_match")
    assert verdict.match.decision == "no_match"
    assert verdict.checks[-1].reason == "face_mismatch"


def test_unusable_chip_portrait_leaves_the_match_to_an_officer(engine, live_frames):
    blank = images.encode(np.full((160, 120, 3), 200, np.uint8))
    verdict = engine.decide(_challenge(), live_frames, reference_portrait=blank)
    match = verdict.checks[-1]
    assert (match.name, match.passed, match.reason) == ("face_match", False, "reference_unusable")
    assert match.details["cause"] == "no_face"
    assert verdict.match is None


def test_without_a_reference_only_liveness_is_judged(engine, live_frames):
    verdict = engine.decide(_challenge(), live_frames, reference_portrait=None)
    assert verdict.match is None
    assert "face_match" not in [c.name for c in verdict.checks]
    assert all(c.passed for c in verdict.checks)


def test_actions_not_asked_for_fail_the_capture(engine, live_frames, hopper_reference):
    verdict = engine.decide(_challenge(("turn_right", "blink")), live_frames, reference_portrait=hopper_reference)
    actions = next(c for c in verdict.checks if c.name == "actions")
    assert not actions.passed and actions.reason == "turn_right_not_detected"


def test_face_swapped_into_some_frames_is_refused(engine, analyzer, live_frames, settings, hopper_reference):
    other = images.on_canvas(images.astronaut()[20:330, 80:360])
    box = analyzer.detector.detect(other)[0]
    points = analyzer.detector.landmarks68(other, box)
    swapped = list(live_frames)
    for i in (8, 9):  # two neutral frames between the blink and the turn
        swapped[i] = analysis_from_landmarks(i, live_frames[i].timestamp_s, other, box, points, settings)
    verdict = engine.decide(_challenge(), swapped, reference_portrait=hopper_reference)
    identity = next(c for c in verdict.checks if c.name == "identity_consistency")
    assert not identity.passed and identity.reason == "identity_inconsistent"
    assert identity.details["max_distance"] > settings.consistency_threshold


def test_a_few_frames_without_a_face_are_tolerated(engine, live_frames, hopper_reference):
    frames = list(live_frames)
    frames[3] = FrameAnalysis(3, frames[3].timestamp_s, face_count=0)
    verdict = engine.decide(_challenge(), frames, reference_portrait=hopper_reference)
    assert all(c.passed for c in verdict.checks)
    assert verdict.checks[0].details["frames_without_face"] == 1


def test_many_frames_without_a_face_are_refused(engine, live_frames):
    frames = [FrameAnalysis(f.index, f.timestamp_s, face_count=0) if f.index % 4 == 0 else f for f in live_frames]
    verdict = engine.decide(_challenge(), frames, reference_portrait=None)
    assert [(c.name, c.reason) for c in verdict.checks] == [("one_face", "face_missing_in_frames")]


def test_a_second_face_in_one_frame_refuses_the_capture(engine, live_frames):
    frames = list(live_frames)
    frames[12] = FrameAnalysis(12, frames[12].timestamp_s, face_count=2)
    verdict = engine.decide(_challenge(), frames, reference_portrait=None)
    assert [(c.name, c.reason) for c in verdict.checks] == [("one_face", "multiple_faces")]


def test_dark_capture_says_to_find_more_light(engine, rendered_hopper, face_box, settings):
    frames = _analyses(rendered_hopper, face_box, settings, LIVE, transform=lambda rgb: images.lighting(rgb, 0.22))
    verdict = engine.decide(_challenge(), frames, reference_portrait=None)
    quality = next(c for c in verdict.checks if c.name == "frame_quality")
    assert not quality.passed and quality.reason == "face_too_dark"


def test_flat_landmarks_at_a_head_turn_are_refused(engine, live_frames, hopper_frame, settings, hopper_reference):
    # Landmarks of a flat face (a photo) rotated far enough that the pose
    # estimate reports a turn, but with no nose parallax.
    flat = SyntheticFace(hopper_frame[1])
    flat.points3d[:, 2] = 30.0
    frames = list(live_frames)
    for i in (10, 11, 12):
        points = flat.landmarks(Pose(yaw=60.0))
        points = points - points.mean(axis=0) + live_frames[i].landmarks.mean(axis=0)
        frames[i] = analysis_from_landmarks(i, frames[i].timestamp_s, frames[i].pixels, frames[i].box,
                                            points, settings)
    verdict = engine.decide(_challenge(), frames, reference_portrait=hopper_reference)
    planarity = next(c for c in verdict.checks if c.name == "planarity")
    assert planarity.details["applicable"] is True
    assert not planarity.passed and planarity.reason == "planar_motion"
    assert planarity.details["flat_landmarks"] is True


def test_pixels_of_a_tilted_photo_fit_one_plane_and_a_turning_head_does_not(
        analyzer, hopper, rendered_hopper, face_box, settings):
    def analysed(rgb):
        box = analyzer.detector.detect(rgb)[0]
        return analysis_from_landmarks(0, 0.0, rgb, box, analyzer.detector.landmarks68(rgb, box), settings)

    frontal = analysed(images.on_canvas(hopper))
    for degrees in (-40, -20, 20, 40):
        tilted = analysed(images.on_canvas(images.tilt(hopper, degrees)))
        assert plane_fit(frontal, tilted) >= settings.planar_correlation, degrees
    neutral_rgb, neutral_points = rendered_hopper["neutral"]
    neutral = analysis_from_landmarks(0, 0.0, neutral_rgb, face_box, neutral_points, settings)
    for turn in ("turn_left", "turn_right"):
        rgb, points = rendered_hopper[turn]
        turned = analysis_from_landmarks(1, 0.1, rgb, face_box, points, settings)
        assert plane_fit(neutral, turned) < settings.planar_correlation - 0.05, turn


def test_reference_errors_never_escape_the_engine(engine, live_frames):
    verdict = engine.decide(_challenge(), live_frames, reference_portrait=b"\xff\xd8\xff garbage")
    assert verdict.checks[-1].reason == "reference_unusable"
    assert verdict.checks[-1].details["cause"] == "image_unreadable"
