"""Settings for the biometrics library: one frozen, validated dataclass.

The server builds it from its own configuration, either directly or with
`BiometricsSettings.from_mapping(config, prefix="BIOMETRICS_")`, which accepts
strings as they come from the environment. Invalid values raise
`ConfigurationError` at start-up, not in the middle of an enrollment.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

from .errors import ConfigurationError

__all__ = ["ACTION_NAMES", "TURN_NAMES", "BiometricsSettings", "ImageLimits"]

ACTION_NAMES = ("blink", "turn_left", "turn_right", "smile", "open_mouth")
TURN_NAMES = ("turn_left", "turn_right")
DETECTORS = ("hog", "cnn")
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "JPEG2000")


@dataclass(frozen=True, slots=True)
class ImageLimits:
    """What one kind of image (selfie, frame, chip portrait) may be."""

    max_bytes: int
    max_pixels: int
    min_side: int
    formats: tuple[str, ...]
    # Large JPEGs are decoded at a reduced scale (DCT scaling) when possible.
    decode_max_side: int


@dataclass(frozen=True)
class BiometricsSettings:
    # --- models -------------------------------------------------------------
    detector: str = "hog"
    # None means the file shipped in face_recognition_models. The 68-point
    # landmark model is trained on iBUG 300-W (non-commercial terms): keep it
    # replaceable (see docs/biometrics-face-match.md).
    landmark_model_path: str | None = None
    alignment_model_path: str | None = None
    recognition_model_path: str | None = None
    cnn_detector_model_path: str | None = None

    # --- image intake ---------------------------------------------------------
    max_image_bytes: int = 10_000_000
    max_image_pixels: int = 40_000_000
    max_frame_bytes: int = 2_000_000
    max_frame_pixels: int = 4_200_000
    min_image_side: int = 64
    decode_max_side: int = 1600

    # --- detection and quality ----------------------------------------------
    detection_max_side: int = 400
    min_face_px: int = 80
    min_reference_face_px: int = 40
    secondary_face_ratio: float = 0.5
    secondary_face_min_score: float = 0.5
    min_sharpness: float = 60.0
    min_brightness: float = 45.0
    max_brightness: float = 215.0
    max_yaw_deg: float = 25.0
    max_pitch_deg: float = 35.0
    eyes_closed_ear: float = 0.16

    # --- match ----------------------------------------------------------------
    match_threshold: float = 0.50
    review_threshold: float = 0.60
    consistency_threshold: float = 0.55
    consistency_per_degree: float = 0.006  # allowance per degree of yaw between two frames
    identity_sample_frames: int = 3
    identity_extra_frames: int = 2

    # --- liveness: challenge and frames ---------------------------------------
    liveness_engine: str = "dlib"
    test_engine_outcome: str = "pass"
    actions: tuple[str, ...] = ("blink", "turn_left", "turn_right", "smile")
    min_actions: int = 2
    max_actions: int = 3
    challenge_lifetime_s: float = 120.0
    action_window_s: float = 6.0
    min_frames: int = 10
    # The capture page sends `frame_rate` frames a second, `blink_frame_rate`
    # while a blink is asked (a blink stays under the closed threshold for
    # 100-400 ms). Three actions with a blink: about 52 frames.
    max_frames: int = 60
    frame_rate: float = 6.0
    blink_frame_rate: float = 12.0
    min_frame_rate: float = 2.0
    max_frame_rate: float = 60.0
    max_frame_gap_s: float = 1.5
    max_faceless_fraction: float = 0.15
    # A face lost by the detector is looked for again where it was, with
    # this lower score, within this time of the last confident detection
    # (liveness/analysis.py).
    track_min_score: float = -0.8
    track_max_gap_s: float = 0.8
    max_duplicate_fraction: float = 0.2
    replay_ttl_s: float = 30 * 24 * 3600.0
    fingerprint_key: bytes = field(default=b"", repr=False)

    # --- liveness: action detection -------------------------------------------
    blink_closed_ratio: float = 0.70
    blink_open_ratio: float = 0.85
    turn_yaw_deg: float = 15.0
    smile_width_ratio: float = 1.12
    open_mouth_mar: float = 0.35
    min_parallax: float = 0.08
    planar_correlation: float = 0.97
    parallax_min_yaw_deg: float = 12.0
    # A blink or smile must not come with the shape change of a tilting
    # plane (action_geometry.py): relative change of the rigid landmarks.
    action_shape_change: float = 0.12
    # Passive cue: periodic texture (moire) on the face region (texture.py).
    screen_moire_score: float = 60.0
    # Passive cue: rolling refresh bands between consecutive frames (texture.py).
    screen_banding_score: float = 100.0

    def __post_init__(self) -> None:
        _validate(self)

    # -- derived -------------------------------------------------------------

    @property
    def selfie_limits(self) -> ImageLimits:
        return ImageLimits(
            self.max_image_bytes, self.max_image_pixels, self.min_image_side,
            ("JPEG", "PNG", "WEBP"), self.decode_max_side,
        )

    @property
    def frame_limits(self) -> ImageLimits:
        return ImageLimits(
            self.max_frame_bytes, self.max_frame_pixels, self.min_image_side,
            ("JPEG", "PNG", "WEBP"), self.decode_max_side,
        )

    @property
    def reference_limits(self) -> ImageLimits:
        # Chip portraits (ICAO 9303 Part 10, DG2) are JPEG or JPEG 2000 and small.
        return ImageLimits(
            self.max_image_bytes, self.max_image_pixels, 32,
            ("JPEG", "JPEG2000", "PNG"), self.decode_max_side,
        )

    def replace(self, **changes: Any) -> "BiometricsSettings":
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], *, prefix: str = "") -> "BiometricsSettings":
        """Build settings from a mapping; string values are converted.

        Keys are field names, upper- or lower-case, after `prefix`
        (e.g. ``BIOMETRICS_MATCH_THRESHOLD``). Unknown keys under the prefix
        are refused so that a typo does not silently keep a default.
        """
        fields = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for key, raw in mapping.items():
            if not key.upper().startswith(prefix.upper()):
                continue
            name = key[len(prefix):].lower()
            if name not in fields:
                if prefix:
                    raise ConfigurationError(f"unknown biometrics setting {key!r}")
                continue
            values[name] = _convert(name, fields[name].type, raw)
        return cls(**values)


def _convert(name: str, type_name: Any, raw: Any) -> Any:
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    try:
        if type_name == "int":
            return int(text)
        if type_name == "float":
            return float(text)
        if type_name == "bytes":
            return bytes.fromhex(text)
        if type_name == "tuple[str, ...]":
            return tuple(part.strip() for part in text.split(",") if part.strip())
        if type_name == "str | None":
            return text or None
    except ValueError as exc:
        raise ConfigurationError(f"{name}: cannot parse {raw!r}") from exc
    return text


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ConfigurationError(message)


def _validate(s: BiometricsSettings) -> None:
    for f in dataclasses.fields(s):
        value = getattr(s, f.name)
        if isinstance(value, float):
            _require(math.isfinite(value), f"{f.name} must be finite")
    _require(s.detector in DETECTORS, f"detector must be one of {DETECTORS}")
    for name in ("max_image_bytes", "max_image_pixels", "max_frame_bytes", "max_frame_pixels",
                 "min_image_side", "decode_max_side", "detection_max_side", "min_face_px",
                 "min_reference_face_px", "min_frames", "max_frames"):
        _require(getattr(s, name) > 0, f"{name} must be positive")
    _require(s.detection_max_side >= 160, "detection_max_side must be at least 160")
    _require(s.decode_max_side >= s.detection_max_side, "decode_max_side must be >= detection_max_side")
    _require(0.0 < s.secondary_face_ratio <= 1.0, "secondary_face_ratio must be in (0, 1]")
    _require(0.0 <= s.min_brightness < s.max_brightness <= 255.0,
             "brightness bounds must satisfy 0 <= min < max <= 255")
    _require(s.min_sharpness >= 0.0, "min_sharpness must not be negative")
    _require(0.0 < s.max_yaw_deg <= 90.0 and 0.0 < s.max_pitch_deg <= 90.0, "pose limits must be in (0, 90]")
    _require(0.0 <= s.eyes_closed_ear < 1.0, "eyes_closed_ear must be in [0, 1)")
    # Distances between dlib embeddings lie in [0, 2]; above 0.6 the model's
    # own training margin is exceeded, so a looser threshold is refused.
    _require(0.0 < s.match_threshold <= 0.6, "match_threshold must be in (0, 0.6]")
    _require(s.match_threshold <= s.review_threshold <= 0.8,
             "review_threshold must be in [match_threshold, 0.8]")
    _require(0.0 < s.consistency_threshold <= 0.7, "consistency_threshold must be in (0, 0.7]")
    _require(0.0 <= s.consistency_per_degree <= 0.02, "consistency_per_degree must be in [0, 0.02]")
    _require(s.identity_sample_frames >= 2, "identity_sample_frames must be at least 2")
    _require(s.identity_extra_frames >= 0, "identity_extra_frames must not be negative")
    _require(bool(s.liveness_engine), "liveness_engine must be named")
    _require(s.test_engine_outcome in ("pass", "fail", "review"),
             "test_engine_outcome must be pass, fail or review")
    _require(len(s.actions) == len(set(s.actions)), "actions must not repeat")
    unknown = set(s.actions) - set(ACTION_NAMES)
    _require(not unknown, f"unknown actions {sorted(unknown)}; known: {ACTION_NAMES}")
    _require(1 <= s.min_actions <= s.max_actions <= len(s.actions),
             "need 1 <= min_actions <= max_actions <= number of actions")
    # Every challenge includes a head turn: the only action a flat picture
    # cannot imitate without showing its flatness (planarity.py).
    _require(bool(set(s.actions) & set(TURN_NAMES)), f"actions must include a head turn {TURN_NAMES}")
    _require(s.challenge_lifetime_s >= 10.0, "challenge_lifetime_s must be at least 10 s")
    _require(s.action_window_s >= 1.0, "action_window_s must be at least 1 s")
    _require(s.min_frames >= 4, "min_frames must be at least 4")
    _require(s.min_frames <= s.max_frames <= 300, "need min_frames <= max_frames <= 300")
    _require(0.0 < s.min_frame_rate < s.max_frame_rate <= 240.0, "frame-rate bounds must satisfy 0 < min < max <= 240")
    _require(s.min_frame_rate <= s.frame_rate <= s.blink_frame_rate <= s.max_frame_rate,
             "need min_frame_rate <= frame_rate <= blink_frame_rate <= max_frame_rate")
    _require(s.max_frame_gap_s > 0.0, "max_frame_gap_s must be positive")
    _require(0.0 <= s.max_faceless_fraction < 0.5, "max_faceless_fraction must be in [0, 0.5)")
    _require(-1.5 <= s.track_min_score <= 0.0, "track_min_score must be in [-1.5, 0]")
    _require(0.0 <= s.track_max_gap_s <= 2.0, "track_max_gap_s must be in [0, 2]")
    _require(0.0 <= s.max_duplicate_fraction < 0.5, "max_duplicate_fraction must be in [0, 0.5)")
    _require(s.replay_ttl_s > 0.0, "replay_ttl_s must be positive")
    _require(0.0 < s.blink_closed_ratio < s.blink_open_ratio <= 1.0,
             "need 0 < blink_closed_ratio < blink_open_ratio <= 1")
    _require(5.0 <= s.turn_yaw_deg <= 60.0, "turn_yaw_deg must be in [5, 60]")
    _require(s.smile_width_ratio > 1.0, "smile_width_ratio must exceed 1")
    _require(s.open_mouth_mar > 0.0, "open_mouth_mar must be positive")
    _require(s.min_parallax >= 0.0, "min_parallax must not be negative")
    _require(0.5 < s.planar_correlation <= 1.0, "planar_correlation must be in (0.5, 1]")
    _require(0.0 < s.parallax_min_yaw_deg <= s.turn_yaw_deg, "parallax_min_yaw_deg must be in (0, turn_yaw_deg]")
    _require(0.0 < s.action_shape_change < 1.0, "action_shape_change must be in (0, 1)")
    _require(s.screen_moire_score > 1.0, "screen_moire_score must exceed 1")
    _require(isinstance(s.fingerprint_key, bytes), "fingerprint_key must be bytes")
