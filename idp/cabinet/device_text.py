"""A device in the reader's language: "Chrome on Android", with the place
its login session was started from where an offline database knows it:
"Chrome on Android, Berlin, Germany"."""
from __future__ import annotations

from babel import Locale, UnknownLocaleError
from flask import request
from flask_babel import get_locale, gettext

from idp.cabinet import places
from idp.cabinet.devices import device_of
from idp.db import after_commit


def device_label(user_agent: str | None, place: places.Place | None = None) -> str:
    device = device_of(user_agent)
    if device.browser and device.system:
        label = gettext("%(browser)s on %(system)s", browser=device.browser, system=device.system)
    else:
        label = device.browser or device.system or gettext("Unknown device")
    where = place_label(place)
    return gettext("%(device)s, %(place)s", device=label, place=where) if where else label


def place_label(place: places.Place | None) -> str:
    """"Berlin, Germany": the city as the database names it in the reader's
    language (else in English), the country by Babel's name for it."""
    if place is None:
        return ""
    language = str(get_locale() or "en")
    city = place.city_name(language)
    country = _country_name(place.country, language)
    if city and country:
        return gettext("%(city)s, %(country)s", city=city, country=country)
    return city or country or ""


def _country_name(code: str | None, language: str) -> str | None:
    if not code:
        return None
    try:
        return Locale.parse(language).territories.get(code.upper())
    except (ValueError, UnknownLocaleError):
        return None


def remember_place(services, login) -> None:
    """After the commit that starts `login`, keep the place of the request's
    address for the session's lifetime (never the address)."""
    place = services.places.find(request.remote_addr)
    if place is None:
        return
    login_id, ttl = login.id, services.settings.session_lifetime
    after_commit(services.db.session, lambda: places.remember(services.state, login_id, place, ttl))

