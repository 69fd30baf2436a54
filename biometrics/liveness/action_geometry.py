"""Was a blink, smile or open mouth done by a face, or by tilting a picture?

A printed photo tilted back about the horizontal axis is squashed
vertically: the eye aspect ratio falls as in a blink, and seen from close
the lower half of the face grows, which widens the mouth as in a smile.
A real face that blinks or smiles keeps the rest of its shape: brows, nose
and eye corners stay where they were relative to each other.

For each blink, smile or open mouth found by the state machine, the frame
where the action is strongest is compared with the neutral baseline frame
on the rigid landmarks only (brows, nose, eye corners; not eyelids, lips or
jaw):

* shape change: the larger of the anisotropy of the best affine map between
  the two (1 - smaller/larger singular value; 0 for a face that only moved,
  turned in the image or came closer) and the relative change of the nose
  length over the eye distance;
* rectified action: the homography of the rigid landmarks is undone on the
  action frame, and the action measured again. A tilting picture's "blink"
  or "smile" disappears once its plane is undone; a real one stays.

An action whose frame changed shape by more than `action_shape_change` and
that disappears once rectified is a picture being tilted: the check fails
with `planar_action`. The head pose (pitch) of both frames is reported.
"""

from __future__ import annotations

from typing import Sequence

import cv2
import numpy as np

from ..config import BiometricsSettings
from ..geometry import LEFT_EYE, RIGHT_EYE, eye_aspect_ratio, eye_centres, mouth_aspect_ratio
from .actions import Action
from .analysis import FrameAnalysis
from .results import CheckResult
from .state_machine import ActionEvent, Baseline

__all__ = ["check_action_geometry", "rectified_measure", "shape_change"]

RIGID = list(range(17, 36)) + [36, 39, 42, 45]
_CHECKED = (Action.BLINK, Action.SMILE, Action.OPEN_MOUTH)


def _nose_ratio(points: np.ndarray) -> float:
    right, left = eye_centres(points)
    eyes = float(np.linalg.norm(left - right))
    return float(np.linalg.norm(points[33] - points[27])) / eyes if eyes > 0 else 0.0


def shape_change(before: np.ndarray, after: np.ndarray) -> float:
    """How far the rigid landmarks changed shape (0 = a similarity moves one onto the other)."""
    src = np.column_stack([before[RIGID], np.ones(len(RIGID))])
    affine, *_ = np.linalg.lstsq(src, after[RIGID], rcond=None)
    singular = np.linalg.svd(affine[:2, :].T, compute_uv=False)
    anisotropy = 1.0 - float(singular[1] / singular[0]) if singular[0] > 0 else 1.0
    base = _nose_ratio(before)
    nose = abs(_nose_ratio(after) / base - 1.0) if base > 0 else 1.0
    return max(anisotropy, nose)


def rectified_measure(action: Action, before: np.ndarray, after: np.ndarray) -> float | None:
    """The action's measure on `after` once the plane of the rigid landmarks
    is mapped back onto `before`: eye aspect ratio, mouth width over eye
    distance, or mouth aspect ratio. None when no homography fits."""
    homography, _ = cv2.findHomography(np.ascontiguousarray(after[RIGID], dtype=np.float64),
                                       np.ascontiguousarray(before[RIGID], dtype=np.float64), 0)
    if homography is None:
        return None
    points = cv2.perspectiveTransform(np.ascontiguousarray(after, dtype=np.float64).reshape(-1, 1, 2),
                                      homography).reshape(-1, 2)
    if action is Action.BLINK:
        return (eye_aspect_ratio(points[RIGHT_EYE]) + eye_aspect_ratio(points[LEFT_EYE])) / 2.0
    if action is Action.SMILE:
        right, left = eye_centres(points)
        eyes = float(np.linalg.norm(left - right))
        return float(np.linalg.norm(points[54] - points[48])) / eyes if eyes > 0 else 0.0
    return mouth_aspect_ratio(points)


def _peak(event: ActionEvent, frames: Sequence[FrameAnalysis]) -> FrameAnalysis:
    if event.action is Action.BLINK:
        span = frames[event.start:max(event.end, event.start + 1)]
        return min(span, key=lambda f: f.geometry.ear)
    return frames[event.start]


def _still_there(action: Action, value: float, base: Baseline, s: BiometricsSettings) -> bool:
    if action is Action.BLINK:
        return value <= base.ear * s.blink_closed_ratio
    if action is Action.SMILE:
        return value >= base.mouth_width * s.smile_width_ratio
    return value >= max(s.open_mouth_mar, base.mar + 0.15)


def check_action_geometry(frames: Sequence[FrameAnalysis], events: Sequence[ActionEvent], base: Baseline,
                          settings: BiometricsSettings) -> CheckResult:
    reference = min((frames[i] for i in base.frames), key=lambda f: abs(f.geometry.yaw - base.yaw))
    measured = []
    refused: list[str] = []
    for event in events:
        if event.action not in _CHECKED:
            continue
        peak = _peak(event, frames)
        change = shape_change(reference.landmarks, peak.landmarks)
        value = rectified_measure(event.action, reference.landmarks, peak.landmarks)
        explained = value is not None and _still_there(event.action, value, base, settings)
        flat = change > settings.action_shape_change and not explained
        if flat:
            refused.append(event.action.value)
        measured.append({"action": event.action.value, "shape_change": round(change, 4),
                         "rectified": None if value is None else round(value, 4),
                         "pitch_change": round(peak.geometry.pitch - reference.geometry.pitch, 1)})
    if not measured:
        return CheckResult("action_geometry", True, None, None, {"applicable": False})
    worst = max(m["shape_change"] for m in measured)
    passed = not refused
    return CheckResult("action_geometry", passed, None if passed else "planar_action", round(worst, 4),
                       {"applicable": True, "actions": measured, "tilted": refused})
