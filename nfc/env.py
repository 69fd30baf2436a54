"""Deployment guard: test-only material is refused when IDP_ENV=production."""

from __future__ import annotations

import os

from .errors import TestMaterialRefused


def is_production() -> bool:
    return os.environ.get("IDP_ENV", "").strip().lower() == "production"


def refuse_in_production(what: str) -> None:
    if is_production():
        raise TestMaterialRefused(
            f"{what} is test-only material and is refused when IDP_ENV=production")
