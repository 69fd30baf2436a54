"""The action state machine on generated landmark sequences."""

from __future__ import annotations

import pytest

from bio_synthetic import LEFT, NEUTRAL, Pose, landmark_frames, performing
from biometrics.liveness.actions import Action
from biometrics.liveness.state_machine import verify_actions

ALL_ACTIONS = ["blink", "turn_left", "turn_right", "smile", "open_mouth"]


def _verify(face, settings, poses, asked, *, fps=10.0, window=6.0):
    frames = landmark_frames(face, poses, fps=fps)
    return verify_actions(frames, expected_actions=[Action(a) for a in asked],
                          action_window_s=window, settings=settings)


@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_each_action_is_detected(synthetic_face, settings, action):
    outcome = _verify(synthetic_face, settings, performing(action), [action])
    assert outcome.passed, outcome.reason
    assert [e.action.value for e in outcome.events] == [action]
    assert outcome.score >= 1.0


@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_each_action_is_missed_when_not_performed(synthetic_face, settings, action):
    outcome = _verify(synthetic_face, settings, [NEUTRAL] * 15, [action])
    assert not outcome.passed
    assert outcome.reason == f"{action}_not_detected"


def test_three_actions_in_the_asked_order_pass(synthetic_face, settings):
    asked = ["turn_right", "blink", "smile"]
    outcome = _verify(synthetic_face, settings, performing(*asked), asked)
    assert outcome.passed
    assert [e.action.value for e in outcome.events] == asked
    ends = [e.end_time_s for e in outcome.events]
    assert ends == sorted(ends)


def test_wrong_order_is_refused(synthetic_face, settings):
    outcome = _verify(synthetic_face, settings, performing("smile", "blink"), ["blink", "smile"])
    assert not outcome.passed
    assert outcome.reason == "actions_out_of_order"


def test_turns_in_the_wrong_order_are_refused(synthetic_face, settings):
    outcome = _verify(synthetic_face, settings, performing("turn_right", "turn_left"), ["turn_left", "turn_right"])
    assert outcome.reason == "actions_out_of_order"


def test_action_after_its_window_is_refused(synthetic_face, settings):
    # Blink, then wait 8 s (at 5 frames/s) before turning: the window is 6 s.
    poses = performing("blink") + [NEUTRAL] * 40 + performing("turn_left", lead=0)
    outcome = _verify(synthetic_face, settings, poses, ["blink", "turn_left"], fps=5.0, window=6.0)
    assert not outcome.passed
    assert outcome.reason == "action_too_late"
    assert outcome.details["failed_action"] == "turn_left"
    # With a longer window the same capture passes.
    assert _verify(synthetic_face, settings, poses, ["blink", "turn_left"], fps=5.0, window=12.0).passed


def test_first_action_must_come_within_its_window_of_the_start(synthetic_face, settings):
    poses = [NEUTRAL] * 40 + performing("smile", lead=0)
    assert _verify(synthetic_face, settings, poses, ["smile"], fps=5.0).reason == "action_too_late"


def test_turn_that_was_not_asked_for_is_refused(synthetic_face, settings):
    # A recording that performs every action must not pass any challenge.
    everything = performing("blink", "turn_left", "turn_right", "smile")
    outcome = _verify(synthetic_face, settings, everything, ["blink", "turn_left"])
    assert not outcome.passed
    assert outcome.reason == "unexpected_action"
    assert outcome.details["unexpected"] == "turn_right"


def test_blink_needs_the_eyes_to_open_again(synthetic_face, settings):
    poses = [NEUTRAL] * 5 + [Pose(eyes_closed=1.0)] * 8
    assert _verify(synthetic_face, settings, poses, ["blink"]).reason == "blink_not_detected"


def test_a_slight_turn_is_not_a_turn(synthetic_face, settings):
    poses = [NEUTRAL] * 4 + [Pose(yaw=8.0)] * 4 + [NEUTRAL] * 4
    assert _verify(synthetic_face, settings, poses, ["turn_left"]).reason == "turn_left_not_detected"


def test_open_mouth_is_not_a_smile_and_a_smile_is_not_an_open_mouth(synthetic_face, settings):
    assert _verify(synthetic_face, settings, performing("open_mouth"), ["smile"]).reason == "smile_not_detected"
    assert _verify(synthetic_face, settings, performing("smile"), ["open_mouth"]).reason == "open_mouth_not_detected"


def test_turns_are_measured_from_the_persons_own_neutral_pose(synthetic_face, settings):
    # Someone whose phone sits to one side looks at it with their head 12
    # degrees to the left; a left turn starts from there.
    rest = Pose(yaw=12.0)
    poses = performing("turn_left", "turn_right", neutral=rest)
    assert _verify(synthetic_face, settings, poses, ["turn_left", "turn_right"]).passed
    # Holding that pose throughout is not a turn.
    assert not _verify(synthetic_face, settings, [rest] * 12, ["turn_left"]).passed


def test_left_means_the_persons_own_left(synthetic_face, settings):
    # Turning to one's own left moves the nose to the right of an unmirrored image.
    frames = landmark_frames(synthetic_face, [NEUTRAL, LEFT])
    assert frames[1].landmarks[30][0] > frames[0].landmarks[30][0]
    assert frames[1].geometry.yaw - frames[0].geometry.yaw > settings.turn_yaw_deg


def test_slow_frame_rate_still_catches_a_single_closed_eye_frame(synthetic_face, settings):
    poses = [NEUTRAL] * 3 + [Pose(eyes_closed=0.8)] + [NEUTRAL] * 3
    assert _verify(synthetic_face, settings, poses, ["blink"], fps=3.0).passed


def test_a_smile_counts_only_facing_the_camera(synthetic_face, settings):
    # Mouth width is measured over the eye distance, which shrinks as the
    # head turns: a wide mouth seen only on turned frames is not the smile.
    turned_smile = Pose(yaw=25.0, smile=1.0)
    poses = [NEUTRAL] * 5 + [Pose(yaw=12.0), turned_smile, turned_smile, Pose(yaw=12.0)] + [NEUTRAL] * 6
    outcome = _verify(synthetic_face, settings, poses, ["turn_left", "smile"])
    assert not outcome.passed and outcome.reason == "smile_not_detected"
    facing = poses[:9] + [Pose(smile=1.0)] * 2 + [NEUTRAL] * 4
    assert _verify(synthetic_face, settings, facing, ["turn_left", "smile"]).passed
