"""The consular blueprints: `consular` (citizens), `consular_portal`
(officers), `consular_reader` (desk chip readers)."""
from __future__ import annotations


def blueprints():
    from consular.views import (activation, booking, desk, login, officer_passkey, portal, reader,  # noqa: F401
                                 record, visits)
    from consular.views.common import bp, portal as portal_bp, reader_bp

    return [bp, portal_bp, reader_bp]
