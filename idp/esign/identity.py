"""Who a certificate names: PINFL, TIN and names from the subject.

Uzbek qualified certificates carry the holder's PINFL under OID
1.2.860.3.16.1.2 and, for a certificate issued to act for an organisation,
the organisation's TIN under OID 1.2.860.3.16.1.1. Some issuers put the
PINFL in the standard serialNumber attribute instead, bare or with the
ETSI EN 319 412-1 §5.1.3 prefix ``PNOUZ-``.

The PINFL decides whose account a key opens, so it is read strictly: every
source (each PINFL attribute, each serialNumber in PINFL form) must be
exactly 14 digits as written (no trimming, no falling back past a blank
one), and all of them must name the same PINFL. A serialNumber in another
form (``IDCUZ-…``, a CA's own numbering with letters) is not a PINFL source.
The TIN is read the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .certinfo import CertInfo
from .errors import InvalidPinflError, InvalidTinError, MissingPinflError, PinflConflictError

OID_TIN = "1.2.860.3.16.1.1"
OID_PINFL = "1.2.860.3.16.1.2"
OID_SERIAL_NUMBER = "2.5.4.5"
OID_COMMON_NAME = "2.5.4.3"
OID_SURNAME = "2.5.4.4"
OID_GIVEN_NAME = "2.5.4.42"
OID_ORGANISATION = "2.5.4.10"

_PINFL = re.compile(r"[0-9]{14}")
_SERIAL_PINFL = re.compile(r"(?:PNOUZ-)?([0-9]{14})")
_SPACE = re.compile(r"\s", re.UNICODE)
_TIN = re.compile(r"[0-9]{9}")


@dataclass(frozen=True)
class CertificateHolder:
    pinfl: str
    tin: str | None
    organisation: str | None
    common_name: str | None
    surname: str | None
    given_name: str | None

    @property
    def user_type(self) -> str:
        """OneID ``user_type``: ``L`` acting for a legal entity, else ``I``."""
        return "L" if self.tin else "I"


def _first(attributes: tuple[tuple[str, str], ...], oid: str) -> str | None:
    """A display name: the first value of ``oid``, trimmed (not used to find anyone)."""
    for attr_oid, value in attributes:
        if attr_oid == oid:
            stripped = value.strip()
            return stripped or None
    return None


def _values(attributes: tuple[tuple[str, str], ...], oid: str) -> list[str]:
    return [value for attr_oid, value in attributes if attr_oid == oid]


def _meant_as_pinfl(serial: str) -> bool:
    """A serialNumber that is blank, PNOUZ-prefixed, or 14 digits with spaces:
    a PINFL written badly, which must not be repaired (nor skipped)."""
    bare = _SPACE.sub("", serial)
    return not bare or bare.upper().startswith("PNOUZ") or _PINFL.fullmatch(bare) is not None


def pinfl_of(attributes: tuple[tuple[str, str], ...]) -> str:
    """The one PINFL every source agrees on; raises a CertificateError subclass."""
    found: set[str] = set()
    for value in _values(attributes, OID_PINFL):
        if not _PINFL.fullmatch(value):
            raise InvalidPinflError("a PINFL attribute is not exactly 14 digits")
        found.add(value)
    for value in _values(attributes, OID_SERIAL_NUMBER):
        match = _SERIAL_PINFL.fullmatch(value)
        if match is not None:
            found.add(match.group(1))
        elif _meant_as_pinfl(value):
            raise InvalidPinflError("the serialNumber looks like a PINFL but is not exactly 14 digits")
    if not found:
        raise MissingPinflError("the certificate subject carries no PINFL")
    if len(found) > 1:
        raise PinflConflictError(f"the certificate subject names {len(found)} different PINFLs")
    return found.pop()


def tin_of(attributes: tuple[tuple[str, str], ...]) -> str | None:
    """The organisation's TIN, or None; raises :class:`InvalidTinError`."""
    found = set(_values(attributes, OID_TIN))
    if any(not _TIN.fullmatch(value) for value in found):
        raise InvalidTinError("a TIN attribute is not exactly 9 digits")
    if len(found) > 1:
        raise InvalidTinError(f"the certificate subject names {len(found)} different TINs")
    return found.pop() if found else None


def holder_of(cert: CertInfo) -> CertificateHolder:
    attrs = cert.subject_attributes
    pinfl = pinfl_of(attrs)
    tin = tin_of(attrs)
    return CertificateHolder(
        pinfl=pinfl,
        tin=tin,
        organisation=_first(attrs, OID_ORGANISATION),
        common_name=_first(attrs, OID_COMMON_NAME),
        surname=_first(attrs, OID_SURNAME),
        given_name=_first(attrs, OID_GIVEN_NAME),
    )
