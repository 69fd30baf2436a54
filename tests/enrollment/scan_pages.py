"""Photos of passport data pages for the enrollment scan tests: the page
generator of tests/docscan (mrz_pages.py) for the test holder, with a
chosen face pasted as the portrait, and pages that cannot be read."""
from __future__ import annotations

import io
import os
import sys

import cv2
import numpy as np
from PIL import Image

from enrollment_journey import HOLDER

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docscan"))

import mrz_pages  # noqa: E402

MM = mrz_pages.PX_PER_MM
# Where the generator puts the portrait (ICAO 9303 TD3 zone V): left of the visual zone.
PORTRAIT_BOX = (5 * MM, 11 * MM, 32 * MM, 41 * MM)  # x, y, width, height


def face(name: str) -> np.ndarray:
    """A passport-style head-and-shoulders crop of a sample face."""
    if name == "grace_hopper":
        import matplotlib.cbook

        with matplotlib.cbook.get_sample_data("grace_hopper.jpg") as f:
            image = np.asarray(Image.open(f).convert("RGB"))
        h, w = image.shape[:2]
        return image[int(h * 0.05):int(h * 0.75), int(w * 0.2):int(w * 0.8)]
    from skimage import data

    return data.astronaut()[10:320, 130:370]


def holder_identity(**change) -> "mrz_pages.Identity":
    values = dict(surname=HOLDER.surname, given_names=HOLDER.given_names, number=HOLDER.document_number,
                  birth=HOLDER.date_of_birth.strftime("%y%m%d"), expiry=HOLDER.date_of_expiry.strftime("%y%m%d"),
                  sex=HOLDER.sex, pinfl=HOLDER.personal_number)
    values.update(change)
    return mrz_pages.Identity(**values)


def flat_page(portrait: str | None = "grace_hopper", *, seed: int = 3, **change) -> np.ndarray:
    """The holder's data page (or one with `change`d fields), flat, with
    `portrait` pasted where the layout puts it."""
    rng = np.random.default_rng(seed)
    page = mrz_pages.draw_page(holder_identity(**change), rng).copy()
    if portrait is not None:
        x, y, w, h = PORTRAIT_BOX
        page[y:y + h, x:x + w] = cv2.resize(face(portrait), (w, h), interpolation=cv2.INTER_AREA)
    return page


def page_photo(portrait: str | None = "grace_hopper", *, seed: int = 3, **change) -> bytes:
    """The page photographed as the capture guide asks (JPEG)."""
    rng = np.random.default_rng(seed + 1000)
    return mrz_pages.photograph(flat_page(portrait, seed=seed, **change), rng, guided=True).data


def framed(page: np.ndarray, size: tuple[int, int] = (1280, 960), fill: float = 0.88) -> np.ndarray:
    """The page held flat in the guide frame of a camera picture of `size`."""
    width, height = size
    scale = fill * min(width / page.shape[1], height / page.shape[0])
    small = cv2.resize(page, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    frame = np.zeros((height, width, 3), np.uint8)
    frame[:] = (70, 62, 55)  # a table
    y, x = (height - small.shape[0]) // 2, (width - small.shape[1]) // 2
    frame[y:y + small.shape[0], x:x + small.shape[1]] = small
    return frame


def blank_page(size: tuple[int, int] = (1280, 960)) -> np.ndarray:
    """A sheet of paper with nothing on it, in the guide frame."""
    page = np.full((mrz_pages.PAGE_H, mrz_pages.PAGE_W, 3), (228, 226, 218), np.uint8)
    return framed(page, size)


def jpeg(rgb: np.ndarray, quality: int = 88) -> bytes:
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "JPEG", quality=quality)
    return out.getvalue()
