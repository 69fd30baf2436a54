"""Liveness engines with a fixed answer, for the refusals that need one."""
from __future__ import annotations

from biometrics import BiometricsSettings, FixedLivenessEngine, LivenessService
from biometrics.liveness import CheckResult, EngineVerdict
from biometrics.match import decide

from enrollment.services.stores import StateChallengeStore, StateFingerprintStore


class MismatchEngine:
    """Live, but someone else than the chip portrait shows."""

    name = "mismatch-double"

    def __init__(self, settings: BiometricsSettings):
        self.settings = settings

    def evaluate(self, challenge, frames, *, reference_portrait):
        match = decide(0.9, self.settings)
        return EngineVerdict((CheckResult("test_engine", True, None, 1.0),
                              CheckResult("face_match", False, match.reason, match.score,
                                          {"decision": match.decision})), match)


def use_engine(app, kind: str) -> LivenessService:
    """Give the app's enrollment a liveness service with this engine."""
    enrollment = app.extensions["enrollment"]
    settings = enrollment.biometrics_settings()
    engine = MismatchEngine(settings) if kind == "mismatch" else FixedLivenessEngine(kind, settings=settings)
    service = LivenessService(settings, engine=engine, challenge_store=StateChallengeStore(enrollment.idp.state),
                              fingerprint_store=StateFingerprintStore(enrollment.idp.state), environment="test")
    enrollment.liveness = service
    return service
