"""Still images: a selfie or a chip portrait to one checked, embedded face.

`FaceAnalyzer` is the entry point for anything that is not a liveness
capture: the consular desk photo, a quality pre-check of a selfie, and the
chip portrait (DG2) that liveness captures are matched against.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .config import BiometricsSettings
from .detection import FaceBox, FaceDetector
from .embedding import Embedder, FaceEmbedding
from .errors import (
    BiometricsError,
    FaceTooSmallError,
    MultipleFacesError,
    NoFaceError,
    ReferencePortraitError,
)
from .geometry import FaceGeometry, measure
from .intake import DecodedImage, decode_image
from .match import MatchResult, compare
from .models import FaceModels, load_models
from .quality import QualityReport, assess_quality

__all__ = ["FaceAnalysis", "FaceAnalyzer"]

ROLES = ("selfie", "reference")


@dataclass(frozen=True)
class FaceAnalysis:
    """One face found in a still image. `repr` and `to_dict` are safe to log."""

    role: str
    box: FaceBox
    geometry: FaceGeometry
    quality: QualityReport
    embedding: FaceEmbedding = field(repr=False, compare=False)
    image_format: str = ""

    def to_dict(self) -> dict:
        return {"role": self.role, "face_width_px": self.box.width, "format": self.image_format,
                "quality": self.quality.to_dict()}


class FaceAnalyzer:
    def __init__(self, settings: BiometricsSettings | None = None, *, models: FaceModels | None = None) -> None:
        self.settings = settings or BiometricsSettings()
        self.models = models or load_models(self.settings)
        self.detector = FaceDetector(self.settings, self.models)
        self.embedder = Embedder(self.models, self.detector)

    def analyze(self, image: bytes | np.ndarray, *, role: str = "selfie", enforce_quality: bool = True) -> FaceAnalysis:
        """Exactly one face, checked for quality, with its embedding.

        For the "reference" role every refusal is wrapped in
        `ReferencePortraitError` (reason ``reference_unusable``, the original
        reason in `cause`): the person cannot retake their passport photo.
        """
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}")
        if role == "reference":
            try:
                return self._analyze(image, role, enforce_quality)
            except ReferencePortraitError:
                raise
            except BiometricsError as exc:
                raise ReferencePortraitError(str(exc), cause=exc.reason) from None
        return self._analyze(image, role, enforce_quality)

    def match(self, reference: bytes | np.ndarray | FaceAnalysis, probe: bytes | np.ndarray | FaceAnalysis) -> MatchResult:
        """Match a selfie (probe) against a chip portrait (reference)."""
        ref = reference if isinstance(reference, FaceAnalysis) else self.analyze(reference, role="reference")
        prb = probe if isinstance(probe, FaceAnalysis) else self.analyze(probe, role="selfie")
        return compare(ref.embedding, [prb.embedding], self.settings)

    def _analyze(self, image: bytes | np.ndarray, role: str, enforce_quality: bool) -> FaceAnalysis:
        decoded = self._decode(image, role)
        rgb = decoded.pixels
        box = self._single_face(rgb, role)
        points = self.detector.landmarks68(rgb, box)
        geometry = measure(points, rgb.shape[:2])
        quality = assess_quality(rgb, box, geometry, self.settings, role=role)
        if enforce_quality:
            quality.raise_for_failure()
        embedding = self.embedder.embed(rgb, box)
        return FaceAnalysis(role=role, box=box, geometry=geometry, quality=quality,
                            embedding=embedding, image_format=decoded.format)

    def _decode(self, image: bytes | np.ndarray, role: str) -> DecodedImage:
        if isinstance(image, np.ndarray):
            if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
                raise ValueError("pixel arrays must be RGB uint8 of shape (h, w, 3)")
            pixels = np.ascontiguousarray(image)
            return DecodedImage(pixels=pixels, format="RGB", width=pixels.shape[1], height=pixels.shape[0])
        limits = self.settings.reference_limits if role == "reference" else self.settings.selfie_limits
        return decode_image(image, limits)

    def _single_face(self, rgb: np.ndarray, role: str) -> FaceBox:
        boxes = self.detector.detect(rgb, upsample=0)
        if not boxes and role == "reference":
            # Chip portraits are small: look again at twice the resolution.
            boxes = self.detector.detect(rgb, upsample=1)
        if not boxes:
            # Last try for small faces, only to say "move closer" rather than "no face".
            small = self.detector.detect(rgb, upsample=1, max_side=max(rgb.shape[:2]))
            if small:
                raise FaceTooSmallError(f"face {small[0].width}px wide")
            raise NoFaceError("no face detected")
        significant = self.detector.significant(boxes)
        if len(significant) > 1:
            raise MultipleFacesError(f"{len(significant)} faces")
        return boxes[0]
