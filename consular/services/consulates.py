"""Consulates: creating and listing them, the countries they serve, and
their local time."""
from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from idp.audit.log import record

from consular.models import Consulate, ConsulateCountry

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,15}$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


def clean_country(value: str) -> str:
    """An ISO 3166-1 alpha-2 code, upper case; ValueError otherwise."""
    code = (value or "").strip().upper()
    if not COUNTRY_RE.match(code):
        raise ValueError(f"not an ISO 3166-1 alpha-2 country code: {value!r}")
    return code


def clean_timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Europe/Moscow)") from None
    return value


@dataclass(frozen=True)
class ConsulateInfo:
    code: str
    name: str
    city: str
    country: str
    timezone: str
    countries: tuple[str, ...]
    fallback: bool
    active: bool

    @classmethod
    def of(cls, c: Consulate) -> "ConsulateInfo":
        return cls(c.code, c.name, c.city, c.country, c.timezone, tuple(c.country_codes), c.fallback, c.active)


def create_consulate(session: Session, *, code: str, name: str, city: str, country: str, timezone: str,
                     countries: tuple[str, ...] = (), address: str | None = None,
                     fallback: bool = False) -> Consulate:
    """A new consulate. Each country of residence is served by one consulate:
    naming a country another consulate serves is refused."""
    code = (code or "").strip().upper()
    if not CODE_RE.match(code):
        raise ValueError("the code must be 2-16 letters, digits or dashes")
    if not name.strip() or not city.strip():
        raise ValueError("name and city are required")
    if find(session, code) is not None:
        raise ValueError(f"a consulate with code {code} exists")
    served = sorted({clean_country(c) for c in countries} | {clean_country(country)})
    taken = session.scalars(select(ConsulateCountry).where(ConsulateCountry.country.in_(served))).all()
    if taken:
        raise ValueError("already served by another consulate: "
                         + ", ".join(f"{t.country} ({t.consulate.code})" for t in taken))
    if fallback and session.scalars(select(Consulate.id).where(Consulate.fallback.is_(True))).first():
        raise ValueError("another consulate already reviews cases of unknown residence")
    consulate = Consulate(code=code, name=name.strip(), city=city.strip(), country=clean_country(country),
                          timezone=clean_timezone(timezone), address=(address or "").strip() or None,
                          fallback=fallback)
    consulate.countries = [ConsulateCountry(country=c) for c in served]
    session.add(consulate)
    session.flush()
    record(session, "consular.consulate.created", actor="operator", consulate=consulate.id, code=code,
           countries=served, fallback=fallback)
    return consulate


def find(session: Session, code: str | None) -> Consulate | None:
    if not code or len(code) > 16:
        return None
    return session.scalars(select(Consulate).where(Consulate.code == code.strip().upper())).first()


def all_consulates(session: Session, *, active_only: bool = False) -> list[Consulate]:
    query = select(Consulate).order_by(Consulate.country, Consulate.city)
    if active_only:
        query = query.where(Consulate.active.is_(True))
    return list(session.scalars(query))


def serving(session: Session, country: str | None) -> Consulate | None:
    """The consulate that serves residents of `country`, if any."""
    if not country:
        return None
    row = session.get(ConsulateCountry, country.upper())
    return row.consulate if row is not None and row.consulate.active else None


def fallback_consulate(session: Session) -> Consulate | None:
    return session.scalars(select(Consulate).where(Consulate.fallback.is_(True),
                                                   Consulate.active.is_(True))).first()


def local(consulate: Consulate, moment: dt.datetime) -> dt.datetime:
    """`moment` (UTC) on the consulate's wall clock."""
    return moment.astimezone(zoneinfo.ZoneInfo(consulate.timezone))


def to_utc(consulate: Consulate, day: dt.date, time: dt.time) -> dt.datetime:
    """A wall-clock time at the consulate, in UTC. A time skipped by a
    daylight-saving change is refused; a repeated one means its first occurrence."""
    zone = zoneinfo.ZoneInfo(consulate.timezone)
    naive = dt.datetime.combine(day, time)
    aware = naive.replace(tzinfo=zone, fold=0)
    if aware.astimezone(dt.timezone.utc).astimezone(zone).replace(tzinfo=None) != naive:
        raise ValueError(f"{naive:%Y-%m-%d %H:%M} does not exist in {consulate.timezone} (clock change)")
    return aware.astimezone(dt.timezone.utc)
