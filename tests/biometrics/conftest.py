"""Shared, session-scoped fixtures: models, test faces and their embeddings.

dlib is slow (model loading about 1 s, one embedding about 70 ms), so every
expensive result is computed once per test session.
"""

from __future__ import annotations

import numpy as np
import pytest

import bio_images as images
from bio_synthetic import SyntheticFace
from biometrics import BiometricsSettings, FaceAnalyzer


@pytest.fixture(scope="session")
def settings() -> BiometricsSettings:
    return BiometricsSettings()


@pytest.fixture(scope="session")
def analyzer(settings) -> FaceAnalyzer:
    return FaceAnalyzer(settings)


@pytest.fixture(scope="session")
def engine(analyzer):
    from biometrics.liveness import DlibLivenessEngine

    return DlibLivenessEngine(faces=analyzer)


@pytest.fixture(scope="session")
def hopper() -> np.ndarray:
    return images.grace_hopper()


@pytest.fixture(scope="session")
def hopper_jpeg() -> bytes:
    return images.grace_hopper_bytes()


@pytest.fixture(scope="session")
def collins() -> np.ndarray:
    return images.astronaut()


@pytest.fixture(scope="session")
def hopper_face(analyzer, hopper_jpeg):
    return analyzer.analyze(hopper_jpeg, role="selfie")


@pytest.fixture(scope="session")
def collins_face(analyzer, collins):
    return analyzer.analyze(images.encode(collins), role="selfie")


@pytest.fixture(scope="session")
def hopper_chip(hopper, hopper_face) -> bytes:
    """Grace Hopper as a passport chip would hold her: 120 px wide, JPEG q40."""
    return images.chip_portrait(hopper, hopper_face.box, width=120)


@pytest.fixture(scope="session")
def hopper_reference(analyzer, hopper_chip):
    return analyzer.analyze(hopper_chip, role="reference")


@pytest.fixture(scope="session")
def collins_reference(analyzer, collins, collins_face):
    return analyzer.analyze(images.chip_portrait(collins, collins_face.box, width=120), role="reference")


@pytest.fixture(scope="session")
def hopper_frame(analyzer) -> tuple[np.ndarray, np.ndarray]:
    """Grace Hopper on a 640x480 camera-sized frame, and her landmarks there."""
    frame = images.on_canvas(images.grace_hopper())
    box = analyzer.detector.detect(frame)[0]
    return frame, analyzer.detector.landmarks68(frame, box)


@pytest.fixture(scope="session")
def synthetic_face(hopper_frame) -> SyntheticFace:
    return SyntheticFace(hopper_frame[1])
