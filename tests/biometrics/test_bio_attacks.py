"""Presentation attacks through the whole service, on real pixels: a still
photo moved, zoomed or tilted in front of the camera, two faces, and faces
swapped between frames. Each must be refused."""

from __future__ import annotations

import numpy as np
import pytest

import bio_images as images
from bio_images import Clock
from biometrics import LivenessService
from biometrics.liveness import Action, Challenge, InMemoryChallengeStore

pytestmark = pytest.mark.slow  # about a second per capture


@pytest.fixture
def service(settings, engine):
    return LivenessService(settings, engine=engine, challenge_store=InMemoryChallengeStore(), clock=Clock())


def _attempt(service, frames, actions, reference):
    clock = service._clock
    challenge = Challenge(id=f"attack-{len(service.challenges)}-{clock.now}", nonce="n",
                          actions=tuple(Action(a) for a in actions), issued_at=clock.now,
                          expires_at=clock.now + 120.0, action_window_s=6.0)
    service.challenges.put(challenge)
    result = service.verify_liveness(challenge.id, frames, nonce="n", reference_portrait=reference)
    clock.now += 1.0
    return result


def test_still_photo_moved_across_the_camera_is_refused(service, hopper, hopper_chip):
    frames = images.captured([images.on_canvas(hopper, shift=(-40 + 4 * i, 3 * (i % 5))) for i in range(20)])
    result = _attempt(service, frames, ["blink", "turn_left"], hopper_chip)
    assert result.outcome == "fail"
    assert "blink_not_detected" in result.reasons
    # The face itself matches: only liveness stops this attack.
    assert result.match is not None and result.match.matched


def test_still_photo_zoomed_in_and_out_is_refused(service, hopper, hopper_chip):
    zooms = [0.8 + 0.03 * i for i in range(10)] + [1.1 - 0.03 * i for i in range(10)]
    frames = images.captured([images.on_canvas(hopper, zoom=z) for z in zooms], seed=1)
    result = _attempt(service, frames, ["smile", "turn_right"], hopper_chip)
    assert result.outcome == "fail"
    assert result.reasons[0] in ("smile_not_detected", "turn_right_not_detected")


@pytest.mark.parametrize("axis", ["vertical", "horizontal"])
def test_still_photo_tilted_to_fake_head_turns_is_refused(service, hopper, hopper_chip, axis):
    angles = [0, 0, 0, 0, 0] + [-12 * k for k in range(1, 6)] + [-60 + 12 * k for k in range(1, 11)]
    frames = images.captured([images.on_canvas(images.tilt(hopper, a, axis=axis)) for a in angles], seed=2)
    result = _attempt(service, frames, ["turn_left", "turn_right"], hopper_chip)
    assert result.outcome == "fail"
    planarity = result.check("planarity")
    if planarity is not None and planarity.details.get("applicable"):
        # Where the tilt looked like a turn, the pixels gave the plane away.
        assert planarity.details["flat_pixels"] is True
        assert "planar_motion" in result.reasons


def test_photo_tilted_far_enough_to_look_like_a_turn_is_caught_as_a_plane(service, hopper, hopper_chip):
    angles = [0] * 5 + [-15, -30, -45, -55, -60, -60, -55, -45, -30, -15] + [0] * 5
    frames = images.captured([images.on_canvas(images.tilt(hopper, a)) for a in angles], seed=3)
    result = _attempt(service, frames, ["turn_right", "blink"], hopper_chip)
    assert result.outcome == "fail"
    planarity = result.check("planarity")
    assert planarity.details["applicable"] is True
    assert planarity.reason == "planar_motion"
    assert planarity.details["plane_fit"] >= 0.97


def test_two_faces_in_the_frames_are_refused(service, hopper, collins, hopper_chip):
    # Someone else's face next to the person's own, e.g. a photo held up
    # beside the face that performs the actions.
    pair = np.hstack([images.on_canvas(hopper, size=(320, 480)),
                      images.on_canvas(collins[40:300, 100:360], size=(320, 480))])
    frames = images.captured([pair] * 14, seed=4)
    result = _attempt(service, frames, ["blink", "smile"], hopper_chip)
    assert result.outcome == "fail"
    assert result.reasons == ("multiple_faces",)
    assert result.hints[0]["hint_key"] == "only_you_in_frame"


def test_faces_swapped_between_frames_are_refused(service, hopper, collins, hopper_chip):
    collins_frame = images.on_canvas(collins[20:330, 80:360])
    hopper_frame = images.on_canvas(hopper)
    sequence = [hopper_frame] * 6 + [collins_frame] * 3 + [hopper_frame] * 6 + [collins_frame] * 3
    result = _attempt(service, images.captured(sequence, seed=5), ["blink", "turn_left"], hopper_chip)
    assert result.outcome == "fail"
    assert "identity_inconsistent" in result.reasons


def test_the_impostors_own_live_face_does_not_match_the_chip(service, collins, hopper_chip):
    frames = images.captured([images.on_canvas(collins[20:330, 80:360], shift=(i, 0)) for i in range(12)], seed=6)
    result = _attempt(service, frames, ["blink", "smile"], hopper_chip)
    assert result.match is not None and result.match.decision == "no_match"
    assert "face_mismatch" in result.reasons
