"""Shared, session-scoped fixtures: models, test faces and their embeddings.

dlib is slow (model loading about 1 s, one embedding about 70 ms), so every
expensive result is computed once per test session.
"""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

# The helper modules next to this file (bio_images, bio_synthetic) are
# imported by name, whatever pytest's import mode.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bio_images as images  # noqa: E402
from bio_synthetic import SyntheticFace  # noqa: E402
from biometrics import BiometricsSettings, FaceAnalyzer  # noqa: E402


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


@pytest.fixture(scope="session")
def rendered_hopper(hopper_frame, synthetic_face):
    """Grace Hopper's frame re-rendered in each action's peak pose:
    {pose name: (pixels, landmarks)}. See bio_synthetic.rendered."""
    from bio_synthetic import NEUTRAL, PEAK, rendered

    frame, points = hopper_frame
    out = {"neutral": (frame, synthetic_face_points(synthetic_face, points, NEUTRAL))}
    for name, pose in PEAK.items():
        out[name] = rendered(frame, points, synthetic_face, pose)
    return out


def synthetic_face_points(face, measured, pose):
    """The synthetic landmarks of `pose`, placed on the measured face."""
    import cv2

    neutral = face.landmarks()
    matrix, _ = cv2.estimateAffinePartial2D(neutral.astype(np.float32), measured.astype(np.float32))
    return face.landmarks(pose) @ matrix[:, :2].T + matrix[:, 2]


# Poses strong enough that dlib's own landmarks, measured on the re-rendered
# pixels, see the action: a left turn and a broad smile.
LIVE_POSES = {"turn_left_half": dict(yaw=17.0), "turn_left": dict(yaw=35.0), "smile": dict(smile=1.6)}
LIVE_SEQUENCE = (["neutral"] * 5 + ["turn_left_half", "turn_left", "turn_left", "turn_left_half"]
                 + ["neutral"] * 3 + ["smile"] * 3 + ["neutral"] * 5)  # 20 frames


@pytest.fixture(scope="session")
def live_pixels(hopper_frame, synthetic_face):
    """Grace Hopper performing "turn left, smile" as 20 camera frames (RGB)."""
    from bio_synthetic import Pose, rendered

    frame, points = hopper_frame
    poses = {"neutral": frame}
    for name, pose in LIVE_POSES.items():
        poses[name] = rendered(frame, points, synthetic_face, Pose(**pose))[0]
    return [poses[name] for name in LIVE_SEQUENCE]
