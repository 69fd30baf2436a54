"""Photo intake: the biometrics library's bomb-safe decoder (size, sniffed
format, header dimensions before decoding, EXIF orientation applied,
metadata dropped) with limits that fit a phone photo of a passport page,
and its typed errors turned into scan reason codes."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from biometrics.config import ImageLimits
from biometrics.errors import (
    ImageDimensionsTooLargeError,
    ImageError,
    ImageTooLargeError,
    ImageTooSmallError,
)
from biometrics.intake import decode_image

from . import reasons


@dataclass(frozen=True)
class PageLimits:
    max_bytes: int = 8_000_000
    max_pixels: int = 50_000_000
    min_side: int = 480
    # Enough for a 44-character line across a page that fills a third of the frame.
    decode_max_side: int = 1600

    def image_limits(self) -> ImageLimits:
        return ImageLimits(max_bytes=self.max_bytes, max_pixels=self.max_pixels, min_side=self.min_side,
                           formats=("JPEG", "PNG", "WEBP"), decode_max_side=self.decode_max_side)


class IntakeRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def load_page(data: bytes, limits: PageLimits) -> np.ndarray:
    """Upright RGB pixels of an uploaded photo, or `IntakeRefused`."""
    try:
        return decode_image(data, limits.image_limits()).pixels
    except (ImageTooLargeError, ImageDimensionsTooLargeError):
        raise IntakeRefused(reasons.IMAGE_TOO_LARGE) from None
    except ImageTooSmallError:
        raise IntakeRefused(reasons.IMAGE_TOO_SMALL) from None
    except ImageError:
        raise IntakeRefused(reasons.IMAGE_UNREADABLE) from None
