"""Per-frame analysis: faces, landmarks, geometry, quality, appearance.

Everything here is cheap (about 10-15 ms a frame, dominated by detection);
the expensive embeddings are computed later, for a few chosen frames only.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Sequence

import cv2
import numpy as np

from ..detection import FaceBox
from ..faces import FaceAnalyzer
from ..geometry import FaceGeometry, eye_centres, measure
from ..quality import QualityReport, assess_quality
from .frames import DecodedFrame

__all__ = ["FrameAnalysis", "FrameAnalyzer", "appearance_chip", "appearance_similarity"]

_CHIP = 32


@dataclass(frozen=True)
class FrameAnalysis:
    index: int
    timestamp_s: float
    face_count: int  # significant faces (see FaceDetector.significant)
    tracked: bool = False  # found by following the face of the frame before (FaceDetector.track)
    box: FaceBox | None = None
    geometry: FaceGeometry | None = None
    quality: QualityReport | None = None
    landmarks: np.ndarray | None = field(default=None, repr=False, compare=False)
    chip: np.ndarray | None = field(default=None, repr=False, compare=False)
    pixels: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def has_face(self) -> bool:
        return self.face_count == 1 and self.geometry is not None


def appearance_chip(gray: np.ndarray, points: np.ndarray) -> np.ndarray:
    """A small grey face patch, aligned on the eyes and the mouth centre and
    normalised for brightness and contrast, for frame-to-frame comparison."""
    right, left = eye_centres(points)
    mouth = (points[48] + points[54]) / 2.0
    src = np.float32([right, left, mouth])
    dst = np.float32([[0.3 * _CHIP, 0.35 * _CHIP], [0.7 * _CHIP, 0.35 * _CHIP], [0.5 * _CHIP, 0.8 * _CHIP]])
    matrix = cv2.getAffineTransform(src, dst)
    chip = cv2.warpAffine(gray, matrix, (_CHIP, _CHIP), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)
    chip = chip.astype(np.float32)
    chip -= chip.mean()
    norm = float(np.linalg.norm(chip))
    return chip / norm if norm > 0 else chip


def appearance_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Normalised cross-correlation of two chips, in [-1, 1]."""
    return float((a * b).sum())


class FrameAnalyzer:
    def __init__(self, faces: FaceAnalyzer) -> None:
        self._faces = faces
        self._settings = faces.settings

    def analyze(self, frames: Sequence[DecodedFrame]) -> list[FrameAnalysis]:
        """Every frame, in capture order. A frame where no face is detected
        right after frames with one face (within `track_max_gap_s` of the
        last confident detection) looks again where that face was, with the
        lower threshold `track_min_score`: a head turned past about 30
        degrees drops out of the frontal detector for a few frames."""
        out: list[FrameAnalysis] = []
        last: FrameAnalysis | None = None  # the last frame where the detector found one face
        for frame in frames:
            near = None
            if last is not None and frame.timestamp_s - last.timestamp_s <= self._settings.track_max_gap_s:
                near = last.box
            analysis = self.analyze_one(frame, near=near)
            if analysis.has_face and not analysis.tracked:
                last = analysis
            elif analysis.face_count > 1:
                last = None
            out.append(analysis)
        return out

    def analyze_one(self, frame: DecodedFrame, *, near: FaceBox | None = None) -> FrameAnalysis:
        rgb = frame.image.pixels
        detector = self._faces.detector
        boxes = detector.significant(detector.detect(rgb, upsample=0))
        tracked = False
        if not boxes and near is not None:
            found = detector.track(rgb, near, min_score=self._settings.track_min_score)
            boxes, tracked = ([found], True) if found is not None else ([], False)
        if len(boxes) != 1:
            return FrameAnalysis(frame.index, frame.timestamp_s, len(boxes), pixels=rgb)
        box = boxes[0]
        points = detector.landmarks68(rgb, box)
        analysis = analysis_from_landmarks(frame.index, frame.timestamp_s, rgb, box, points, self._settings)
        return dataclasses.replace(analysis, tracked=True) if tracked else analysis


def analysis_from_landmarks(index, timestamp_s, rgb, box, points, settings) -> FrameAnalysis:
    """Build a frame analysis from known landmarks (also used by tests that
    drive the decision logic with generated landmark sequences)."""
    geometry = measure(points, rgb.shape[:2])
    quality = assess_quality(rgb, box, geometry, settings, role="frame")
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    return FrameAnalysis(
        index=index,
        timestamp_s=timestamp_s,
        face_count=1,
        box=box,
        geometry=geometry,
        quality=quality,
        landmarks=points,
        chip=appearance_chip(gray, points),
        pixels=rgb,
    )
