"""Read the MRZ of a passport data page from a photo: intake, location,
both readings of the band (upright and upside down), classification,
correction by check digits, document checks, and the reasons when a read
is refused."""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import cv2
import numpy as np

from nfc.errors import MRZError
from nfc.mrz import MRZ, parse_mrz

from . import correct, glyphs, lines, locate, quality, reasons
from .intake import IntakeRefused, PageLimits, load_page
from .portrait import FaceDetector, Portrait, find_portrait

EXPECTED_STATE = "UZB"
# Below this share of characters fitting their field type, two text lines are not an MRZ.
NOT_MRZ_FIT = 0.9


@dataclass(frozen=True)
class ScanResult:
    """The outcome of one photo. `mrz` is set when the zone was read
    consistently (also when the document is refused, so a page can say
    whose passport it is not). Safe to log: `repr` hides the fields."""

    ok: bool
    reasons: tuple[str, ...] = ()
    mrz: MRZ | None = field(default=None, repr=False)
    confidence: float = 0.0
    corrections: int = 0
    # The page portrait (ICAO 9303 TD3 zone V), when a face detector was
    # given, the read was accepted and a face was found where the layout puts it.
    portrait: Portrait | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return (f"ScanResult(ok={self.ok}, reasons={self.reasons}, confidence={self.confidence:.3f}, "
                f"corrections={self.corrections}, portrait={self.portrait is not None})")


def scan_page(data: bytes, *, limits: PageLimits = PageLimits(), model: glyphs.GlyphModel | None = None,
              expected_state: str = EXPECTED_STATE, face_detector: FaceDetector | None = None) -> ScanResult:
    """Bytes of a photo (JPEG, PNG, WebP) to a `ScanResult`. With a
    `face_detector` (RGB pixels to face boxes), an accepted read also
    carries the page portrait (docscan/portrait.py)."""
    try:
        rgb = load_page(data, limits)
    except IntakeRefused as refused:
        return ScanResult(False, (refused.reason,))
    return scan_pixels(rgb, model=model, expected_state=expected_state, face_detector=face_detector)


def scan_pixels(rgb: np.ndarray, *, model: glyphs.GlyphModel | None = None,
                expected_state: str = EXPECTED_STATE, face_detector: FaceDetector | None = None) -> ScanResult:
    model = model or glyphs.default_model()
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY) if rgb.ndim == 3 else rgb
    best_failure: tuple[float, tuple[str, ...]] | None = None
    for candidate in locate.find_mrz(gray):
        read = _read_candidate(gray, candidate.quad, model)
        if read is None:
            continue
        decoded, band, upside_down = read
        if decoded.ok:
            result = _document_checks(decoded, expected_state)
            if result.ok and face_detector is not None and rgb.ndim == 3:
                portrait = find_portrait(rgb, candidate.quad, upside_down, face_detector)
                result = dataclasses.replace(result, portrait=portrait)
            return result
        problems = quality.band_problems(band.gray, band.ink)
        if problems:
            why = tuple(problems)
        elif decoded.fit < NOT_MRZ_FIT:  # sharp text that is not an MRZ: the zone is not in the photo
            why = (reasons.MRZ_NOT_FOUND,)
        else:
            why = (reasons.MRZ_UNREADABLE if decoded.uncertain else reasons.MRZ_INCONSISTENT,)
        if best_failure is None or decoded.confidence > best_failure[0]:
            best_failure = (decoded.confidence, why)
    if best_failure is not None:
        return ScanResult(False, best_failure[1], confidence=best_failure[0])
    return ScanResult(False, tuple(quality.photo_problems(gray)) or (reasons.MRZ_NOT_FOUND,))


def _read_candidate(gray, quad, model):
    """Both readings of the band; the one the classifier is surer of wins."""
    best = None
    for upside_down in (False, True):
        band = lines.rectify(gray, quad, upside_down=upside_down)
        cut = lines.cells(band)
        if cut is None:
            continue
        probabilities = model.probabilities(np.concatenate([glyphs.cell_features(line.cells) for line in cut]))
        score = float(np.log(probabilities.max(axis=1) + 1e-6).mean())
        if best is None or score > best[0]:
            best = (score, probabilities, band, upside_down)
    if best is None:
        return None
    return correct.decode(best[1]), best[2], best[3]


def _document_checks(decoded: correct.Decoded, expected_state: str) -> ScanResult:
    try:
        mrz = parse_mrz(decoded.text)
    except MRZError:
        return ScanResult(False, (reasons.MRZ_INCONSISTENT,), confidence=decoded.confidence)
    if mrz.date_of_birth and mrz.birth_date() is not None and mrz.birth_date() > dt.date.today():
        return ScanResult(False, (reasons.MRZ_INCONSISTENT,), confidence=decoded.confidence)
    refused = []
    if mrz.document_code[:1] != "P":
        refused.append(reasons.NOT_A_PASSPORT)
    if mrz.issuing_state != expected_state:
        refused.append(reasons.ISSUING_STATE_NOT_UZB)
    if mrz.nationality != expected_state:
        refused.append(reasons.NATIONALITY_NOT_UZB)
    return ScanResult(not refused, tuple(refused), mrz, decoded.confidence, decoded.corrections)
