"""From the MRZ quadrilateral to 2 x 44 character cells.

The quadrilateral is warped to a rectangle at a pitch of `PITCH` pixels per
character (a homography: this removes the tilt and the perspective of a
page photographed at an angle). In the rectified band the two text lines
are found by their row profile, and on each line a grid fitted to the
centres of the character blobs places the 44 cells: the MRZ is fixed-pitch (ICAO 9303 Part 3 section 4.2.2), so
touching or broken characters do not shift the cells after them, and no
filler character '<' is needed to find the grid.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

PITCH = 20
CHARS = 44
_MARGIN = PITCH
_SIDE = 2 * PITCH  # room for a first or last character the quadrilateral missed


@dataclass(frozen=True)
class Band:
    gray: np.ndarray  # rectified grey band
    ink: np.ndarray  # 0..1, 1 = ink, same shape


# Crops a little to each side of a cell: the training script learns from
# them too, so that a cell placed a pixel off is still read.
SHIFTS = ((0.0, 0.0), (-1.2, 0.0), (1.2, 0.0), (0.0, -1.2), (0.0, 1.2))


@dataclass(frozen=True)
class Line:
    cells: np.ndarray  # (len(shifts) * 44, h, w) float32 ink maps, one block of 44 per shift
    centers: np.ndarray  # (44, 2) cell centres in band pixels
    height: float


def rectify(gray: np.ndarray, quad: np.ndarray, *, upside_down: bool = False) -> Band:
    width = PITCH * (CHARS - 0.4)
    top = float(np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])) / 2
    side = float(np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])) / 2
    height = max(PITCH, width * side / max(top, 1.0))
    m, side = _MARGIN, _SIDE
    dst = np.array([[side, m], [side + width, m], [side + width, m + height], [side, m + height]], np.float32)
    if upside_down:
        dst = dst[[2, 3, 0, 1]]
    size = (int(round(width + 2 * side)), int(round(height + 2 * m)))
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    band = cv2.warpPerspective(gray, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return Band(band, ink_map(band))


def ink_map(gray: np.ndarray) -> np.ndarray:
    """Darkness against the local background, scaled so that strokes are ~1."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (PITCH + 1, PITCH + 1))
    background = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, kernel)
    diff = cv2.subtract(background, gray).astype(np.float32)
    strong = float(np.percentile(diff, 99)) if diff.size else 0.0
    # The floor drops the faint lines of a guilloche background.
    return np.clip((diff / max(strong * 0.8, 12.0) - 0.2) / 0.8, 0.0, 1.0)


def _runs(profile: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    on = profile > threshold
    runs, start = [], None
    for i, value in enumerate(on):
        if value and start is None:
            start = i
        elif not value and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(on)))
    return runs


def find_lines(band: Band) -> list[tuple[int, int]] | None:
    """Row ranges of the two text lines, top first."""
    profile = (band.ink > 0.45).sum(axis=1).astype(np.float32)
    runs = [r for r in _runs(profile, 0.12 * CHARS * PITCH * 0.25) if r[1] - r[0] >= PITCH * 0.5]
    if len(runs) < 2:
        return None
    runs.sort(key=lambda r: -profile[r[0]:r[1]].sum())
    return sorted(runs[:2])


