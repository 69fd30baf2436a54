"""Face quality checks, each with a reason a person can act on.

Checks run in a fixed order; the first failing one is the reason reported,
because fixing it (more light, move closer) often fixes the later ones too:
face cut off, too small, too dark, too bright, blurred, turned away, eyes
closed.

Sharpness is the variance of the Laplacian of the face region after it is
resized to a fixed size and normalised for contrast, so that the same blur
scores the same on a dark or a bright face, on a large or a small one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

import cv2
import numpy as np

from .config import BiometricsSettings
from .detection import FaceBox
from .errors import error_for_reason
from .geometry import FaceGeometry

__all__ = ["QualityReport", "assess_quality", "brightness_and_sharpness"]

_CROP = 64
_ORDER = ("face_cut_off", "face_too_small", "face_too_dark", "face_too_bright",
          "face_blurred", "face_turned_away", "eyes_closed")


@dataclass(frozen=True)
class QualityReport:
    """Quality measurements and the failed checks (reason codes, in order)."""

    failures: tuple[str, ...]
    scores: Mapping[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def reason(self) -> str | None:
        return self.failures[0] if self.failures else None

    def raise_for_failure(self) -> None:
        if self.failures:
            raise error_for_reason(self.failures[0], f"quality: {', '.join(self.failures)}")

    def to_dict(self) -> dict:
        return {"passed": self.passed, "failures": list(self.failures),
                "scores": {k: round(v, 3) for k, v in self.scores.items()}}


def brightness_and_sharpness(rgb: np.ndarray, box: FaceBox) -> tuple[float, float]:
    """Mean luminance (0-255) and normalised Laplacian variance of the face."""
    height, width = rgb.shape[:2]
    # The inner part of the box: forehead to chin, without background.
    mx, my = int(box.width * 0.15), int(box.height * 0.1)
    x0, y0 = max(0, box.left + mx), max(0, box.top + my)
    x1, y1 = min(width, box.right - mx), min(height, box.bottom - my)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return 0.0, 0.0
    crop = cv2.cvtColor(np.ascontiguousarray(rgb[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY)
    brightness = float(crop.mean())
    interpolation = cv2.INTER_AREA if crop.shape[1] > _CROP else cv2.INTER_LINEAR
    crop = cv2.resize(crop, (_CROP, _CROP), interpolation=interpolation).astype(np.float32)
    std = float(crop.std())
    if std < 1.0:  # a flat patch has no detail at all
        return brightness, 0.0
    # Contrast is normalised, but a very flat (dark, underexposed) patch is
    # not amplified more than 4x: that would turn its quantisation steps
    # into "detail".
    normalised = (crop - crop.mean()) * (40.0 / max(std, 10.0))
    sharpness = float(cv2.Laplacian(normalised, cv2.CV_32F).var())
    return brightness, sharpness


def assess_quality(
    rgb: np.ndarray,
    box: FaceBox,
    geometry: FaceGeometry,
    settings: BiometricsSettings,
    *,
    role: str,
) -> QualityReport:
    """Check one face. `role` is "selfie", "frame" or "reference".

    A reference (the chip portrait) is only checked for what makes it
    unusable (cut off, too small); its lighting and sharpness are what the
    passport office produced, and the person cannot change them. Liveness
    frames skip the pose and eye checks: turning and blinking are what the
    person was asked to do.
    """
    height, width = rgb.shape[:2]
    brightness, sharpness = brightness_and_sharpness(rgb, box)
    scores = {
        "face_width_px": float(box.width),
        "brightness": brightness,
        "sharpness": sharpness,
        "yaw": geometry.yaw,
        "pitch": geometry.pitch,
        "ear": geometry.ear,
    }
    min_face = settings.min_reference_face_px if role == "reference" else settings.min_face_px
    failed = set()
    if not box.inside(width, height, margin=0.08):
        failed.add("face_cut_off")
    if box.width < min_face:
        failed.add("face_too_small")
    if role != "reference":
        if brightness < settings.min_brightness:
            failed.add("face_too_dark")
        elif brightness > settings.max_brightness:
            failed.add("face_too_bright")
        if sharpness < settings.min_sharpness:
            failed.add("face_blurred")
    if role == "selfie":
        if abs(geometry.yaw) > settings.max_yaw_deg or abs(geometry.pitch) > settings.max_pitch_deg:
            failed.add("face_turned_away")
        if geometry.ear < settings.eyes_closed_ear:
            failed.add("eyes_closed")
    failures = tuple(code for code in _ORDER if code in failed)
    return QualityReport(failures=failures, scores=MappingProxyType(scores))
