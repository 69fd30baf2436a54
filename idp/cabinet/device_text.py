"""A device in the reader's language: "Chrome on Android"."""
from __future__ import annotations

from flask_babel import gettext

from idp.cabinet.devices import device_of


def device_label(user_agent: str | None) -> str:
    device = device_of(user_agent)
    if device.browser and device.system:
        return gettext("%(browser)s on %(system)s", browser=device.browser, system=device.system)
    return device.browser or device.system or gettext("Unknown device")
