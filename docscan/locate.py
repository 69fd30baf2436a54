"""Find the MRZ on a photo of a passport data page.

The MRZ is two long lines of dark, fixed-pitch OCR-B characters at the
bottom of the page. On a reduced copy of the photo a black-hat filter keeps
small dark marks on a lighter background (text), a closing along each of the
two image axes joins the characters of a line into a bar, and two parallel
bars of the same length one line apart are the MRZ. Bars are looked for
along both axes, so a page turned by a right angle is found too; the tilt
of each bar (up to about 20 degrees) comes from its minimum-area rectangle.

The result is a quadrilateral in full-resolution pixels: the four corners of
the text ink, ordered so that warping it to a rectangle rotates the page
without mirroring it (the text is then upright or upside down; the reader
tries both).
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

WORK_SIDE = 900


@dataclass(frozen=True)
class Bar:
    center: np.ndarray
    direction: np.ndarray  # unit vector along the line
    length: float
    thickness: float
    contour: np.ndarray


@dataclass(frozen=True)
class Candidate:
    quad: np.ndarray  # (4, 2) float32: along-line start/end of line A, then of line B
    score: float


def _bars(binary: np.ndarray, kernel: tuple[int, int], min_length: float) -> list[Bar]:
    closed = cv2.morphologyEx(binary, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
    # Thin joins between a line and its neighbours (photo edge, guilloche) break here.
    closed = cv2.morphologyEx(closed, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    bars = []
    for contour in contours:
        (cx, cy), (w, h), angle = cv2.minAreaRect(contour)
        length, thickness = max(w, h), max(1.0, min(w, h))
        if length < min_length or length / thickness < 7:
            continue
        theta = np.deg2rad(angle if w >= h else angle + 90)
        direction = np.array([np.cos(theta), np.sin(theta)])
        # Mostly text: the contour fills its rectangle.
        if cv2.contourArea(contour) < 0.45 * length * thickness:
            continue
        bars.append(Bar(np.array([cx, cy]), direction, length, thickness, contour))
    return bars


def _pairs(bars: list[Bar]) -> list[tuple[float, Bar, Bar]]:
    out = []
    for i, a in enumerate(bars):
        for b in bars[i + 1:]:
            if abs(float(a.direction @ b.direction)) < np.cos(np.deg2rad(6)):
                continue
            if not 0.8 <= a.length / b.length <= 1.25:
                continue
            offset = b.center - a.center
            along = abs(float(offset @ a.direction))
            across = abs(float(offset[0] * -a.direction[1] + offset[1] * a.direction[0]))
            thick = max(a.thickness, b.thickness)
            if along > 0.12 * max(a.length, b.length) or not 1.1 * thick <= across <= 3.2 * thick:
                continue
            out.append(((a.length + b.length) / 2, a, b))
    out.sort(key=lambda t: -t[0])
    return out


def _quad(binary: np.ndarray, a: Bar, b: Bar) -> np.ndarray | None:
    mask = np.zeros_like(binary)
    cv2.drawContours(mask, [a.contour, b.contour], -1, 255, thickness=cv2.FILLED)
    ys, xs = np.nonzero(cv2.bitwise_and(binary, mask))
    if len(xs) < 50:
        return None
    pts = np.stack([xs, ys], axis=1).astype(np.float64)
    u_axis = a.direction
    v_axis = np.array([-u_axis[1], u_axis[0]])  # +90 degrees: keeps the warp a rotation
    u, v = pts @ u_axis, pts @ v_axis
    un = (u - u.min()) / max(np.ptp(u), 1.0)
    vn = (v - v.min()) / max(np.ptp(v), 1.0)
    corners = [pts[np.argmin(un + vn)], pts[np.argmax(un - vn)], pts[np.argmax(un + vn)], pts[np.argmin(un - vn)]]
    return np.array(corners, np.float32)  # u-start/v-low, u-end/v-low, u-end/v-high, u-start/v-high


def find_mrz(gray: np.ndarray, max_candidates: int = 3) -> list[Candidate]:
    """Candidate MRZ quadrilaterals, best first (possibly none)."""
    scale = min(1.0, WORK_SIDE / max(gray.shape))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    blackhat = cv2.morphologyEx(small, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (25, 25)))
    threshold, _ = cv2.threshold(blackhat, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    _, binary = cv2.threshold(blackhat, max(threshold, 18), 255, cv2.THRESH_BINARY)
    min_length = 0.25 * max(small.shape)
    candidates = []
    for kernel in ((19, 3), (3, 19)):
        bars = _bars(binary, kernel, min_length)
        for length, a, b in _pairs(bars)[:max_candidates]:
            quad = _quad(binary, a, b)
            if quad is not None:
                candidates.append(Candidate(quad / scale, 2 * length))
        # At a tilt the closing may join both lines into one block.
        for bar in bars:
            if bar.length / bar.thickness < 30:
                quad = _quad(binary, bar, bar)
                if quad is not None:
                    candidates.append(Candidate(quad / scale, bar.length))
    candidates.sort(key=lambda c: -c.score)
    return candidates[:max_candidates]
