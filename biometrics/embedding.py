"""128-dimensional face embeddings from dlib's ResNet recognition model.

Faces are aligned with the 5-point landmark model (the alignment the
recognition model is meant to be used with, and trained on dlib's own
annotations) rather than the 68-point one: both sides of a comparison must
use the same alignment, because switching between them alone moves the
embedding of one photo by about 0.16.

An embedding is biometric data. `FaceEmbedding` never shows its vector in
`repr` and has no `to_dict`; only distances leave this package.
"""

from __future__ import annotations

import numpy as np

from .detection import FaceBox, FaceDetector
from .models import FaceModels

__all__ = ["Embedder", "FaceEmbedding", "distance"]


class FaceEmbedding:
    __slots__ = ("_vector",)

    def __init__(self, vector: np.ndarray) -> None:
        vector = np.asarray(vector, dtype=np.float64).reshape(-1)
        if vector.shape != (128,) or not np.all(np.isfinite(vector)):
            raise ValueError("an embedding is 128 finite numbers")
        vector.setflags(write=False)
        self._vector = vector

    @property
    def vector(self) -> np.ndarray:
        return self._vector

    def distance(self, other: "FaceEmbedding") -> float:
        return float(np.linalg.norm(self._vector - other._vector))

    def __repr__(self) -> str:
        return "FaceEmbedding(<128-d, hidden>)"

    def __reduce__(self):  # keep it out of pickles made by accident
        raise TypeError("FaceEmbedding is biometric data and is not picklable")


def distance(a: FaceEmbedding, b: FaceEmbedding) -> float:
    return a.distance(b)


class Embedder:
    def __init__(self, models: FaceModels, detector: FaceDetector) -> None:
        self._models = models
        self._detector = detector

    def embed(self, rgb: np.ndarray, box: FaceBox) -> FaceEmbedding:
        shape = self._detector.alignment_shape(rgb, box)
        image = rgb if rgb.flags.c_contiguous else np.ascontiguousarray(rgb)
        with self._models.lock:  # the recognition network is not thread-safe
            vector = self._models.recognizer.compute_face_descriptor(image, shape, 0)
        return FaceEmbedding(np.array(vector))
