"""One person throughout, and the same person as the chip portrait.

Embeddings cost about 140 ms each on one core, so not every frame gets one.
Chosen frames: `identity_sample_frames` spread evenly over the capture,
preferring frontal frames that pass the quality checks. Then a cheap check
runs on *every* frame: the aligned face patch of each frame is compared with
the previous one (normalised cross-correlation); where appearance jumps,
the frame across the jump is embedded too (up to `identity_extra_frames`
more, the sharpest jumps first). A face swapped into a few frames therefore
cannot hide between samples.

* consistency: the distance between any two embedded frames must stay
  within `consistency_threshold` plus `consistency_per_degree` for each
  degree of yaw between them: embeddings of one face drift as it turns
  (docs/biometrics-liveness.md gives the measured figures), while another
  face is as far already in the same pose;
* match: the median distance from the chip portrait to the embedded frontal
  frames decides (see match.py); the median, not the minimum, so that more
  frames do not mean more chances for an impostor.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Sequence

from ..config import BiometricsSettings
from ..embedding import Embedder, FaceEmbedding
from ..geometry import yaw_between
from ..match import MatchResult, compare
from .analysis import FrameAnalysis, appearance_similarity
from .results import CheckResult

__all__ = ["IdentityOutcome", "check_identity", "pair_limit", "select_frames"]

_JUMP_SIMILARITY = 0.65  # consecutive-frame correlation below this is suspicious


@dataclass(frozen=True)
class IdentityOutcome:
    consistency: CheckResult
    embedded: tuple[int, ...]  # positions in the face-frame list
    frontal: tuple[FaceEmbedding, ...]


def _is_frontal(frame: FrameAnalysis, base_yaw: float, s: BiometricsSettings) -> bool:
    return abs(frame.geometry.yaw - base_yaw) < s.parallax_min_yaw_deg


def select_frames(frames: Sequence[FrameAnalysis], base_yaw: float, s: BiometricsSettings) -> list[int]:
    # Frames found only by following a turned face (`tracked`) are not
    # embedded: the recognition model is unreliable on faces the detector
    # itself no longer finds. A jump into or out of such a run escalates the
    # nearest detected frame beyond it, so a face swapped in there is
    # embedded where the run ends.
    detected = [i for i, f in enumerate(frames) if not f.tracked]
    good = [i for i in detected
            if _is_frontal(frames[i], base_yaw, s) and frames[i].quality is not None and frames[i].quality.passed]
    pool = good if len(good) >= 2 else (detected or list(range(len(frames))))
    want = min(s.identity_sample_frames, len(pool))
    picks = {pool[round(k * (len(pool) - 1) / max(1, want - 1))] for k in range(want)}
    # Escalate appearance jumps between consecutive frames.
    jumps = []
    for i in range(1, len(frames)):
        a, b = frames[i - 1].chip, frames[i].chip
        if a is not None and b is not None:
            similarity = appearance_similarity(a, b)
            if similarity < _JUMP_SIMILARITY:
                jumps.append((similarity, i))
    # For each jump, most suspicious first, one frame on the side of the
    # jump not yet embedded: a swapped segment shows a jump in and a jump out.
    extra: list[int] = []
    for _, i in sorted(jumps):
        if len(extra) >= s.identity_extra_frames:
            break
        for j in (_detected_from(frames, i, +1), _detected_from(frames, i - 1, -1)):
            if j is not None and j not in picks and j not in extra:
                extra.append(j)
                break
    return sorted(picks | set(extra))


def _detected_from(frames: Sequence[FrameAnalysis], i: int, step: int) -> int | None:
    """`i`, or the first frame from it in direction `step` that the detector found."""
    while 0 <= i < len(frames):
        if not frames[i].tracked:
            return i
        i += step
    return None


def pair_limit(a: FrameAnalysis, b: FrameAnalysis, s: BiometricsSettings) -> float:
    """How far apart two frames' embeddings may be: `consistency_threshold`
    for frames in the same pose, plus `consistency_per_degree` for each
    degree of yaw between them (embeddings of one face drift as it turns)."""
    return s.consistency_threshold + s.consistency_per_degree * yaw_between(a.geometry, b.geometry)


def check_identity(
    frames: Sequence[FrameAnalysis],
    base_yaw: float,
    embedder: Embedder,
    settings: BiometricsSettings,
) -> IdentityOutcome:
    chosen = select_frames(frames, base_yaw, settings)
    embeddings = {i: embedder.embed(frames[i].pixels, frames[i].box) for i in chosen}
    worst, excess = 0.0, float("-inf")
    for a, b in combinations(chosen, 2):
        distance = embeddings[a].distance(embeddings[b])
        worst = max(worst, distance)
        excess = max(excess, distance - pair_limit(frames[a], frames[b], settings))
    passed = excess <= 0.0
    consistency = CheckResult(
        "identity_consistency", passed, None if passed else "identity_inconsistent",
        round(1.0 - worst, 4), {"embedded_frames": len(chosen), "max_distance": round(worst, 4),
                                "max_excess": round(max(excess, -1.0), 4)},
    )
    frontal = tuple(embeddings[i] for i in chosen if _is_frontal(frames[i], base_yaw, settings))
    if not frontal:
        frontal = tuple(embeddings.values())
    return IdentityOutcome(consistency, tuple(chosen), frontal)


def match_reference(reference: FaceEmbedding, probes: Sequence[FaceEmbedding],
                    settings: BiometricsSettings) -> tuple[CheckResult, MatchResult]:
    result = compare(reference, list(probes), settings)
    check = CheckResult("face_match", result.matched, result.reason, round(result.score, 4),
                        {"distance": round(result.distance, 4), "decision": result.decision,
                         "compared": result.compared})
    return check, result
