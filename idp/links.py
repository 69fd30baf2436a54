"""Absolute links (in e-mails, printed codes, QR codes, reader hand-overs),
always under the configured issuer, never the request's Host header: a
forged Host must not put another site's address into a message we send.

Works with or without a request (the command line sends e-mails too)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, *, _anchor: str | None = None, **values) -> str:
    """``url_for(endpoint, **values)`` under the issuer's scheme, host and path prefix."""
    issuer = urlsplit(current_app.extensions["idp"].settings.issuer)
    adapter = current_app.url_map.bind(issuer.netloc, script_name=issuer.path or "/", url_scheme=issuer.scheme)
    url = adapter.build(endpoint, values, force_external=True)
    return url + "#" + _anchor if _anchor else url
