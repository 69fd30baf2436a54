"""Presentation attacks (ISO/IEC 30107-3 style), each pinned by one capture
from bio_pad_sets: the known bypass (a print tilted back to fake a blink and
a smile), every generated attack type, and genuine-like captures that must
still pass. benchmarks/bench_pad.py runs the full sets."""

from __future__ import annotations

import random

import numpy as np
import pytest

import bio_images as images
import bio_pad_sets as sets
from bio_synthetic import NEUTRAL, Pose, SyntheticFace, landmark_frames
from biometrics import BiometricsSettings, FixedLivenessEngine, LivenessService
from biometrics.errors import ConfigurationError, ProductionRefusedError
from biometrics.liveness import Action, Challenge, InMemoryChallengeStore, InMemoryFingerprintStore, new_challenge
from biometrics.liveness.action_geometry import check_action_geometry
from biometrics.liveness.state_machine import verify_actions
from biometrics.liveness.texture import moire_score

pytestmark = pytest.mark.slow  # a second or two per verdict


@pytest.fixture(scope="module")
def client(settings):
    return Challenge(id="c", nonce="n", actions=(Action.BLINK,), issued_at=0.0, expires_at=1.0,
                     action_window_s=6.0).to_client(settings)


def _verdict(settings, engine, sample):
    service = LivenessService(settings, engine=engine, challenge_store=InMemoryChallengeStore(),
                              fingerprint_store=InMemoryFingerprintStore())
    challenge = new_challenge(settings, now=service._clock())
    challenge = Challenge(id=challenge.id, nonce="n", actions=tuple(Action(a) for a in sample.actions),
                          issued_at=challenge.issued_at, expires_at=challenge.expires_at,
                          action_window_s=challenge.action_window_s)
    service.challenges.put(challenge)
    return service.verify_liveness(challenge.id, sample.frames, nonce="n", reference_portrait=sample.reference)


# --- the known bypass --------------------------------------------------------------------


def _tilted_print_landmarks(points: np.ndarray, pitch: float) -> np.ndarray:
    """Landmarks of a flat photo tilted back by `pitch` degrees, seen from close."""
    import cv2

    w, h = 640, 480
    a = np.radians(pitch)
    centre = points.mean(axis=0)
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    f = 0.75 * w
    seen = []
    for x, y in corners - centre:
        z = f - y * np.sin(a)  # the top goes away from the camera, the bottom comes closer
        seen.append([centre[0] + x * f / z, centre[1] + y * np.cos(a) * f / z])
    matrix = cv2.getPerspectiveTransform(corners, np.float32(seen))
    return cv2.perspectiveTransform(points.reshape(-1, 1, 2).astype(np.float64), matrix).reshape(-1, 2)


def test_a_print_tilted_back_55_degrees_fakes_blink_and_smile_and_is_refused(settings, hopper_frame):
    """The reported bypass: tilting a print back squashes it vertically (the
    eye aspect ratio falls as in a blink) and, seen from close, widens the
    lower face (the mouth ratio grows as in a smile)."""
    points = SyntheticFace(hopper_frame[1]).landmarks()
    tilted = _tilted_print_landmarks(points, 55.0)
    sequence = [points] * 6 + [tilted] * 3 + [points] * 4 + [tilted] * 4 + [points] * 4
    from biometrics.geometry import measure
    from biometrics.liveness.analysis import FrameAnalysis

    frames = [FrameAnalysis(index=i, timestamp_s=i / 12.0, face_count=1, geometry=measure(p, (480, 640)),
                            landmarks=p) for i, p in enumerate(sequence)]
    actions = verify_actions(frames, expected_actions=[Action.BLINK, Action.SMILE], action_window_s=6.0,
                             settings=settings)
    assert actions.passed  # what the state machine alone sees: both actions
    check = check_action_geometry(frames, actions.events, actions.baseline, settings)
    assert not check.passed and check.reason == "planar_action"
    assert check.details["tilted"] == ["blink", "smile"]


