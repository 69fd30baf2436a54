"""A login session's device in words ("Chrome on Android"), from its
User-Agent header by the ua-parser rules shipped with the package: offline,
no lookups at run time. Flask-free; the page translates the pattern."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ua_parser import parse

# ua-parser's families read better without the form factor ("Chrome Mobile").
_BROWSER_NAMES = {"Chrome Mobile": "Chrome", "Chrome Mobile iOS": "Chrome", "Mobile Safari": "Safari",
                  "Firefox Mobile": "Firefox", "Firefox iOS": "Firefox", "Edge Mobile": "Edge",
                  "Chrome Mobile WebView": "Chrome", "Mobile Safari UI/WKWebView": "Safari",
                  "Samsung Internet": "Samsung Internet", "Opera Mobile": "Opera"}
_OS_NAMES = {"Mac OS X": "macOS"}


@dataclass(frozen=True)
class Device:
    browser: str | None  # "Chrome"
    system: str | None  # "Android"

    @property
    def known(self) -> bool:
        return bool(self.browser or self.system)


@lru_cache(maxsize=1024)
def device_of(user_agent: str | None) -> Device:
    if not user_agent:
        return Device(None, None)
    result = parse(user_agent[:500])
    browser = result.user_agent.family if result.user_agent else None
    system = result.os.family if result.os else None
    if result.device is not None and result.device.family == "Spider":
        browser = None  # the bot rules take the name from the header itself: any text its sender likes
    browser = None if browser in (None, "Other") else _BROWSER_NAMES.get(browser, browser)
    system = None if system in (None, "Other") else _OS_NAMES.get(system, system)
    return Device(browser, system)
