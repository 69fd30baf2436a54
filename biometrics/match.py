"""Comparison of two embeddings: a distance, a score and a decision.

* distance: Euclidean distance between dlib embeddings (0 = identical);
* score: `1 - distance`, clipped to [0, 1]; higher means more alike. It is a
  similarity for display and logging, not a probability;
* decision: "match" when distance <= match_threshold, "review" up to
  review_threshold (a consular officer looks at the case: false rejects hurt
  most for this population), "no_match" above.

See docs/biometrics-face-match.md for how the default thresholds were chosen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .config import BiometricsSettings
from .embedding import FaceEmbedding

__all__ = ["MATCH", "NO_MATCH", "REVIEW", "MatchResult", "compare", "decide"]

MATCH, REVIEW, NO_MATCH = "match", "review", "no_match"


@dataclass(frozen=True, slots=True)
class MatchResult:
    distance: float
    score: float
    threshold: float
    review_threshold: float
    decision: str
    compared: int = 1  # how many probe images went into `distance`

    @property
    def matched(self) -> bool:
        return self.decision == MATCH

    @property
    def reason(self) -> str | None:
        return {MATCH: None, REVIEW: "face_match_uncertain", NO_MATCH: "face_mismatch"}[self.decision]

    def to_dict(self) -> dict:
        return {
            "distance": round(self.distance, 4),
            "score": round(self.score, 4),
            "threshold": self.threshold,
            "review_threshold": self.review_threshold,
            "decision": self.decision,
            "compared": self.compared,
            "reason": self.reason,
        }


def decide(distance: float, settings: BiometricsSettings, *, compared: int = 1) -> MatchResult:
    if distance <= settings.match_threshold:
        decision = MATCH
    elif distance <= settings.review_threshold:
        decision = REVIEW
    else:
        decision = NO_MATCH
    return MatchResult(
        distance=float(distance),
        score=float(min(1.0, max(0.0, 1.0 - distance))),
        threshold=settings.match_threshold,
        review_threshold=settings.review_threshold,
        decision=decision,
        compared=compared,
    )


def compare(
    reference: FaceEmbedding,
    probes: Sequence[FaceEmbedding],
    settings: BiometricsSettings,
) -> MatchResult:
    """Match a reference against one or more probe images of one person.

    Several probes (frames of a liveness capture) are combined by the median
    distance: taking the minimum would give an impostor one chance per frame.
    """
    if not probes:
        raise ValueError("at least one probe embedding is needed")
    distances = [reference.distance(p) for p in probes]
    return decide(float(np.median(distances)), settings, compared=len(distances))
