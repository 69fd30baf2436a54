"""The whole service on a capture of real pixels in which dlib itself sees
a head turn and a smile (Grace Hopper's photo re-rendered in those poses),
matched against a chip-like portrait."""

from __future__ import annotations

import pytest

import bio_images as images
from bio_images import Clock
from biometrics import LivenessService
from biometrics.liveness import Action, Challenge, InMemoryChallengeStore, InMemoryFingerprintStore

pytestmark = pytest.mark.slow  # about a second per verdict


@pytest.fixture(scope="module")
def service(settings, engine):
    return LivenessService(settings, engine=engine, challenge_store=InMemoryChallengeStore(),
                           fingerprint_store=InMemoryFingerprintStore(), clock=Clock())


def _verify(service, frames, actions, reference):
    clock = service._clock
    clock.now += 1.0
    challenge = Challenge(id=f"e2e-{clock.now}", nonce="nonce", actions=tuple(Action(a) for a in actions),
                          issued_at=clock.now, expires_at=clock.now + 120.0, action_window_s=6.0)
    service.challenges.put(challenge)
    return service.verify_liveness(challenge.id, frames, nonce="nonce", reference_portrait=reference)


def test_live_capture_passes_end_to_end(service, live_pixels, hopper_chip):
    result = _verify(service, images.captured(live_pixels, fps=8.0, seed=21), ["turn_left", "smile"], hopper_chip)
    assert result.outcome == "pass", result.to_dict()
    assert result.passed and result.reasons == ()
    assert [c.name for c in result.checks] == ["challenge", "frame_timing", "replay", "one_face", "actions",
                                               "planarity", "action_geometry", "screen_texture", "screen_banding",
                                               "frame_quality", "identity_consistency", "face_match"]
    assert result.check("planarity").details["applicable"] is True
    assert result.match.decision == "match" and result.match.distance < 0.4
    assert result.frame_count == 20


def test_the_same_person_for_a_different_challenge_fails(service, live_pixels, hopper_chip):
    result = _verify(service, images.captured(live_pixels, fps=8.0, seed=22), ["blink", "turn_right"], hopper_chip)
    assert result.outcome == "fail"
    assert result.reasons[0] == "blink_not_detected"


def test_the_live_capture_of_someone_else_does_not_pass(service, live_pixels, collins_reference):
    result = _verify(service, images.captured(live_pixels, fps=8.0, seed=23), ["turn_left", "smile"],
                     collins_reference)
    assert result.outcome == "fail"
    assert result.reasons == ("face_mismatch",)
    assert result.hints[0]["hint_key"] == "uncover_face"


def test_replaying_an_accepted_capture_is_refused(service, live_pixels, hopper_chip):
    frames = images.captured(live_pixels, fps=8.0, seed=24)
    assert _verify(service, frames, ["turn_left", "smile"], hopper_chip).passed
    replay = _verify(service, frames, ["turn_left", "smile"], hopper_chip)
    assert replay.outcome == "fail"
    assert replay.reasons == ("replayed_frames",)
