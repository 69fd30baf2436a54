"""Typed errors: one class per reason code, rooted at `BiometricsError`.

An error carries its stable `reason` code, a `hint_key` the web layer
translates, and an English `hint`. `str(error)` is a short technical detail for
logs; it never contains image data, embeddings or personal data.
"""

from __future__ import annotations

from typing import ClassVar

from .reasons import describe

__all__ = [
    "BiometricsError",
    "CaptureTooLongError",
    "ChallengeError",
    "ChallengeExpiredError",
    "ChallengeMismatchError",
    "ChallengeNotFoundError",
    "ConfigurationError",
    "EngineUnavailableError",
    "EyesClosedError",
    "FaceBlurredError",
    "FaceCutOffError",
    "FaceError",
    "FaceQualityError",
    "FaceTooBrightError",
    "FaceTooDarkError",
    "FaceTooSmallError",
    "FaceTurnedAwayError",
    "FrameRateError",
    "FrameSequenceError",
    "FramesDuplicatedError",
    "ImageDimensionsTooLargeError",
    "ImageEmptyError",
    "ImageError",
    "ImageTooLargeError",
    "ImageTooSmallError",
    "ImageUnreadableError",
    "ModelUnavailableError",
    "MultipleFacesError",
    "NoFaceError",
    "ProductionRefusedError",
    "ReferencePortraitError",
    "ReplayedFramesError",
    "TimestampsInvalidError",
    "TooFewFramesError",
    "TooManyFramesError",
    "UnsupportedImageFormatError",
    "error_for_reason",
]


class BiometricsError(Exception):
    """Root of every error this package raises on purpose."""

    reason: ClassVar[str] = "liveness_failed"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.reason)
        self.detail = detail

    @property
    def hint_key(self) -> str:
        return describe(self.reason).hint_key

    @property
    def hint(self) -> str:
        return describe(self.reason).hint

    def to_dict(self) -> dict[str, str]:
        """Reason, hint key and hint: safe to log and to show."""
        return {"reason": self.reason, "hint_key": self.hint_key, "hint": self.hint}


# --- image intake -----------------------------------------------------------


class ImageError(BiometricsError):
    reason = "image_unreadable"


class ImageEmptyError(ImageError):
    reason = "image_empty"


class ImageTooLargeError(ImageError):
    """More bytes than the configured limit."""

    reason = "image_too_large"


class ImageDimensionsTooLargeError(ImageError):
    """More pixels than the configured limit (decompression bombs land here)."""

    reason = "image_dimensions_too_large"


class ImageTooSmallError(ImageError):
    reason = "image_too_small"


class UnsupportedImageFormatError(ImageError):
    reason = "image_format_unsupported"


class ImageUnreadableError(ImageError):
    """Truncated, corrupt, or otherwise undecodable."""

    reason = "image_unreadable"


# --- faces -----------------------------------------------------------------


class FaceError(BiometricsError):
    reason = "no_face"


class NoFaceError(FaceError):
    reason = "no_face"


class MultipleFacesError(FaceError):
    reason = "multiple_faces"


class FaceQualityError(FaceError):
    """A face was found but is not good enough to compare."""

    reason = "face_blurred"


class FaceTooSmallError(FaceQualityError):
    reason = "face_too_small"


class FaceCutOffError(FaceQualityError):
    reason = "face_cut_off"


class FaceBlurredError(FaceQualityError):
    reason = "face_blurred"


class FaceTooDarkError(FaceQualityError):
    reason = "face_too_dark"


class FaceTooBrightError(FaceQualityError):
    reason = "face_too_bright"


class FaceTurnedAwayError(FaceQualityError):
    reason = "face_turned_away"


class EyesClosedError(FaceQualityError):
    reason = "eyes_closed"


class ReferencePortraitError(BiometricsError):
    """The chip portrait (DG2) cannot be used; `cause` is the underlying reason."""

    reason = "reference_unusable"

    def __init__(self, detail: str = "", *, cause: str = "") -> None:
        super().__init__(detail)
        self.cause = cause

    def to_dict(self) -> dict[str, str]:
        return {**super().to_dict(), "cause": self.cause}


# --- liveness challenge and frames -----------------------------------------


class ChallengeError(BiometricsError):
    reason = "challenge_unknown"


class ChallengeNotFoundError(ChallengeError):
    """Unknown, or already used: challenges are single use."""

    reason = "challenge_unknown"


class ChallengeExpiredError(ChallengeError):
    reason = "challenge_expired"


class ChallengeMismatchError(ChallengeError):
    """Nonce or subject of the upload differs from the challenge."""

    reason = "challenge_mismatch"


class FrameSequenceError(BiometricsError):
    reason = "timestamps_invalid"


class TooFewFramesError(FrameSequenceError):
    reason = "too_few_frames"


class TooManyFramesError(FrameSequenceError):
    reason = "too_many_frames"


class TimestampsInvalidError(FrameSequenceError):
    reason = "timestamps_invalid"


class FrameRateError(FrameSequenceError):
    reason = "frame_rate_implausible"


class CaptureTooLongError(FrameSequenceError):
    reason = "capture_too_long"


class FramesDuplicatedError(FrameSequenceError):
    """Too many pixel-identical frames inside one submission."""

    reason = "frames_duplicated"


class ReplayedFramesError(FrameSequenceError):
    """Frames identical to those of an earlier submission."""

    reason = "replayed_frames"


# --- operator-side problems --------------------------------------------------


class ConfigurationError(BiometricsError):
    reason = "config_invalid"


class ModelUnavailableError(ConfigurationError):
    reason = "model_unavailable"


class ProductionRefusedError(ConfigurationError):
    """A test double was asked for while IDP_ENV=production."""

    reason = "config_invalid"


class EngineUnavailableError(BiometricsError):
    reason = "liveness_unavailable"


_BY_REASON: dict[str, type[BiometricsError]] = {}
for _cls in list(globals().values()):
    if isinstance(_cls, type) and issubclass(_cls, BiometricsError):
        _BY_REASON.setdefault(_cls.reason, _cls)
# The most specific class wins for reasons shared with a base class.
_BY_REASON.update(
    {
        "image_unreadable": ImageUnreadableError,
        "no_face": NoFaceError,
        "face_blurred": FaceBlurredError,
        "challenge_unknown": ChallengeNotFoundError,
        "timestamps_invalid": TimestampsInvalidError,
        "config_invalid": ConfigurationError,
        "liveness_failed": BiometricsError,
    }
)


def error_for_reason(reason: str, detail: str = "") -> BiometricsError:
    """Build the typed error for a reason code (for quality checks and stores)."""
    cls = _BY_REASON.get(reason, BiometricsError)
    error = cls(detail)
    if cls is BiometricsError and reason != cls.reason:
        error.reason = reason  # an instance attribute shadows the class default
    return error
