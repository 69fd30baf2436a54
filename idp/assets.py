"""Static files under content-hashed names, compressed, cached for a year.

At start-up every file under idp/static gets a name with the first 12 hex
digits of its SHA-256 (`esign/esign.js` → `esign/esign.3f2a….js`), and the
text ones a gzip copy (and a brotli one when the `brotli` module is
installed), kept in memory: the whole directory is well under a megabyte.
`url_for('static', filename='esign/esign.js')` and the `static_url()`
template function both give the hashed URL, which is answered with
`Cache-Control: public, max-age=31536000, immutable`, the best encoding the
browser accepts (`Content-Encoding`, `Vary: Accept-Encoding`) and an ETag. A
name that is not hashed (an old page, a bookmark) still works, revalidated
after an hour.
"""
from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, Response, abort, request, url_for

YEAR = 365 * 24 * 3600
COMPRESSIBLE = {".js", ".css", ".svg", ".json", ".html", ".txt", ".map"}
try:  # optional: served when the module is installed
    import brotli as _brotli
except ImportError:  # pragma: no cover - depends on the environment
    _brotli = None


@dataclass(frozen=True)
class Asset:
    path: Path
    mimetype: str
    etag: str
    bodies: dict[str, bytes] = field(default_factory=dict)  # encoding ("identity", "gzip", "br") → bytes


def hashed_name(name: str, digest: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return f"{stem}.{digest}.{ext}" if dot and "/" not in ext else f"{name}.{digest}"


def build(folder: Path) -> tuple[dict[str, str], dict[str, Asset]]:
    """(logical name → hashed name, hashed name → asset) for every file under `folder`."""
    names, assets = {}, {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:12]
        name = path.relative_to(folder).as_posix()
        hashed = hashed_name(name, digest)
        bodies = {"identity": data}
        if path.suffix in COMPRESSIBLE and len(data) > 512:
            bodies["gzip"] = gzip.compress(data, compresslevel=9, mtime=0)
            if _brotli is not None:
                bodies["br"] = _brotli.compress(data)
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if mimetype.startswith("text/") or mimetype in ("application/javascript", "image/svg+xml"):
            mimetype += "; charset=utf-8"
        names[name] = hashed
        assets[hashed] = Asset(path, mimetype, digest, bodies)
    return names, assets


_QVALUE = re.compile(r"^\s*([\w*-]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def pick_encoding(accept: str, available) -> str:
    """The best of `available` that Accept-Encoding allows (br before gzip)."""
    allowed = {}
    for part in accept.split(",")[:20]:
        m = _QVALUE.match(part)
        if m:
            try:
                allowed[m.group(1).lower()] = float(m.group(2) or 1)
            except ValueError:
                continue
    for encoding in ("br", "gzip"):
        if encoding in available and allowed.get(encoding, allowed.get("*", 0)) > 0:
            return encoding
    return "identity"


def init_app(app: Flask) -> None:
    names, assets = build(Path(app.static_folder))
    plain_static = app.view_functions["static"]

    def serve(filename: str):
        asset = assets.get(filename)
        if asset is None:
            response = plain_static(filename=filename)
            response.headers["Cache-Control"] = "public, max-age=3600"
            return response
        if request.if_none_match.contains(asset.etag):
            response = Response(status=304)
        else:
            encoding = pick_encoding(request.headers.get("Accept-Encoding", ""), asset.bodies)
            response = Response(asset.bodies[encoding], mimetype=asset.mimetype)
            if encoding != "identity":
                response.headers["Content-Encoding"] = encoding
        response.set_etag(asset.etag)
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        response.headers["Vary"] = "Accept-Encoding"
        return response

    app.view_functions["static"] = serve

    @app.url_defaults
    def _hashed(endpoint, values):
        if endpoint == "static" and values.get("filename") in names:
            values["filename"] = names[values["filename"]]

    app.jinja_env.globals["static_url"] = lambda name: url_for("static", filename=name)
    app.extensions["static_assets"] = names


__all__ = ["YEAR", "build", "hashed_name", "init_app", "pick_encoding"]
