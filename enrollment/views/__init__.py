"""Blueprints of the enrollment journey: `enrollment` (pages and the JSON
the pages' scripts call, under /enroll) and `enrollment_reader` (the chip
reader's API, under /enroll/api)."""
from __future__ import annotations


def blueprints():
    from enrollment.views import activation, capture, pages, passkey_activation, reader, routes, scan  # noqa: F401 - routes
    from enrollment.views import raise_level  # noqa: F401 - routes
    from enrollment.views.common import bp, reader_bp

    return bp, reader_bp
