"""Biometrics for remote enrollment: image intake, face detection, quality,
embedding and match against the passport chip portrait, and active liveness.

A pure library: no web framework, no database, no network. The enrollment
server calls:

* `LivenessService.create_challenge(subject=...)` and
  `LivenessService.verify_liveness(challenge_id, frames, nonce=...,
  reference_portrait=..., expected_subject=...) -> LivenessResult`;
* `FaceAnalyzer.analyze(image, role="reference" | "selfie")` to check a chip
  portrait or a still selfie early, and `FaceAnalyzer.match(reference, probe)`.

Every refusal carries a stable reason code and a hint key (`reasons.py`).
"""

from .config import BiometricsSettings, ImageLimits
from .errors import BiometricsError
from .faces import FaceAnalysis, FaceAnalyzer
from .intake import DecodedImage, decode_image
from .liveness import (
    Action,
    CapturedFrame,
    Challenge,
    ChallengeStore,
    CheckResult,
    DlibLivenessEngine,
    FixedLivenessEngine,
    FrameFingerprintStore,
    InMemoryChallengeStore,
    InMemoryFingerprintStore,
    LivenessEngine,
    LivenessResult,
    LivenessService,
    build_liveness_engine,
    register_liveness_engine,
)
from .match import MatchResult
from .reasons import HINTS, REASONS, describe

__all__ = [
    "Action",
    "BiometricsError",
    "BiometricsSettings",
    "CapturedFrame",
    "Challenge",
    "ChallengeStore",
    "CheckResult",
    "DecodedImage",
    "DlibLivenessEngine",
    "FaceAnalysis",
    "FaceAnalyzer",
    "FixedLivenessEngine",
    "FrameFingerprintStore",
    "HINTS",
    "ImageLimits",
    "InMemoryChallengeStore",
    "InMemoryFingerprintStore",
    "LivenessEngine",
    "LivenessResult",
    "LivenessService",
    "MatchResult",
    "REASONS",
    "build_liveness_engine",
    "decode_image",
    "describe",
    "register_liveness_engine",
]