def test_a_real_blink_and_smile_keep_the_face_shape(settings, synthetic_face):
    poses = [NEUTRAL] * 6 + [Pose(eyes_closed=1.0)] * 2 + [NEUTRAL] * 4 + [Pose(smile=1.0)] * 3 + [NEUTRAL] * 3
    frames = landmark_frames(synthetic_face, poses, fps=12.0)
    actions = verify_actions(frames, expected_actions=[Action.BLINK, Action.SMILE], action_window_s=6.0,
                             settings=settings)
    assert actions.passed, actions
    check = check_action_geometry(frames, actions.events, actions.baseline, settings)
    assert check.passed and check.score < settings.action_shape_change / 2


def test_the_tilted_print_on_camera_is_refused_as_a_presentation_attack(settings, engine, client):
    sample = sets.attack_sample(engine.faces.detector, client, "print_tilted_horizontal", ("blink", "smile"),
                                seed=3, angle=42.0)
    result = _verdict(settings, engine, sample)
    assert not result.liveness_passed
    assert "planar_action" in result.reasons
    assert next(h for h in result.hints if h["reason"] == "planar_action")["hint_key"] == "no_photo_or_screen"


# --- challenges and configuration ----------------------------------------------------------


def test_every_challenge_includes_a_head_turn(settings):
    rng = random.Random(4)
    for _ in range(500):
        actions = new_challenge(settings, now=0.0, rng=rng).actions
        assert {Action.TURN_LEFT, Action.TURN_RIGHT} & set(actions)
    pool = BiometricsSettings(actions=("blink", "smile", "turn_left"), min_actions=2, max_actions=2)
    assert all(Action.TURN_LEFT in new_challenge(pool, now=0.0).actions for _ in range(100))


def test_an_action_pool_without_a_turn_is_refused():
    with pytest.raises(ConfigurationError):
        BiometricsSettings(actions=("blink", "smile"))
    with pytest.raises(ConfigurationError):
        BiometricsSettings(actions=("blink",), min_actions=1, max_actions=1)


@pytest.mark.parametrize("weak", [
    {"min_actions": 1},
    {"actions": ("turn_left", "turn_right"), "max_actions": 2},
    {"blink_frame_rate": 6.0},
    {"action_shape_change": 0.5},
    {"planar_correlation": 0.995},
    {"consistency_threshold": 0.7},
    {"consistency_per_degree": 0.02},
])
def test_production_refuses_settings_below_the_documented_minimum(weak):
    settings = BiometricsSettings(**weak)
    engine = FixedLivenessEngine("fail", environment="test")
    stores = dict(challenge_store=InMemoryChallengeStore(), fingerprint_store=InMemoryFingerprintStore())
    with pytest.raises(ProductionRefusedError):
        LivenessService(settings, engine=engine, environment="production", **stores)
    LivenessService(settings, engine=engine, environment="test", **stores)  # fine for tests and the demo


def test_the_default_settings_meet_the_minimum():
    from biometrics.liveness.minimum import shortfalls

    assert shortfalls(BiometricsSettings()) == []


def test_the_page_sends_at_least_ten_frames_a_second_while_a_blink_is_asked(settings, client):
    assert client["blink_frame_rate"] >= 10 and client["frame_rate"] >= settings.min_frame_rate
    for actions in (("blink", "turn_left", "smile"), ("turn_right", "blink"), ("smile", "turn_left", "blink")):
        times = sets.page_times(actions, client, camera_fps=30.0)
        assert settings.min_frames <= len(times) <= settings.max_frames
        slot = actions.index("blink")
        start = sets.BASELINE_S + slot * sets.PER_ACTION_S
        in_blink = [t for t in times if start <= t < start + sets.PER_ACTION_S]
        assert len(in_blink) / sets.PER_ACTION_S >= 10


# --- passive cue ---------------------------------------------------------------------------


def test_a_screens_moire_scores_far_above_a_camera_frame(hopper_frame, settings):
    frame = hopper_frame[0]
    camera = images.decode(images.encode(images.sensor_noise(frame, np.random.default_rng(1)), quality=85))
    screen = images.decode(images.encode(sets.on_screen(frame, 0, 5), quality=85))
    gray = lambda rgb: np.ascontiguousarray(rgb[150:260, 270:370].mean(axis=2))  # noqa: E731
    assert moire_score(gray(camera)) < settings.screen_moire_score / 2
    assert moire_score(gray(screen)) > settings.screen_moire_score


