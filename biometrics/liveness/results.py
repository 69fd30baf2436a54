"""Liveness results: safe to log, store and show.

Nothing here holds an image, a landmark or an embedding; only pass/fail,
reason codes, hint keys and numbers that describe measurements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from ..match import MATCH, REVIEW, MatchResult
from ..reasons import describe

__all__ = ["CheckResult", "LivenessResult", "FAIL", "PASS", "REVIEW_OUTCOME"]

PASS, REVIEW_OUTCOME, FAIL = "pass", "review", "fail"


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    reason: str | None = None
    score: float | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "passed": self.passed}
        if self.reason:
            data["reason"] = self.reason
            data["hint_key"] = describe(self.reason).hint_key
        if self.score is not None:
            data["score"] = round(self.score, 4)
        if self.details:
            data["details"] = dict(self.details)
        return data


@dataclass(frozen=True)
class LivenessResult:
    """The verdict on one liveness submission.

    `outcome` is "pass" (live, and the face matches the chip portrait),
    "review" (live, but the match is uncertain or the chip portrait is
    unusable: a consular officer decides) or "fail". `passed` is true only
    for "pass".
    """

    challenge_id: str
    engine: str
    checks: tuple[CheckResult, ...]
    match: MatchResult | None = None
    frame_count: int = 0
    elapsed_ms: float = 0.0

    @property
    def liveness_passed(self) -> bool:
        return all(c.passed for c in self.checks if c.name != "face_match") and bool(self.checks)

    @property
    def outcome(self) -> str:
        if not self.liveness_passed:
            return FAIL
        match_check = next((c for c in self.checks if c.name == "face_match"), None)
        if match_check is None:
            return PASS
        if self.match is None:  # no usable reference portrait
            return REVIEW_OUTCOME
        return {MATCH: PASS, REVIEW: REVIEW_OUTCOME}.get(self.match.decision, FAIL)

    @property
    def passed(self) -> bool:
        return self.outcome == PASS

    @property
    def reasons(self) -> tuple[str, ...]:
        """Reason codes of everything that did not pass, most important first."""
        seen: list[str] = []
        for check in self.checks:
            if not check.passed and check.reason and check.reason not in seen:
                seen.append(check.reason)
        return tuple(seen)

    @property
    def hints(self) -> tuple[dict[str, str], ...]:
        return tuple({"reason": r, "hint_key": describe(r).hint_key, "hint": describe(r).hint}
                     for r in self.reasons)

    def check(self, name: str) -> CheckResult | None:
        return next((c for c in self.checks if c.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "challenge_id": self.challenge_id,
            "engine": self.engine,
            "outcome": self.outcome,
            "passed": self.passed,
            "reasons": list(self.reasons),
            "hints": [dict(h) for h in self.hints],
            "checks": [c.to_dict() for c in self.checks],
            "match": self.match.to_dict() if self.match else None,
            "frame_count": self.frame_count,
            "elapsed_ms": round(self.elapsed_ms, 1),
        }
