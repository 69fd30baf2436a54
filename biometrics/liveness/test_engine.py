"""A liveness engine with a fixed answer, for flows that need one.

It never looks at the frames. Constructing it with IDP_ENV=production (or
`environment="production"`) raises `ProductionRefusedError`: a test double
that approves everyone must never reach real citizens.
"""

from __future__ import annotations

import os
from typing import Sequence

from ..config import BiometricsSettings
from ..errors import ProductionRefusedError
from ..match import decide
from .challenge import Challenge
from .engine import EngineVerdict, Reference
from .frames import DecodedFrame
from .results import CheckResult

__all__ = ["FixedLivenessEngine", "production", "refuse_in_production"]

OUTCOMES = ("pass", "review", "fail")


def production(environment: str | None = None) -> bool:
    env = environment if environment is not None else os.environ.get("IDP_ENV", "")
    return env.strip().lower() == "production"


def refuse_in_production(what: str, environment: str | None = None) -> None:
    if production(environment):
        raise ProductionRefusedError(f"{what} is refused when IDP_ENV=production")


class FixedLivenessEngine:
    name = "test"

    def __init__(self, outcome: str = "pass", *, settings: BiometricsSettings | None = None,
                 environment: str | None = None) -> None:
        refuse_in_production("the test liveness engine", environment)
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}")
        self.outcome = outcome
        self.settings = settings or BiometricsSettings()

    def evaluate(self, challenge: Challenge, frames: Sequence[DecodedFrame], *,
                 reference_portrait: Reference) -> EngineVerdict:
        live = self.outcome != "fail"
        checks = [CheckResult("test_engine", live, None if live else "liveness_failed", 1.0 if live else 0.0,
                              {"fixed_outcome": self.outcome})]
        match = None
        if live and reference_portrait is not None:
            s = self.settings
            distance = 0.0 if self.outcome == "pass" else (s.match_threshold + s.review_threshold) / 2
            match = decide(distance, s)
            checks.append(CheckResult("face_match", match.matched, match.reason, match.score,
                                      {"decision": match.decision}))
        return EngineVerdict(tuple(checks), match)
