"""Passive cue: the periodic texture of a screen filmed by a camera.

A phone or monitor held in front of the camera shows its own pixel grid,
which beats with the camera's sensor grid: moire, a fine periodic pattern
over the whole picture. Skin, hair and the noise of a camera have no such
single strong frequency. On a few frames spread over the capture, the face
region (at the resolution it was sent, never resized: resampling would
alias the pattern away or create one) is high-pass filtered and windowed,
and its spectrum searched between 0.12 and 0.48 cycles per pixel for a
peak: the score is the strongest component over the median one. The 8x8
grid of JPEG blocks puts peaks at multiples of 1/8 cycle per pixel on both
axes; those positions are left out.

The median score over the frames must stay below `screen_moire_score`;
otherwise the check fails with `screen_moire`.

A second cue, `screen_banding`: a screen refreshes row by row, and filmed by
a camera whose rows are exposed one after another it shows wide horizontal
bands of brightness that roll from frame to frame. Between two consecutive
frames, the change of each row's mean brightness (in log, after removing the
slow trend a moving head or a change of light gives) then has one strong
period of 40-120 rows; a real scene's changes do not. The score is that
peak over the median of the finer periods, the median over the frame pairs;
it must stay below `screen_banding_score`. Phone cameras suppress mains
flicker of room lights with their anti-banding exposure; where one does
not, flicker bands are slower and weaker than a screen's, and the threshold
sits far above what genuine captures give (docs/biometrics-liveness.md).

Works on numpy and OpenCV alone: no model, nothing downloaded.
"""

from __future__ import annotations

from statistics import median
from typing import Sequence

import cv2
import numpy as np

from ..config import BiometricsSettings
from .analysis import FrameAnalysis
from .results import CheckResult

__all__ = ["banding_score", "check_screen_banding", "check_screen_texture", "moire_score"]

_SAMPLES = 5
_BAND = (0.12, 0.48)  # cycles per pixel
_JPEG_GRID_TOLERANCE = 0.02


def _face_region(frame: FrameAnalysis) -> np.ndarray | None:
    box = frame.box
    h, w = frame.pixels.shape[:2]
    x0, x1 = int(max(0, box.left + 0.2 * box.width)), int(min(w, box.right - 0.2 * box.width))
    y0, y1 = int(max(0, box.top + 0.15 * box.height)), int(min(h, box.bottom - 0.1 * box.height))
    if x1 - x0 < 24 or y1 - y0 < 24:
        return None
    return cv2.cvtColor(np.ascontiguousarray(frame.pixels[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY)


def moire_score(gray: np.ndarray) -> float:
    """Strongest spectral component in the band over the median one."""
    g = gray.astype(np.float32)
    g -= cv2.GaussianBlur(g, (0, 0), 2.0)
    window = np.outer(np.hanning(g.shape[0]), np.hanning(g.shape[1])).astype(np.float32)
    spectrum = np.abs(np.fft.rfft2(g * window))
    fy = np.abs(np.fft.fftfreq(g.shape[0]))[:, None]
    fx = np.fft.rfftfreq(g.shape[1])[None, :]
    radius = np.hypot(fx, fy)
    on_grid = ((np.abs(fx * 8 - np.round(fx * 8)) < _JPEG_GRID_TOLERANCE * 8)
               & (np.abs(fy * 8 - np.round(fy * 8)) < _JPEG_GRID_TOLERANCE * 8))
    band = spectrum[(radius >= _BAND[0]) & (radius <= _BAND[1]) & ~on_grid]
    if band.size < 16:
        return 0.0
    middle = float(np.median(band))
    return float(band.max()) / middle if middle > 0 else 0.0


def check_screen_texture(frames: Sequence[FrameAnalysis], settings: BiometricsSettings) -> CheckResult:
    # Frames the detector found itself: a followed face's box is looser.
    frames = [f for f in frames if not f.tracked] or list(frames)
    count = min(_SAMPLES, len(frames))
    picks = sorted({round(k * (len(frames) - 1) / max(1, count - 1)) for k in range(count)})
    scores = [moire_score(region) for i in picks if (region := _face_region(frames[i])) is not None]
    if not scores:
        return CheckResult("screen_texture", True, None, None, {"applicable": False})
    score = median(scores)
    passed = score < settings.screen_moire_score
    return CheckResult("screen_texture", passed, None if passed else "screen_moire", round(score, 3),
                       {"applicable": True, "frames": len(scores), "max": round(max(scores), 3)})


_BAND_PERIODS = (40.0, 120.0)  # rows
_TREND_SIGMA = 40.0


def _row_profile(frame: FrameAnalysis) -> np.ndarray:
    gray = cv2.cvtColor(frame.pixels, cv2.COLOR_RGB2GRAY).astype(np.float32)
    return np.log(gray.mean(axis=1) + 8.0)


def banding_score(before: np.ndarray, after: np.ndarray) -> float:
    """Strongest period of 40-120 rows in the change between two row
    profiles, over the median of the periods of 4-40 rows."""
    change = (after - before).astype(np.float32)
    change -= cv2.GaussianBlur(change.reshape(-1, 1), (0, 0), _TREND_SIGMA).ravel()
    spectrum = np.abs(np.fft.rfft(change * np.hanning(len(change))))
    freq = np.fft.rfftfreq(len(change))
    band = (freq >= 1.0 / _BAND_PERIODS[1]) & (freq <= 1.0 / _BAND_PERIODS[0])
    finer = (freq > 1.0 / _BAND_PERIODS[0]) & (freq <= 0.25)
    if not band.any() or finer.sum() < 8:
        return 0.0
    middle = float(np.median(spectrum[finer]))
    return float(spectrum[band].max()) / middle if middle > 0 else 0.0


def check_screen_banding(frames: Sequence[FrameAnalysis], settings: BiometricsSettings) -> CheckResult:
    pairs = [(a, b) for a, b in zip(frames, frames[1:])
             if a.pixels is not None and b.pixels is not None and a.pixels.shape == b.pixels.shape]
    if len(pairs) < 3:
        return CheckResult("screen_banding", True, None, None, {"applicable": False})
    scores = [banding_score(_row_profile(a), _row_profile(b)) for a, b in pairs]
    score = median(scores)
    passed = score < settings.screen_banding_score
    return CheckResult("screen_banding", passed, None if passed else "screen_banding", round(score, 3),
                       {"applicable": True, "pairs": len(scores), "max": round(max(scores), 3)})
