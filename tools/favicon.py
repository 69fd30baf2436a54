"""Draw the PNG fallback of the mark (idp/static/brand/mark.svg) for browsers
that take no SVG favicon: python tools/favicon.py"""
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "idp" / "static" / "brand"


def draw(size: int) -> Image.Image:
    k = size * 4 / 64  # draw at 4x, then scale down for smooth edges
    img = Image.new("RGBA", (size * 4, size * 4), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    s = lambda *v: [round(x * k) for x in v]  # noqa: E731
    d.rounded_rectangle(s(0, 0, 64, 64), radius=round(14 * k), fill="#0b5cab")
    d.rectangle(s(0, 42, 64, 52), fill="#ce1126")
    d.rectangle(s(0, 44, 64, 50), fill="#1eb53a")
    d.pieslice(s(18, 10, 46, 38), 180, 360, fill="#fff")
    d.pieslice(s(24, 16, 40, 32), 180, 360, fill="#0b5cab")
    d.rectangle(s(18, 24, 24, 28), fill="#fff")
    d.rectangle(s(40, 24, 46, 28), fill="#fff")
    d.rounded_rectangle(s(16, 27, 48, 41), radius=round(3 * k), fill="#fff")
    d.ellipse(s(29, 30, 35, 36), fill="#0b5cab")
    return img.resize((size, size), Image.LANCZOS)


if __name__ == "__main__":
    draw(32).save(OUT / "favicon-32.png", optimize=True)
    draw(180).save(OUT / "apple-touch-icon.png", optimize=True)
