"""Which device a page is on, as far as the chip hand-over needs to know: a
QR code is for another device to scan, so a page on a phone never shows one
addressed to the phone itself. Pure; the view passes the User-Agent."""
from __future__ import annotations

PHONE_MARKERS = ("mobi", "android", "iphone", "ipod", "ipad", "windows phone", "opera mini")


def is_phone(user_agent: str | None) -> bool:
    ua = (user_agent or "").lower()
    return any(marker in ua for marker in PHONE_MARKERS)
