"""Test images: real faces shipped inside installed packages, and frames
made from them.

* Grace Hopper: matplotlib's sample data `grace_hopper.jpg` (US Navy
  portrait, public domain).
* Eileen Collins: scikit-image's `data.astronaut()` (NASA, public domain).

Nothing is downloaded.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image


def grace_hopper_bytes() -> bytes:
    import matplotlib.cbook as cbook

    with cbook.get_sample_data("grace_hopper.jpg") as fh:
        return fh.read()


def grace_hopper() -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(grace_hopper_bytes())).convert("RGB"))


def astronaut() -> np.ndarray:
    from skimage import data

    return np.ascontiguousarray(data.astronaut())


def encode(rgb: np.ndarray, fmt: str = "JPEG", **options) -> bytes:
    buf = io.BytesIO()
    image = Image.fromarray(np.ascontiguousarray(rgb))
    if fmt == "JPEG":
        options.setdefault("quality", 90)
    image.save(buf, fmt, **options)
    return buf.getvalue()


def decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def scale(rgb: np.ndarray, factor: float) -> np.ndarray:
    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    return cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=interpolation)


def rotate(rgb: np.ndarray, degrees: float) -> np.ndarray:
    h, w = rgb.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(rgb, matrix, (w, h), borderMode=cv2.BORDER_REFLECT)


def lighting(rgb: np.ndarray, gain: float, offset: float = 0.0) -> np.ndarray:
    return np.clip(rgb.astype(np.float32) * gain + offset, 0, 255).astype(np.uint8)


def crop_around(rgb: np.ndarray, box, *, width_ratio: float = 0.55, aspect: float = 4 / 3) -> np.ndarray:
    """An ICAO-like head-and-shoulders crop: the face about `width_ratio` of the width."""
    cx, cy = (box.left + box.right) / 2, (box.top + box.bottom) / 2
    w = box.width / width_ratio
    h = w * aspect
    x0, y0 = int(max(0, cx - w / 2)), int(max(0, cy - h * 0.45))
    return np.ascontiguousarray(rgb[y0:int(y0 + h), x0:int(x0 + w)])


def chip_portrait(rgb: np.ndarray, box, *, width: int = 120, fmt: str = "JPEG", **options) -> bytes:
    """A passport-chip-like portrait: cropped, small, strongly compressed."""
    portrait = crop_around(rgb, box)
    small = scale(portrait, width / portrait.shape[1])
    if fmt == "JPEG":
        options.setdefault("quality", 40)
    return encode(small, fmt, **options)


def tilt(rgb: np.ndarray, degrees: float, *, axis: str = "vertical") -> np.ndarray:
    """The image as seen when the (flat) photo is rotated about an axis."""
    h, w = rgb.shape[:2]
    a = np.radians(degrees)
    f = 2.4 * w
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    out = []
    for x, y in corners - [w / 2, h / 2]:
        if axis == "vertical":
            z = x * np.sin(a) + f
            out.append([w / 2 + x * np.cos(a) * f / z, h / 2 + y * f / z])
        else:
            z = y * np.sin(a) + f
            out.append([w / 2 + x * f / z, h / 2 + y * np.cos(a) * f / z])
    matrix = cv2.getPerspectiveTransform(corners, np.float32(out))
    return cv2.warpPerspective(rgb, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE)


def on_canvas(face_image: np.ndarray, *, size=(640, 480), zoom: float = 1.0,
              shift=(0, 0), background: int = 90) -> np.ndarray:
    """A selfie-camera-sized frame with the photo centred, zoomed and shifted."""
    w, h = size
    fit = min(w / face_image.shape[1], h / face_image.shape[0]) * zoom
    scaled = cv2.resize(face_image, None, fx=fit, fy=fit,
                        interpolation=cv2.INTER_AREA if fit < 1 else cv2.INTER_LINEAR)
    canvas = np.full((h, w, 3), background, np.uint8)
    x0 = (w - scaled.shape[1]) // 2 + int(shift[0])
    y0 = (h - scaled.shape[0]) // 2 + int(shift[1])
    sx0, sy0 = max(0, -x0), max(0, -y0)
    dx0, dy0 = max(0, x0), max(0, y0)
    cw = min(w - dx0, scaled.shape[1] - sx0)
    ch = min(h - dy0, scaled.shape[0] - sy0)
    canvas[dy0:dy0 + ch, dx0:dx0 + cw] = scaled[sy0:sy0 + ch, sx0:sx0 + cw]
    return canvas


def sensor_noise(rgb: np.ndarray, rng: np.random.Generator, sigma: float = 2.0) -> np.ndarray:
    noise = rng.normal(0.0, sigma, rgb.shape)
    return np.clip(rgb.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def captured(images, *, fps: float = 10.0, start_ms: float = 0.0, seed: int = 0, quality: int = 85):
    """Frames as a capture page would upload them: JPEG, timestamped, each
    with fresh sensor noise so that no two are pixel-identical."""
    from biometrics.liveness import CapturedFrame

    rng = np.random.default_rng(seed)
    return [CapturedFrame(start_ms + i * 1000.0 / fps, encode(sensor_noise(img, rng), quality=quality))
            for i, img in enumerate(images)]


def noise_frames(count: int = 12, fps: float = 10.0, seed: int = 1):
    """Decodable frames without a face, for flows that never look at faces."""
    rng = np.random.default_rng(seed)
    return captured([rng.integers(0, 255, (96, 128, 3), dtype=np.uint8) for _ in range(count)],
                    fps=fps, seed=seed)


class Clock:
    """A settable clock for deadlines."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
