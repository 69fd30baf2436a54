"""Portraits for the embedded register, taken from images that installed
packages ship (matplotlib's sample Grace Hopper, scikit-image's astronaut and
its cropped face set): the demo register gets a photo per document without
shipping any picture of its own."""
from __future__ import annotations

import io
import pathlib


def _grace_hopper() -> bytes:
    from matplotlib import cbook

    return pathlib.Path(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)).read_bytes()


def _astronaut() -> bytes:
    import skimage.data
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(skimage.data.astronaut()[0:300, 100:400]).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


SOURCES = {"grace_hopper": _grace_hopper, "astronaut": _astronaut}


def sample_portrait(name: str) -> bytes:
    """One of SOURCES as JPEG bytes."""
    return SOURCES[name]()


def portrait_for(document_number: str) -> bytes:
    """A stable choice of sample portrait for a demo document."""
    names = sorted(SOURCES)
    return sample_portrait(names[sum(document_number.encode()) % len(names)])
