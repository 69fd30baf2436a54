"""The uploaded frame sequence: timing checks, decoding and duplicates.

Timestamps come from the client (milliseconds, e.g. `performance.now()`
relative to the start of capture); they cannot prove *when* the capture
happened (the challenge deadline, on the server clock, does that) but they
must describe a plausible camera: strictly increasing, no long gaps, an
average frame rate within bounds, and a capture no longer than the
challenge lived.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from ..config import BiometricsSettings
from ..errors import (
    CaptureTooLongError,
    FrameRateError,
    FramesDuplicatedError,
    TimestampsInvalidError,
    TooFewFramesError,
    TooManyFramesError,
)
from ..intake import DecodedImage, decode_image
from .replay import fingerprint

__all__ = ["CapturedFrame", "DecodedFrame", "check_duplicates", "check_timing", "decode_frames"]


@dataclass(frozen=True)
class CapturedFrame:
    """One uploaded frame: its capture time in milliseconds and its bytes."""

    timestamp_ms: float
    data: bytes = field(repr=False)

    def __repr__(self) -> str:
        return f"CapturedFrame(timestamp_ms={self.timestamp_ms!r}, bytes={len(self.data)})"


@dataclass(frozen=True)
class DecodedFrame:
    index: int
    timestamp_s: float
    image: DecodedImage
    fingerprint: str = field(repr=False)
    data: bytes = field(repr=False, compare=False)  # the original bytes, for vendor engines


def check_timing(frames: Sequence[CapturedFrame], settings: BiometricsSettings) -> dict[str, float]:
    """Raise the first timing problem found; return timing figures."""
    count = len(frames)
    if count < settings.min_frames:
        raise TooFewFramesError(f"{count} frames, need {settings.min_frames}")
    if count > settings.max_frames:
        raise TooManyFramesError(f"{count} frames, at most {settings.max_frames}")
    stamps = []
    for frame in frames:
        value = frame.timestamp_ms
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise TimestampsInvalidError("timestamps must be finite non-negative numbers")
        stamps.append(float(value) / 1000.0)
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    if any(gap <= 0 for gap in gaps):
        raise TimestampsInvalidError("timestamps must increase strictly")
    duration = stamps[-1] - stamps[0]
    if duration > settings.challenge_lifetime_s:
        raise CaptureTooLongError(f"capture lasted {duration:.1f} s")
    rate = (count - 1) / duration
    if not settings.min_frame_rate <= rate <= settings.max_frame_rate:
        raise FrameRateError(f"{rate:.1f} frames/s")
    if max(gaps) > settings.max_frame_gap_s:
        raise FrameRateError(f"gap of {max(gaps):.2f} s between frames")
    return {"duration_s": duration, "frame_rate": rate, "max_gap_s": max(gaps)}


def decode_frames(frames: Sequence[CapturedFrame], settings: BiometricsSettings) -> list[DecodedFrame]:
    """Decode every frame (typed intake errors propagate) and fingerprint it."""
    limits = settings.frame_limits
    decoded = []
    for index, frame in enumerate(frames):
        image = decode_image(frame.data, limits)
        decoded.append(DecodedFrame(
            index=index,
            timestamp_s=float(frame.timestamp_ms) / 1000.0,
            image=image,
            fingerprint=fingerprint(image.pixels, key=settings.fingerprint_key),
            data=frame.data,
        ))
    return decoded


def check_duplicates(frames: Sequence[DecodedFrame], settings: BiometricsSettings) -> float:
    """Refuse a capture in which too many frames are pixel-identical.

    A live camera never delivers the same pixels twice; a few repeats can
    happen when a slow phone re-sends its last frame, many mean a still
    image is being fed in. Returns the duplicate fraction.
    """
    counts = Counter(f.fingerprint for f in frames)
    duplicates = sum(n - 1 for n in counts.values())
    fraction = duplicates / len(frames) if frames else 0.0
    if fraction > settings.max_duplicate_fraction:
        raise FramesDuplicatedError(f"{duplicates} of {len(frames)} frames repeat")
    return fraction
