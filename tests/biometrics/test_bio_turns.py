"""Head turns: two yaw readings that must agree, and a face followed through
the frames where a turned head drops out of the frontal detector."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import bio_images as images
from bio_pad_sets import Person, encode_frames
from bio_synthetic import NEUTRAL, Pose, landmark_frames
from biometrics.geometry import contour_yaw, head_pose
from biometrics.liveness.actions import Action
from biometrics.liveness.analysis import FrameAnalyzer
from biometrics.liveness.frames import decode_frames
from biometrics.liveness.state_machine import baseline_of, turned_by, verify_actions


@pytest.mark.parametrize("yaw", [-30.0, -15.0, 15.0, 30.0])
def test_the_outline_yaw_follows_a_turned_3d_face(synthetic_face, yaw):
    # Decisions use the change from the person's neutral pose (this face,
    # measured on a photo, is not quite frontal).
    points = synthetic_face.landmarks(Pose(yaw=yaw))
    outline = contour_yaw(points) - contour_yaw(synthetic_face.landmarks(NEUTRAL))
    assert np.sign(outline) == np.sign(yaw)
    assert abs(outline - yaw) <= 0.35 * abs(yaw)
    assert np.sign(head_pose(points, (480, 640))[0]) == np.sign(yaw)  # both readings agree on the side


def _turn_frames(synthetic_face, *, pnp: float, outline: float):
    """A neutral start, then frames whose two yaw readings are set apart."""
    frames = landmark_frames(synthetic_face, [NEUTRAL] * 6 + [Pose(yaw=20.0)] * 4 + [NEUTRAL] * 4, fps=10.0)
    out = []
    for f in frames:
        if f.geometry.yaw > 5:
            f = dataclasses.replace(f, geometry=dataclasses.replace(f.geometry, yaw=pnp, contour_yaw=outline))
        out.append(f)
    return out


def test_a_turn_the_pnp_yaw_underreads_counts_when_the_outline_sees_it(synthetic_face, settings):
    # The landmark model holds the inner points near a frontal layout: a real
    # turn can read 10 degrees by PnP and 20 by the outline.
    frames = _turn_frames(synthetic_face, pnp=10.0, outline=20.0)
    outcome = verify_actions(frames, expected_actions=[Action.TURN_LEFT], action_window_s=6.0, settings=settings)
    assert outcome.passed, outcome.reason


@pytest.mark.parametrize("pnp, outline", [(0.0, 25.0), (25.0, 0.0), (6.0, 30.0), (-10.0, 25.0)])
def test_one_reading_alone_does_not_make_a_turn(synthetic_face, settings, pnp, outline):
    frames = _turn_frames(synthetic_face, pnp=pnp, outline=outline)
    outcome = verify_actions(frames, expected_actions=[Action.TURN_LEFT], action_window_s=6.0, settings=settings)
    assert not outcome.passed
    assert outcome.reason == "turn_left_not_detected"


def test_turned_by_takes_the_stronger_reading_up_to_twice_the_weaker(synthetic_face):
    frames = landmark_frames(synthetic_face, [NEUTRAL] * 6, fps=10.0)
    base = baseline_of(frames)
    geometry = frames[0].geometry
    moved = dataclasses.replace(geometry, yaw=base.yaw + 9.0, contour_yaw=base.contour_yaw + 22.0)
    assert turned_by(moved, base, +1) == pytest.approx(18.0)
    assert turned_by(moved, base, -1) < 0


@pytest.fixture(scope="module")
def hopper_person(analyzer):
    return Person("hopper", images.grace_hopper(), analyzer.detector)


def _decoded(settings, pictures, fps=10.0):
    times = [i / fps for i in range(len(pictures))]
    return decode_frames(encode_frames(pictures, times, seed=3), settings)


def test_a_face_lost_in_a_turn_is_followed_from_the_frame_before(analyzer, settings, hopper_person):
    turned = hopper_person.posed(yaw=36.0)
    assert analyzer.detector.detect(turned) == []  # the frontal detector alone loses it
    frames = FrameAnalyzer(analyzer).analyze(_decoded(settings, [hopper_person.frame] * 3 + [turned] * 2))
    assert [f.has_face for f in frames] == [True] * 5
    assert [f.tracked for f in frames] == [False] * 3 + [True] * 2
    assert frames[4].geometry.contour_yaw > 15.0


def test_a_lost_face_is_not_followed_without_a_recent_confident_one(analyzer, settings, hopper_person):
    turned = hopper_person.posed(yaw=36.0)
    blank = np.full_like(turned, 127)
    alone = FrameAnalyzer(analyzer).analyze(_decoded(settings, [turned] * 2))
    assert [f.has_face for f in alone] == [False, False]
    # Longer than track_max_gap_s after the last detection: not followed.
    late = FrameAnalyzer(analyzer).analyze(_decoded(settings, [hopper_person.frame] + [blank] * 9 + [turned],
                                                    fps=10.0))
    assert not late[-1].has_face
    # Nothing is invented where there is no face at all.
    empty = FrameAnalyzer(analyzer).analyze(_decoded(settings, [hopper_person.frame, blank]))
    assert [f.has_face for f in empty] == [True, False]
