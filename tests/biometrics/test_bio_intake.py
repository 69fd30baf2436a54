"""Image intake: accepted formats, limits, EXIF orientation, hostile input."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from PIL import Image

import bio_images as images
from biometrics import BiometricsSettings, decode_image
from biometrics.errors import (
    ImageDimensionsTooLargeError,
    ImageEmptyError,
    ImageError,
    ImageTooLargeError,
    ImageTooSmallError,
    ImageUnreadableError,
    UnsupportedImageFormatError,
)
from biometrics.intake import sniff_format

SETTINGS = BiometricsSettings()
SELFIE = SETTINGS.selfie_limits
REFERENCE = SETTINGS.reference_limits


def _gradient(width=120, height=80) -> np.ndarray:
    x = np.linspace(0, 255, width, dtype=np.uint8)
    y = np.linspace(0, 255, height, dtype=np.uint8)
    return np.stack([np.tile(x, (height, 1)), np.tile(y[:, None], (1, width)),
                     np.full((height, width), 128, np.uint8)], axis=-1)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png_with_header(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_selfie_formats_are_decoded_to_rgb(fmt):
    decoded = decode_image(images.encode(_gradient(), fmt), SELFIE)
    assert decoded.format == fmt
    assert decoded.pixels.shape == (80, 120, 3) and decoded.pixels.dtype == np.uint8
    assert (decoded.width, decoded.height) == (120, 80)


def test_jpeg2000_is_accepted_for_chip_portraits_only():
    data = images.encode(_gradient(), "JPEG2000")
    assert sniff_format(data) == "JPEG2000"
    assert decode_image(data, REFERENCE).pixels.shape == (80, 120, 3)
    with pytest.raises(UnsupportedImageFormatError):
        decode_image(data, SELFIE)


def test_grayscale_palette_and_alpha_images_become_rgb():
    for mode in ("L", "P", "RGBA", "LA"):
        img = Image.fromarray(_gradient()).convert(mode)
        buf = io.BytesIO()
        img.save(buf, "PNG")
        assert decode_image(buf.getvalue(), SELFIE).pixels.shape == (80, 120, 3)


def test_exif_orientation_is_applied_and_metadata_dropped():
    img = Image.fromarray(_gradient(120, 80))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    exif[0x010F] = "PhoneMaker"
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif.tobytes(), quality=95)
    decoded = decode_image(buf.getvalue(), SELFIE)
    assert decoded.pixels.shape == (120, 80, 3)  # now portrait
    # The former left edge (dark in the red channel) is now the top.
    assert decoded.pixels[:5, :, 0].mean() + 150 < decoded.pixels[-5:, :, 0].mean()
    assert set(vars(decoded)) == {"pixels", "format", "width", "height"}
    assert b"PhoneMaker" not in decoded.pixels.tobytes()


def test_large_jpegs_are_decoded_at_reduced_size():
    big = np.zeros((2400, 3200, 3), np.uint8)
    big[::7] = 255
    decoded = decode_image(images.encode(big, quality=70), SELFIE)
    assert max(decoded.pixels.shape[:2]) <= SETTINGS.decode_max_side


def test_empty_input_is_refused():
    with pytest.raises(ImageEmptyError):
        decode_image(b"", SELFIE)


def test_too_many_bytes_is_refused_before_parsing():
    limits = BiometricsSettings(max_image_bytes=1000).selfie_limits
    with pytest.raises(ImageTooLargeError):
        decode_image(b"\xff\xd8\xff" + b"\x00" * 2000, limits)


def test_huge_dimensions_are_refused_from_the_header():
    bomb = _png_with_header(100_000, 100_000)
    assert len(bomb) < 200
    with pytest.raises(ImageDimensionsTooLargeError) as info:
        decode_image(bomb, SELFIE)
    assert info.value.reason == "image_dimensions_too_large"
    assert info.value.hint_key == "send_smaller_photo"


def test_pixel_limit_applies_to_frames_separately():
    data = images.encode(np.zeros((1800, 2600, 3), np.uint8))
    decode_image(data, SELFIE)
    with pytest.raises(ImageDimensionsTooLargeError):
        decode_image(data, SETTINGS.frame_limits)


def test_tiny_images_are_refused():
    with pytest.raises(ImageTooSmallError):
        decode_image(images.encode(_gradient(20, 20)), SELFIE)


@pytest.mark.parametrize("data", [
    b"GIF89a" + b"\x00" * 100,
    b"BM" + b"\x00" * 100,
    b"%PDF-1.7" + b"\x00" * 100,
    b"<svg xmlns='http://www.w3.org/2000/svg'/>",
])
def test_other_formats_are_refused(data):
    with pytest.raises(UnsupportedImageFormatError):
        decode_image(data, SELFIE)


def test_non_bytes_input_is_a_typed_error():
    with pytest.raises(ImageUnreadableError):
        decode_image("not bytes", SELFIE)  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_truncated_files_are_unreadable(fmt):
    data = images.encode(_gradient(200, 200), fmt)
    with pytest.raises(ImageUnreadableError):
        decode_image(data[: len(data) // 2], SELFIE)


def test_animated_images_are_refused():
    frames = [Image.fromarray(_gradient()), Image.fromarray(255 - _gradient())]
    buf = io.BytesIO()
    frames[0].save(buf, "WEBP", save_all=True, append_images=frames[1:], duration=100)
    with pytest.raises(UnsupportedImageFormatError):
        decode_image(buf.getvalue(), SELFIE)


_SAMPLES = [images.encode(_gradient(96, 96), fmt) for fmt in ("JPEG", "PNG", "WEBP")]


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sample=st.sampled_from(_SAMPLES), cuts=st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)),
                                                      max_size=8),
       length=st.integers(0, 5000))
def test_mutated_images_give_typed_errors_only(sample, cuts, length):
    data = bytearray(sample[: max(1, length)])
    for position, value in cuts:
        if position < len(data):
            data[position] = value
    try:
        decoded = decode_image(bytes(data), SELFIE)
    except ImageError:
        return
    assert decoded.pixels.ndim == 3
