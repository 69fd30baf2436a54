"""Active liveness: challenges, frame checks, engines and the service."""

from .actions import Action
from .analysis import FrameAnalysis, FrameAnalyzer
from .challenge import Challenge, ChallengeStore, InMemoryChallengeStore, new_challenge
from .engine import DlibLivenessEngine, EngineVerdict, LivenessEngine
from .frames import CapturedFrame, DecodedFrame
from .replay import FrameFingerprintStore, InMemoryFingerprintStore, fingerprint
from .results import CheckResult, LivenessResult
from .router import build_liveness_engine, engine_names, register_liveness_engine
from .service import LivenessService
from .test_engine import FixedLivenessEngine

__all__ = [
    "Action",
    "CapturedFrame",
    "Challenge",
    "ChallengeStore",
    "CheckResult",
    "DecodedFrame",
    "DlibLivenessEngine",
    "EngineVerdict",
    "FixedLivenessEngine",
    "FrameAnalysis",
    "FrameAnalyzer",
    "FrameFingerprintStore",
    "InMemoryChallengeStore",
    "InMemoryFingerprintStore",
    "LivenessEngine",
    "LivenessResult",
    "LivenessService",
    "build_liveness_engine",
    "engine_names",
    "fingerprint",
    "new_challenge",
    "register_liveness_engine",
]
