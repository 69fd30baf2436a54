"""Liveness engines: the interface and the built-in dlib/OpenCV engine.

An engine receives a challenge (already checked: not expired, not reused,
nonce right), decoded frames (timing, duplicates and replay already
checked) and the chip portrait, and returns its checks and the face match.
A vendor's engine plugs in by implementing `LivenessEngine` and registering
a factory with `register_liveness_engine` (router.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence, runtime_checkable

from ..config import BiometricsSettings
from ..errors import ReferencePortraitError
from ..faces import FaceAnalysis, FaceAnalyzer
from ..match import MatchResult
from .action_geometry import check_action_geometry
from .analysis import FrameAnalysis, FrameAnalyzer
from .challenge import Challenge
from .checks import check_frame_quality, check_one_face
from .frames import DecodedFrame
from .identity import check_identity, match_reference
from .planarity import check_planarity
from .results import CheckResult
from .state_machine import verify_actions
from .texture import check_screen_banding, check_screen_texture

__all__ = ["DlibLivenessEngine", "EngineVerdict", "LivenessEngine", "Reference"]

Reference = bytes | FaceAnalysis | None


@dataclass(frozen=True)
class EngineVerdict:
    checks: tuple[CheckResult, ...]
    match: MatchResult | None = None


@runtime_checkable
class LivenessEngine(Protocol):
    name: str

    def evaluate(self, challenge: Challenge, frames: Sequence[DecodedFrame], *,
                 reference_portrait: Reference) -> EngineVerdict: ...


class DlibLivenessEngine:
    """Active liveness from landmarks (dlib) and geometry (OpenCV)."""

    name = "dlib"

    def __init__(self, settings: BiometricsSettings | None = None, *, faces: FaceAnalyzer | None = None) -> None:
        self.faces = faces or FaceAnalyzer(settings)
        self.settings = self.faces.settings
        self.frame_analyzer = FrameAnalyzer(self.faces)

    def evaluate(self, challenge: Challenge, frames: Sequence[DecodedFrame], *,
                 reference_portrait: Reference) -> EngineVerdict:
        analyses = self.frame_analyzer.analyze(frames)
        return self.decide(challenge, analyses, reference_portrait=reference_portrait)

    def decide(self, challenge: Challenge, analyses: Sequence[FrameAnalysis], *,
               reference_portrait: Reference) -> EngineVerdict:
        """All checks on analysed frames, in a fixed order."""
        s = self.settings
        one_face = check_one_face(analyses, s)
        if not one_face.passed:
            return EngineVerdict((one_face,))
        faces = [a for a in analyses if a.has_face]
        actions = verify_actions(faces, expected_actions=challenge.actions,
                                 action_window_s=challenge.action_window_s, settings=s)
        checks = [
            one_face,
            CheckResult("actions", actions.passed, actions.reason,
                        None if actions.score is None else round(actions.score, 4),
                        {"asked": [a.value for a in challenge.actions],
                         "detected": [e.action.value for e in actions.events], **actions.details}),
        ]
        base = actions.baseline
        checks.append(check_planarity(faces, base, s))
        checks.append(check_action_geometry(faces, actions.events, base, s))
        checks.append(check_screen_texture(faces, s))
        checks.append(check_screen_banding(faces, s))
        checks.append(check_frame_quality(faces, base, s))
        identity = check_identity(faces, base.yaw, self.faces.embedder, s)
        checks.append(identity.consistency)
        match = None
        if reference_portrait is not None:
            try:
                reference = (reference_portrait if isinstance(reference_portrait, FaceAnalysis)
                             else self.faces.analyze(reference_portrait, role="reference"))
            except ReferencePortraitError as exc:
                checks.append(CheckResult("face_match", False, exc.reason, None, {"cause": exc.cause}))
            else:
                match_check, match = match_reference(reference.embedding, identity.frontal, s)
                checks.append(match_check)
        return EngineVerdict(tuple(checks), match)
