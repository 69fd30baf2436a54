"""Times read from CMS, certificates, CRLs and OCSP, as aware UTC datetimes.

asn1crypto returns a naive datetime for a GeneralizedTime without ``Z`` or
an offset: X.690 §42.3 calls that a local time, and whose local time it was
cannot be known. RFC 5280 §4.1.2.5.2 and §5.1.2.4, RFC 5652 §11.3 and
RFC 6960 §4.2.2.1 all require UTC. A time with an explicit offset is
unambiguous and converted; a time without a zone is refused, never guessed
and never compared with an aware clock (which raises ``TypeError``).
"""

from __future__ import annotations

from datetime import datetime, timezone

from .errors import AmbiguousTimeError


def utc(value: object, what: str) -> datetime:
    """``value`` as an aware UTC datetime; raises :class:`AmbiguousTimeError`."""
    if not isinstance(value, datetime):
        # e.g. asn1crypto's extended_datetime for the year 0, or a missing value
        raise AmbiguousTimeError(f"{what} cannot be read as a time")
    if value.tzinfo is None or value.utcoffset() is None:
        raise AmbiguousTimeError(f"{what} has no time zone (a GeneralizedTime without Z)")
    return value.astimezone(timezone.utc)


def utc_or_none(value: object, what: str) -> datetime | None:
    return None if value is None else utc(value, what)
