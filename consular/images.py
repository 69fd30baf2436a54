"""Images for the officer's pages as `data:` URIs (allowed by the CSP's
`img-src 'self' data:`), so they never exist at a URL of their own. Chip
portraits in JPEG 2000, which browsers do not show, are converted to JPEG."""
from __future__ import annotations

import base64
import io

BROWSER_TYPES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


def _webp(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


def data_uri(data: bytes | None) -> str | None:
    if not data:
        return None
    kind = next((t for magic, t in BROWSER_TYPES if data.startswith(magic)), None)
    if kind is None and _webp(data):
        kind = "image/webp"
    if kind is None:
        data, kind = _to_jpeg(data), "image/jpeg"
        if data is None:
            return None
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def _to_jpeg(data: bytes) -> bytes | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=90)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError):
        return None
