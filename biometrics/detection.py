"""Face detection and landmarks.

Speed: HOG detection costs grow with the pixel count, so the image is first
downscaled to `detection_max_side` (a selfie face is large; 480 px is plenty)
and the boxes are mapped back. Landmarks are then fitted on the full-size
image, where they are most precise and cost the same (about 1 ms). Only when
nothing is found at the reduced size is the full size tried, so that a small
face yields "move closer" instead of "no face".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from .config import BiometricsSettings
from .models import FaceModels

__all__ = ["FaceBox", "FaceDetector"]


@dataclass(frozen=True, slots=True)
class FaceBox:
    left: int
    top: int
    right: int
    bottom: int
    score: float = field(default=1.0, compare=False)  # detector confidence

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def area(self) -> int:
        return max(0, self.width) * max(0, self.height)

    @property
    def center(self) -> tuple[float, float]:
        return ((self.left + self.right) / 2.0, (self.top + self.bottom) / 2.0)

    def inside(self, width: int, height: int, *, margin: float = 0.0) -> bool:
        """True when the box (shrunk by `margin` of its size) lies in the image."""
        mx, my = self.width * margin, self.height * margin
        return (self.left + mx >= 0 and self.top + my >= 0
                and self.right - mx <= width and self.bottom - my <= height)

    def to_dlib(self):
        import dlib

        return dlib.rectangle(int(self.left), int(self.top), int(self.right), int(self.bottom))


class FaceDetector:
    def __init__(self, settings: BiometricsSettings, models: FaceModels) -> None:
        self._settings = settings
        self._models = models

    def detect(self, rgb: np.ndarray, *, upsample: int = 0, max_side: int | None = None) -> list[FaceBox]:
        """Faces in `rgb`, most plausible first, in full-image coordinates."""
        max_side = max_side or self._settings.detection_max_side
        height, width = rgb.shape[:2]
        scale = min(1.0, max_side / float(max(height, width)))
        boxes = self._detect_scaled(rgb, scale, upsample)
        if not boxes and scale < 1.0:
            boxes = self._detect_scaled(rgb, 1.0, upsample)
        # Confident detections first, then by size: a large weak detection
        # (a badge, a pattern) must not take the place of the real face.
        confident = self._settings.secondary_face_min_score
        return sorted(boxes, key=lambda b: (b.score >= confident, b.area), reverse=True)

    def significant(self, boxes: list[FaceBox]) -> list[FaceBox]:
        """The largest face, plus any other face that could be someone else
        in front of the camera: at least `secondary_face_ratio` as wide and
        detected with confidence `secondary_face_min_score`.

        A small face far in the background (a poster, a passer-by) cannot be
        the one compared, so it does not make a capture "two faces"; neither
        does a weak detection on a patterned shirt or badge.
        """
        if not boxes:
            return []
        s = self._settings
        floor = boxes[0].width * s.secondary_face_ratio
        return boxes[:1] + [b for b in boxes[1:] if b.width >= floor and b.score >= s.secondary_face_min_score]

    def track(self, rgb: np.ndarray, near: FaceBox, *, min_score: float) -> FaceBox | None:
        """The face last detected at `near`, found again with a lower
        detection threshold in the region around it, or None.

        The frontal detector's score falls as a head turns past about 30
        degrees, and a real turn then drops out of the ordinary detection for
        a few frames. Looking again only where the face just was, for a box
        of about the same size, keeps those frames without accepting weak
        detections anywhere else."""
        if self._models.detector_kind != "hog":
            return None
        height, width = rgb.shape[:2]
        margin_x, margin_y = (3 * near.width) // 4, (3 * near.height) // 4
        x0, y0 = max(0, near.left - margin_x), max(0, near.top - margin_y)
        x1, y1 = min(width, near.right + margin_x), min(height, near.bottom + margin_y)
        if x1 - x0 < 40 or y1 - y0 < 40:
            return None
        gray = cv2.cvtColor(np.ascontiguousarray(rgb[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY)
        rects, scores, _ = self._models.hog_detector.run(gray, 0, min_score)
        near_x, near_y = near.center
        best = None
        for r, score in zip(rects, scores):
            box = FaceBox(r.left() + x0, r.top() + y0, r.right() + x0, r.bottom() + y0, float(score))
            cx, cy = box.center
            if (abs(cx - near_x) <= 0.5 * near.width and abs(cy - near_y) <= 0.4 * near.height
                    and 0.75 <= box.width / max(near.width, 1) <= 1.33
                    and (best is None or box.score > best.score)):
                best = box
        return best

    def landmarks68(self, rgb: np.ndarray, box: FaceBox) -> np.ndarray:
        """The 68 iBUG-layout landmarks as a (68, 2) float array."""
        shape = self._models.landmarks68(rgb, box.to_dlib())
        return _shape_points(shape)

    def alignment_shape(self, rgb: np.ndarray, box: FaceBox):
        """The 5-point shape used to align a face for the recognition model."""
        return self._models.landmarks5(rgb, box.to_dlib())

    def _detect_scaled(self, rgb: np.ndarray, scale: float, upsample: int) -> list[FaceBox]:
        if scale < 1.0:
            small = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        else:
            small = rgb
        if self._models.detector_kind == "cnn":
            with self._models.lock:
                found = [(d.rect, d.confidence)
                         for d in self._models.cnn_detector(np.ascontiguousarray(small), upsample)]
        else:
            gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
            rects, scores, _ = self._models.hog_detector.run(gray, upsample, 0.0)
            found = list(zip(rects, scores))
        height, width = rgb.shape[:2]
        boxes = []
        for r, score in found:
            box = FaceBox(
                int(round(r.left() / scale)), int(round(r.top() / scale)),
                int(round(r.right() / scale)), int(round(r.bottom() / scale)), float(score),
            )
            # dlib may return boxes reaching past the border; keep them as they
            # are (the quality check reports a cut-off face) but drop empty ones.
            if box.width > 0 and box.height > 0 and box.right > 0 and box.bottom > 0 \
                    and box.left < width and box.top < height:
                boxes.append(box)
        return boxes


def _shape_points(shape) -> np.ndarray:
    return np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)