def cut_line(band: Band, rows: tuple[int, int], shifts=((0.0, 0.0),)) -> Line | None:
    top, bottom = rows
    pad = int(round((bottom - top) * 0.35))
    y0, y1 = max(0, top - pad), min(band.ink.shape[0], bottom + pad)
    strip = band.ink[y0:y1]
    binary = (strip > 0.45).astype(np.uint8)
    count, _, stats, centroids = cv2.connectedComponentsWithStats(binary, connectivity=8)
    height = bottom - top
    blobs = [(centroids[i][0], centroids[i][1] + y0, stats[i, cv2.CC_STAT_WIDTH], stats[i, cv2.CC_STAT_HEIGHT])
             for i in range(1, count) if stats[i, cv2.CC_STAT_HEIGHT] >= 0.45 * height]
    if len(blobs) < CHARS // 3:
        return None
    blobs.sort()
    xs = np.array([b[0] for b in blobs])
    ys = np.array([b[1] for b in blobs])
    single = np.array([b[2] <= 1.25 * PITCH for b in blobs])
    # Cells: the character index of each blob from the gaps between
    # neighbours (one pitch, or more across a gap or a merged pair), counted
    # from the leftmost ink; then x(i) = (a i + b) / (c i + 1), the projective
    # map of a straight line, fitted to the centres by least squares, which
    # absorbs what the first warp left of the perspective.
    lefts = np.array([b[0] - b[2] / 2 for b in blobs])
    rights = np.array([b[0] + b[2] / 2 for b in blobs])
    pitch = (rights.max() - lefts.min() - 0.7 * PITCH) / (CHARS - 1)
    if not 0.7 * PITCH < pitch < 1.3 * PITCH or single.sum() < CHARS // 3:
        return None
    orig = np.flatnonzero(single)
    sx = xs[single]
    index = np.zeros(len(sx))
    for j in range(1, len(sx)):
        gap = sx[j] - sx[j - 1]
        index[j] = index[j - 1] + max(1.0, np.round(gap / pitch))
        if np.round(gap / pitch) == 1:
            pitch = 0.8 * pitch + 0.2 * gap  # follows a pitch that changes along the line
    # A stray mark beyond either end of the line: drop the outermost blob
    # that stands further from its neighbour, until the line spans 44 cells.
    while index[-1] - index[0] + 1 > CHARS and len(sx) > CHARS // 3:
        if index[1] - index[0] >= index[-1] - index[-2]:
            sx, index, orig = sx[1:], index[1:], orig[1:]
        else:
            sx, index, orig = sx[:-1], index[:-1], orig[:-1]
    if index[-1] - index[0] + 1 == CHARS:
        index -= index[0]
    else:  # an end character is merged or broken: count from the leftmost ink
        index += max(0.0, np.round((sx[0] - (lefts.min() + 0.35 * pitch)) / pitch)) - index[0]
    keep_x = (index >= 0) & (index < CHARS)
    if keep_x.sum() < CHARS // 3:
        return None
    i_k, x_k = index[keep_x], sx[keep_x]
    design = np.stack([i_k, np.ones_like(i_k), -i_k * x_k], axis=1)
    (a, b, c), *_ = np.linalg.lstsq(design, x_k, rcond=None)
    grid = lambda i: (a * i + b) / (c * i + 1)  # noqa: E731
    residual = np.abs(grid(i_k) - x_k)
    if np.median(residual) > 0.25 * PITCH:
        return None
    keep = np.zeros(len(xs), bool)
    keep[orig[keep_x]] = residual < 0.35 * PITCH
    # Baseline: the line's vertical centre may still drift a little across the band.
    slope, intercept = np.polyfit(xs[keep], ys[keep], 1) if keep.sum() >= 2 else (0.0, float(np.mean(ys)))
    half_h = 0.68 * float(np.median([b[3] for b, k in zip(blobs, keep) if k]))
    cells, centers = [], []
    for dx, dy in shifts:
        for i in range(CHARS):
            cx = grid(i)
            cy = intercept + slope * cx
            cells.append(_crop(band.ink, cx + dx, cy + dy, (grid(i + 0.5) - grid(i - 0.5)) / 2, half_h))
            centers.append((cx, cy))
    return Line(np.stack(cells), np.array(centers[:CHARS]), 2 * half_h)


def _crop(ink: np.ndarray, cx: float, cy: float, half_w: float, half_h: float) -> np.ndarray:
    """A sub-pixel crop of the cell by an affine warp (zero outside the band)."""
    w, h = 20, 30
    sx, sy = 2 * half_w / w, 2 * half_h / h
    matrix = np.array([[sx, 0, cx - half_w], [0, sy, cy - half_h]], np.float32)
    return cv2.warpAffine(ink, matrix, (w, h), flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def cells(band: Band, shifts=((0.0, 0.0),)) -> tuple[Line, Line] | None:
    rows = find_lines(band)
    if rows is None:
        return None
    first, second = cut_line(band, rows[0], shifts), cut_line(band, rows[1], shifts)
    if first is None or second is None:
        return None
    return first, second
