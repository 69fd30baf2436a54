"""Security headers on every response."""
from __future__ import annotations

from flask import Flask, abort, request

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


def _has_nul(values) -> bool:
    return any("\x00" in v for v in values)


def init_app(app: Flask) -> None:
    https = app.config["SESSION_COOKIE_SECURE"]

    @app.before_request
    def _refuse_nul_bytes():
        # No identifier, code or token (in the path, the query or a form)
        # contains NUL, nor does a header (the User-Agent is kept with a
        # login session); PostgreSQL text cannot hold it. Refuse early with
        # a 400 rather than fail in the database.
        if "\x00" in request.path or _has_nul(request.args.values()) or _has_nul(request.headers.values()) or (
                request.method == "POST" and _has_nul(request.form.values())):
            abort(400)

    @app.after_request
    def _headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "no-referrer")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
        if https:
            h.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        if request.endpoint and not request.endpoint.startswith("static") and "Cache-Control" not in h:
            h["Cache-Control"] = "no-store"
        return response
