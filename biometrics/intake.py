"""Image intake: bytes from the outside world to an RGB pixel array.

Order of checks (each raises one typed error):
1. size in bytes (before anything is parsed);
2. format sniffed from the magic bytes, not from a file name or a MIME type
   the client chose;
3. dimensions read from the header and checked against the pixel limit
   *before* the pixels are decoded (decompression bombs stop here);
4. decode, with Pillow restricted to the sniffed format;
5. EXIF orientation applied, then everything else (EXIF, ICC, XMP, text
   chunks) dropped: the result is a bare array.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageOps

from .config import ImageLimits
from .errors import (
    ImageDimensionsTooLargeError,
    ImageEmptyError,
    ImageTooLargeError,
    ImageTooSmallError,
    ImageUnreadableError,
    UnsupportedImageFormatError,
)

__all__ = ["DecodedImage", "decode_image", "sniff_format"]

_JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"


@dataclass(frozen=True)
class DecodedImage:
    """An upright RGB image without metadata. `repr` never shows pixels."""

    pixels: np.ndarray = field(repr=False, compare=False)
    format: str
    width: int
    height: int


def sniff_format(data: bytes) -> str | None:
    """The image format named by the leading magic bytes, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data.startswith(_JP2_SIGNATURE) or data.startswith(b"\xff\x4f\xff\x51"):
        return "JPEG2000"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if data.startswith(b"BM"):
        return "BMP"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "TIFF"
    return None


def decode_image(data: bytes, limits: ImageLimits) -> DecodedImage:
    """Decode untrusted image bytes within `limits`; only typed errors escape."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ImageUnreadableError(f"expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if not data:
        raise ImageEmptyError("no bytes")
    if len(data) > limits.max_bytes:
        raise ImageTooLargeError(f"{len(data)} bytes exceeds {limits.max_bytes}")
    fmt = sniff_format(data)
    if fmt is None or fmt not in limits.formats:
        raise UnsupportedImageFormatError(f"format {fmt or 'unknown'} not in {limits.formats}")
    try:
        return _decode(data, fmt, limits)
    except (ImageTooSmallError, ImageDimensionsTooLargeError, UnsupportedImageFormatError):
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard fires while reading headers of absurd sizes.
        raise ImageDimensionsTooLargeError("refused by the decompression-bomb guard") from None
    except Exception as exc:  # noqa: BLE001 - Pillow plugins raise many types on hostile input
        # OSError (truncated), SyntaxError, ValueError, struct.error, EOFError,
        # DecompressionBombError, MemoryError...: all mean "unreadable".
        raise ImageUnreadableError(f"{fmt} decode failed: {type(exc).__name__}") from None


def _decode(data: bytes, fmt: str, limits: ImageLimits) -> DecodedImage:
    with warnings.catch_warnings():
        # A DecompressionBombWarning is turned into an error; our own pixel
        # limit is normally lower and has already refused the image.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data), formats=[fmt]) as img:
            width, height = img.size  # from the header; nothing decoded yet
            if width * height > limits.max_pixels:
                raise ImageDimensionsTooLargeError(f"{width}x{height} exceeds {limits.max_pixels} pixels")
            if min(width, height) < limits.min_side:
                raise ImageTooSmallError(f"{width}x{height} below {limits.min_side} px")
            if getattr(img, "n_frames", 1) > 1:
                raise UnsupportedImageFormatError("animated images are not accepted")
            if fmt == "JPEG" and max(width, height) > limits.decode_max_side:
                scale = limits.decode_max_side / max(width, height)
                img.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
            img.load()
            upright = ImageOps.exif_transpose(img)
            rgb = upright.convert("RGB")
            if max(rgb.size) > limits.decode_max_side:
                rgb.thumbnail((limits.decode_max_side, limits.decode_max_side), Image.Resampling.LANCZOS)
            pixels = np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8))
    if pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ImageUnreadableError(f"unexpected pixel layout {pixels.shape}")
    pixels.setflags(write=False)
    return DecodedImage(pixels=pixels, format=fmt, width=pixels.shape[1], height=pixels.shape[0])
