"""Frame-level checks that need no model beyond detection and landmarks."""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from ..config import BiometricsSettings
from .analysis import FrameAnalysis
from .results import CheckResult
from .state_machine import Baseline

__all__ = ["check_frame_quality", "check_one_face"]


def check_one_face(frames: Sequence[FrameAnalysis], settings: BiometricsSettings) -> CheckResult:
    """Exactly one face in every frame.

    A second face of similar size in any frame refuses the capture (someone
    else in front of the camera, or a photo held next to the face). A few
    frames without a face are tolerated (motion blur in a fast turn) up to
    `max_faceless_fraction`; those frames are then ignored.
    """
    total = len(frames)
    multiple = sum(1 for f in frames if f.face_count > 1)
    missing = sum(1 for f in frames if f.face_count == 0)
    details = {"frames": total, "frames_without_face": missing, "frames_with_several_faces": multiple}
    if multiple:
        return CheckResult("one_face", False, "multiple_faces", None, details)
    if missing > settings.max_faceless_fraction * total or total - missing < 4:
        return CheckResult("one_face", False, "face_missing_in_frames", 1.0 - missing / total, details)
    return CheckResult("one_face", True, None, 1.0 - missing / total, details)


def check_frame_quality(frames: Sequence[FrameAnalysis], base: Baseline, settings: BiometricsSettings) -> CheckResult:
    """At least two frontal frames good enough to compare with the portrait.

    Frames taken mid-turn or mid-blink are not judged; when the check fails,
    the most frequent problem among the frontal frames is the reason, so the
    person hears "find more light" rather than a generic refusal.
    """
    frontal = [f for f in frames if abs(f.geometry.yaw - base.yaw) < settings.parallax_min_yaw_deg] or list(frames)
    good = [f for f in frontal if f.quality.passed]
    needed = min(2, len(frontal))
    details = {"frontal_frames": len(frontal), "good_frames": len(good)}
    score = len(good) / len(frontal)
    if len(good) >= needed:
        return CheckResult("frame_quality", True, None, score, details)
    problems = Counter(f.quality.reason for f in frontal if f.quality.reason)
    reason = problems.most_common(1)[0][0] if problems else "face_blurred"
    return CheckResult("frame_quality", False, reason, score, details)
