"""The portrait on a passport data page, found from the MRZ that was read.

ICAO 9303 Part 4 (TD3, 125 x 88 mm): the machine readable zone is the
bottom band of the page and the portrait (zone V) sits at the left of the
visual zone above it. Once the MRZ has been read, its quadrilateral says
where the page is: the long edges give the direction of the lines and the
scale (the two lines of 44 characters at 2.54 mm pitch are about 110.7 mm
of ink), the reading orientation says which way is up. The region left of
the visual zone, from just above the MRZ to the top of the page, is cut
out upright at a fixed resolution; a face detector then finds the face in
it, and the portrait is the face with the margin a passport photo has
around it. A page is flat enough held in a guide frame that a similarity
transform (rotation, scale) is close; the region is generous so that
perspective does not push the portrait out of it.

A face detector is any callable from RGB pixels to face boxes with
`left, top, right, bottom` (biometrics.detection.FaceDetector.detect);
the library itself loads no face model.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import cv2
import numpy as np

MRZ_INK_MM = 110.7  # left edge of the first character to right edge of the 44th
# The search region in mm, relative to the top-left corner of the MRZ ink
# (x to the right along the lines, y down the page).
REGION_X_MM = (-6.0, 44.0)
REGION_Y_MM = (-71.0, -3.0)
PX_PER_MM = 8  # about 300 px for a 35 mm wide portrait: plenty for face matching
FACE_MARGIN = (0.45, 0.65, 0.45, 0.45)  # left, top, right, bottom, in face widths (a passport photo's framing)
MIN_FACE_MM = 5.0  # a smaller face is not the page portrait (a ghost image, a pattern in the print)

FaceDetector = Callable[[np.ndarray], Sequence]


@dataclass(frozen=True)
class Portrait:
    """The page portrait, upright RGB pixels. `repr` hides the pixels."""

    pixels: np.ndarray
    face_width_px: int

    def __repr__(self) -> str:
        return f"Portrait({self.pixels.shape[1]}x{self.pixels.shape[0]}, face {self.face_width_px}px)"

    def jpeg(self, quality: int = 90) -> bytes:
        ok, data = cv2.imencode(".jpg", cv2.cvtColor(self.pixels, cv2.COLOR_RGB2BGR),
                                [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:  # pragma: no cover - OpenCV encodes any uint8 RGB image
            raise ValueError("portrait could not be encoded")
        return data.tobytes()


def upright_corners(quad: np.ndarray, upside_down: bool) -> np.ndarray:
    """The MRZ ink corners as the page is read: top-left, top-right,
    bottom-right, bottom-left of the text."""
    quad = np.asarray(quad, np.float64)
    return quad[[2, 3, 0, 1]] if upside_down else quad


def portrait_region(rgb: np.ndarray, quad: np.ndarray, upside_down: bool) -> np.ndarray:
    """The part of the photo where a TD3 page has its portrait, cut out
    upright at PX_PER_MM (outside the photo is grey)."""
    tl, tr, br, bl = upright_corners(quad, upside_down)
    along = ((tr - tl) + (br - bl)) / 2
    scale = float(np.linalg.norm(along)) / MRZ_INK_MM  # photo pixels per mm
    u = along / max(float(np.linalg.norm(along)), 1e-6)
    down = np.array([-u[1], u[0]])
    if float(down @ ((bl - tl) + (br - tr))) < 0:  # the page's "down" is where line 2 lies
        down = -down
    x0, y0 = REGION_X_MM[0], REGION_Y_MM[0]
    # region pixel (column, row) -> photo pixel
    step = scale / PX_PER_MM
    origin = tl + scale * (x0 * u + y0 * down)
    matrix = np.array([[step * u[0], step * down[0], origin[0]],
                       [step * u[1], step * down[1], origin[1]]], np.float64)
    size = (int((REGION_X_MM[1] - REGION_X_MM[0]) * PX_PER_MM), int((REGION_Y_MM[1] - REGION_Y_MM[0]) * PX_PER_MM))
    return cv2.warpAffine(rgb, matrix, size, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=(128, 128, 128))


def find_portrait(rgb: np.ndarray, quad: np.ndarray, upside_down: bool, detector: FaceDetector) -> Portrait | None:
    """The page portrait, or None when no face of a portrait's size is
    found where the layout puts it."""
    region = portrait_region(rgb, quad, upside_down)
    faces = [b for b in detector(region) if (b.right - b.left) >= MIN_FACE_MM * PX_PER_MM]
    if not faces:
        return None
    box = max(faces, key=lambda b: (b.right - b.left) * (b.bottom - b.top))
    width = box.right - box.left
    left, top, right, bottom = FACE_MARGIN
    height, full_width = region.shape[:2]
    x1, y1 = max(0, int(box.left - left * width)), max(0, int(box.top - top * width))
    x2, y2 = min(full_width, int(box.right + right * width)), min(height, int(box.bottom + bottom * width))
    if min(x2 - x1, y2 - y1) < MIN_FACE_MM * PX_PER_MM:  # a box (mostly) outside the region: nothing to keep
        return None
    return Portrait(np.ascontiguousarray(region[y1:y2, x1:x2]), int(width))