def test_a_screens_rolling_bands_score_far_above_a_moving_head(hopper_frame, settings):
    from biometrics.liveness.texture import banding_score

    frame = hopper_frame[0]
    rows = lambda rgb: np.log(rgb.mean(axis=(1, 2)) + 8.0)  # noqa: E731
    shown = [images.decode(images.encode(sets.on_screen(frame, n, 5), quality=85)) for n in range(2)]
    camera = [images.decode(images.encode(images.sensor_noise(np.roll(frame, 3 * n, axis=1),
                                                              np.random.default_rng(n)), quality=85))
              for n in range(2)]
    brighter = images.decode(images.encode(images.lighting(frame, 1.2, 6.0), quality=85))
    assert banding_score(rows(shown[0]), rows(shown[1])) > settings.screen_banding_score
    assert banding_score(rows(camera[0]), rows(camera[1])) < settings.screen_banding_score / 4
    assert banding_score(rows(camera[0]), rows(brighter)) < settings.screen_banding_score / 2  # exposure stepped


# --- each attack type on camera frames -------------------------------------------------------

ATTACKS = [
    ("print_tilted_horizontal", ("turn_left", "blink"), {"planar_motion", "planar_action", "turn_left_not_detected",
                                                          "face_missing_in_frames"}),
    ("print_tilted_vertical", ("blink", "turn_right"), {"planar_motion", "planar_action", "turn_right_not_detected",
                                                        "face_missing_in_frames", "blink_not_detected"}),
    ("print_moved", ("smile", "turn_left"), {"smile_not_detected", "turn_left_not_detected"}),
    ("print_rotated", ("turn_right", "smile"), {"turn_right_not_detected", "smile_not_detected"}),
    ("print_curved", ("blink", "turn_left"), {"planar_motion", "planar_action", "turn_left_not_detected",
                                              "face_missing_in_frames", "blink_not_detected"}),
    ("print_glare", ("turn_left", "smile"), {"planar_motion", "planar_action", "turn_left_not_detected",
                                             "face_missing_in_frames", "smile_not_detected"}),
    ("mask_cutout_eyes", ("blink", "turn_right"), {"planar_motion", "turn_right_not_detected", "blink_not_detected"}),
    ("screen_replay", ("turn_left", "blink", "smile"), {"screen_moire", "screen_banding"}),
    ("face_swap", ("smile", "turn_right"), {"identity_inconsistent", "face_mismatch"}),
]


@pytest.mark.parametrize("kind, actions, expected", ATTACKS, ids=[a[0] for a in ATTACKS])
def test_each_generated_attack_type_is_refused(settings, engine, client, kind, actions, expected):
    sample = sets.attack_sample(engine.faces.detector, client, kind, actions, seed=17)
    result = _verdict(settings, engine, sample)
    assert not result.liveness_passed or kind == "face_swap"
    assert set(result.reasons) & expected, result.reasons
    if kind == "face_swap":
        assert result.outcome == "fail"


# --- genuine-like captures ---------------------------------------------------------------------


@pytest.mark.parametrize("actions, how, fps", [
    (("blink", "turn_left"), sets.Performance(blink_ms=110.0, turn_deg=30.0), 30.0),
    (("turn_right", "smile"), sets.Performance(turn_deg=38.0, smile=1.5), 15.0),
], ids=["quick_blink", "wide_turn"])
def test_genuine_like_captures_pass(settings, engine, client, actions, how, fps):
    person = sets.people(engine.faces.detector)["collins"]
    times = sets.page_times(actions, client, fps)
    pictures = [person.posed(**sets.genuine_pose(t, actions, how)) for t in times]
    sample = sets.Sample("genuine", "", actions, sets.encode_frames(pictures, times, seed=3), person.chip(), True)
    result = _verdict(settings, engine, sample)
    assert result.liveness_passed, result.to_dict()
    assert result.check("identity_consistency").details["max_excess"] <= 0.0
