"""Is the "head" that turned actually flat? (a photo or a screen held up)

Two independent measurements, both taken only on frames where the head
turned at least `parallax_min_yaw_deg` from the baseline:

1. Landmark parallax. When a real head turns, the nose moves further than
   the plane of the eye corners, mouth corners and brows around it; on a
   flat photo one homography explains every point. The unexplained nose
   displacement (`geometry.nose_parallax`), signed by the direction of the
   turn, must reach `min_parallax` (a fraction of the eye distance; a real
   20 degree turn gives about 0.15-0.2).
2. Plane fit of the pixels. The face region of the most-turned frame is
   aligned to the baseline frame with one homography, refined on the pixels
   themselves (ECC, `cv2.findTransformECC`), starting from the homography of
   the planar landmarks. A tilted or moved photo is explained almost
   perfectly (correlation 0.99 in tests); a turning head is not, because
   its nose and cheeks move by different amounts. A correlation at or above
   `planar_correlation` flags a plane. This catches strongly tilted photos
   on which the landmark model, trained on real faces, imagines a 3D nose.

When the head never turns that far (a challenge without a turn), the check
does not apply: a flat photo cannot blink or smile, and those actions are
checked by the state machine.
"""

from __future__ import annotations

from statistics import median
from typing import Sequence

import cv2
import numpy as np

from ..config import BiometricsSettings
from ..geometry import PLANE_POINTS, nose_parallax
from .analysis import FrameAnalysis
from .results import CheckResult
from .state_machine import Baseline

__all__ = ["check_planarity", "plane_fit"]

_CROP_WIDTH = 96
_OUTLINE = list(range(17)) + list(range(17, 27))


def _face_crop(frame: FrameAnalysis) -> tuple[np.ndarray, np.ndarray]:
    points = frame.landmarks[_OUTLINE]
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    mx, my = (x1 - x0) * 0.1, (y1 - y0) * 0.1
    x0, x1, y0, y1 = x0 - mx, x1 + mx, y0 - my, y1 + my
    scale = _CROP_WIDTH / max(x1 - x0, 1.0)
    height = max(int((y1 - y0) * scale), 8)
    matrix = np.float32([[scale, 0, -x0 * scale], [0, scale, -y0 * scale]])
    gray = cv2.cvtColor(frame.pixels, cv2.COLOR_RGB2GRAY)
    crop = cv2.warpAffine(gray, matrix, (_CROP_WIDTH, height), flags=cv2.INTER_AREA,
                          borderMode=cv2.BORDER_REPLICATE)
    return crop.astype(np.float32), frame.landmarks * scale + np.array([-x0 * scale, -y0 * scale])


def plane_fit(reference: FrameAnalysis, turned: FrameAnalysis) -> float | None:
    """Correlation after the best single-homography alignment of the two
    face regions (1.0 = one plane explains everything); None if the
    alignment does not converge."""
    ref_crop, ref_points = _face_crop(reference)
    turned_crop, turned_points = _face_crop(turned)
    initial, _ = cv2.findHomography(turned_points[PLANE_POINTS], ref_points[PLANE_POINTS], 0)
    if initial is None:
        return None
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 60, 1e-5)
    try:
        rho, _ = cv2.findTransformECC(turned_crop, ref_crop, initial.astype(np.float32),
                                      cv2.MOTION_HOMOGRAPHY, criteria, None, 3)
    except cv2.error:
        return None
    return float(rho)


def check_planarity(frames: Sequence[FrameAnalysis], base: Baseline, settings: BiometricsSettings) -> CheckResult:
    reference = min((frames[i] for i in base.frames), key=lambda f: abs(f.geometry.yaw - base.yaw))
    signed = []
    most_turned: dict[int, tuple[float, FrameAnalysis]] = {}
    for frame in frames:
        turn = frame.geometry.yaw - base.yaw
        if abs(turn) < settings.parallax_min_yaw_deg:
            continue
        direction = 1 if turn > 0 else -1
        signed.append(direction * nose_parallax(reference.landmarks, frame.landmarks))
        if abs(turn) > most_turned.get(direction, (0.0, None))[0]:
            most_turned[direction] = (abs(turn), frame)
    if not signed:
        return CheckResult("planarity", True, None, None, {"applicable": False})
    parallax = median(signed)
    fits = [fit for _, frame in most_turned.values() if (fit := plane_fit(reference, frame)) is not None]
    best_fit = max(fits) if fits else None
    flat_landmarks = parallax < settings.min_parallax
    flat_pixels = best_fit is not None and best_fit >= settings.planar_correlation
    passed = not (flat_landmarks or flat_pixels)
    return CheckResult(
        "planarity", passed, None if passed else "planar_motion", round(parallax, 4),
        {"applicable": True, "turned_frames": len(signed),
         "plane_fit": None if best_fit is None else round(best_fit, 4),
         "flat_landmarks": flat_landmarks, "flat_pixels": flat_pixels},
    )
