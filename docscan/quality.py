"""Photo quality measured where it matters, as reasons a person can act on.

On the rectified MRZ band (when the zone was found) or on the whole photo
(when it was not): too dark (the paper is grey, not white), glare (a patch
of burnt-out pixels across the text), blurred (edges spread over several
pixels at the band's scale). Thresholds were set on generated phone photos
(tests/docscan) so that photos the reader copes with never trip them.
"""
from __future__ import annotations

import cv2
import numpy as np

from . import reasons

DARK_PAPER = 75  # grey level of the paper behind the text
SATURATED = 248
GLARE_SHARE = 0.015
PHOTO_GLARE_SHARE = 0.004
BLUR_SHARPNESS = 0.43  # strongest edge per unit of contrast (blurrier direction), band pixels


def band_problems(band_gray: np.ndarray, ink: np.ndarray) -> list[str]:
    found = []
    paper = float(np.percentile(band_gray, 90))
    if paper < DARK_PAPER:
        found.append(reasons.TOO_DARK)
    if float((band_gray >= SATURATED).mean()) > GLARE_SHARE:
        found.append(reasons.GLARE)
    if sharpness(band_gray) < BLUR_SHARPNESS and reasons.TOO_DARK not in found:
        found.append(reasons.BLURRED)
    return found


def sharpness(gray: np.ndarray) -> float:
    """Strongest edge per unit of contrast, in the blurrier of the two
    directions (a shaken phone smears one direction only)."""
    g = gray.astype(np.float32)
    contrast = float(np.percentile(g, 95) - np.percentile(g, 5))
    if contrast < 10:
        return 0.0
    gx = np.abs(cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)) / 4.0
    gy = np.abs(cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)) / 4.0
    return min(float(np.percentile(gx, 99)), float(np.percentile(gy, 99))) / contrast


def photo_problems(gray: np.ndarray) -> list[str]:
    """When no MRZ was found: is the photo itself the reason?"""
    small = cv2.resize(gray, None, fx=600 / max(gray.shape), fy=600 / max(gray.shape), interpolation=cv2.INTER_AREA)
    found = []
    if float(np.percentile(small, 98)) < DARK_PAPER:
        found.append(reasons.TOO_DARK)
    # A burnt-out patch the size of a few characters can hide the zone.
    if float((small >= SATURATED).mean()) > PHOTO_GLARE_SHARE:
        found.append(reasons.GLARE)
    return found
