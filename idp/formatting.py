"""Dates, times and numbers on pages: in the reader's language (Babel) and
time zone, never ISO or UTC.

The pure functions take the locale and zone explicitly; `init_app` registers
them as the template filters every page uses:

    {{ s.created_at|datetime_human }}   4-dek, 2026, 14:05
    {{ case.expiry_date|date_human }}   2031-yil 12-mart
    {{ s.last_used_at|ago }}            2 soat oldin
    {{ count|number }}                  12 345

A naive datetime is UTC (how the database keeps it). An aware one already on
some wall clock other than UTC (a consulate's local time) keeps its zone;
anything else is shown in the zone the request chose (`g.display_timezone`,
which the cabinet may set from the account) or the IDP_TIMEZONE setting.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, format_timedelta
from babel.numbers import format_decimal

UTC = dt.timezone.utc
RELATIVE_LIMIT = dt.timedelta(days=7)  # older than this reads better as a date


def place(moment: dt.datetime, zone: str) -> dt.datetime:
    """`moment` on the wall clock it should be shown on."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    elif moment.utcoffset() != dt.timedelta(0) or str(moment.tzinfo) not in ("UTC", "UTC+00:00", "Etc/UTC"):
        return moment  # already placed, e.g. on a consulate's clock
    return moment.astimezone(ZoneInfo(zone))


def date_human(value: dt.date | dt.datetime | None, locale: str, zone: str, width: str = "long") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = place(value, zone).date()
    return format_date(value, width, locale=locale)


def time_human(value: dt.datetime | dt.time | None, locale: str, zone: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = place(value, zone)
    return format_time(value, "short", locale=locale)


def datetime_human(value: dt.datetime | None, locale: str, zone: str) -> str:
    """Date (medium) and time (short) joined by the locale's own pattern."""
    if value is None:
        return ""
    local = place(value, zone)
    pattern = Locale.parse(locale).datetime_formats["medium"]
    pattern = getattr(pattern, "pattern", pattern)
    return pattern.replace("{1}", format_date(local.date(), "medium", locale=locale)).replace(
        "{0}", format_time(local, "short", locale=locale))


def ago(value: dt.datetime | None, locale: str, zone: str, now: dt.datetime | None = None) -> str:
    """"2 hours ago" for the last week, the date and time before that."""
    if value is None:
        return ""
    now = now or dt.datetime.now(UTC)
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    delta = moment - now
    if abs(delta) > RELATIVE_LIMIT:
        return datetime_human(value, locale, zone)
    if abs(delta) < dt.timedelta(seconds=45):
        delta = dt.timedelta(seconds=-45 if delta <= dt.timedelta(0) else 45)
    return format_timedelta(delta, add_direction=True, locale=locale, threshold=1.1)


def number(value: int | float | None, locale: str) -> str:
    return "" if value is None else format_decimal(value, locale=locale)


def init_app(app) -> None:
    from flask import current_app, g
    from flask_babel import get_locale

    def _locale() -> str:
        return str(get_locale() or "uz")

    def _zone() -> str:
        return getattr(g, "display_timezone", None) or current_app.config["IDP_SETTINGS"].timezone

    app.add_template_filter(lambda v, width="long": date_human(v, _locale(), _zone(), width), "date_human")
    app.add_template_filter(lambda v: time_human(v, _locale(), _zone()), "time_human")
    app.add_template_filter(lambda v: datetime_human(v, _locale(), _zone()), "datetime_human")
    app.add_template_filter(lambda v: ago(v, _locale(), _zone()), "ago")
    app.add_template_filter(lambda v: number(v, _locale()), "number")

    def reason(code: str | None) -> str:
        """A reason code (no_face, dsc_chain_invalid...) as a sentence in the reader's language."""
        from enrollment.messages import message

        return message(code) if code else ""

    app.add_template_filter(reason, "reason")


__all__ = ["ago", "date_human", "datetime_human", "init_app", "number", "place", "time_human"]
