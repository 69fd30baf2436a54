"""Real faces shipped inside installed packages (docs: REFERENCES.md):
Grace Hopper from matplotlib's sample data and Eileen Collins from
scikit-image's `astronaut`, as JPEG bytes, plus a chip-like portrait."""
from __future__ import annotations

import io


def _jpeg(image, *, size: int | None = None, quality: int = 90) -> bytes:
    image = image.convert("RGB")
    if size:
        image.thumbnail((size, size))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def load_faces() -> dict[str, bytes]:
    from matplotlib import cbook
    from PIL import Image
    from skimage import data

    with cbook.get_sample_data("grace_hopper.jpg") as fh:
        hopper = Image.open(fh)
        hopper.load()
    astronaut = Image.fromarray(data.astronaut())
    width, height = hopper.size
    # a passport-style crop of the same photo, smaller and more compressed (like DG2)
    portrait = hopper.crop((int(width * .12), 0, int(width * .88), int(height * .85)))
    return {"hopper": _jpeg(hopper), "hopper_portrait": _jpeg(portrait, size=240, quality=60),
            "astronaut": _jpeg(astronaut)}
