"""Debian's Chromium for browser tests: where it is, the flags that work on
this machine, a phone-sized viewport, and why a test must skip without it.

Playwright's own browser download is not used; the flags keep Chromium from
calling hosts it cannot reach (it would keep retrying)."""
from __future__ import annotations

import importlib.util
import os

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}


def skip_reason() -> str | None:
    if not os.path.exists(CHROMIUM):
        return f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright Python package is not installed"
    return None

