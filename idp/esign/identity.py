"""Who a certificate names: PINFL, TIN and names from the subject.

Uzbek qualified certificates carry the holder's PINFL under OID
1.2.860.3.16.1.2 and, for a certificate issued to act for an organisation,
the organisation's TIN under OID 1.2.860.3.16.1.1. Some issuers put the
PINFL in the standard serialNumber attribute instead, bare or with the
ETSI EN 319 412-1 §5.1.3 prefix ``PNOUZ-``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .certinfo import CertInfo
from .errors import CertificateError, MissingPinflError

OID_TIN = "1.2.860.3.16.1.1"
OID_PINFL = "1.2.860.3.16.1.2"
OID_SERIAL_NUMBER = "2.5.4.5"
OID_COMMON_NAME = "2.5.4.3"
OID_SURNAME = "2.5.4.4"
OID_GIVEN_NAME = "2.5.4.42"
OID_ORGANISATION = "2.5.4.10"

_PINFL = re.compile(r"[0-9]{14}")
_SERIAL_PINFL = re.compile(r"(?:PNOUZ-)?([0-9]{14})")
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
    for attr_oid, value in attributes:
        if attr_oid == oid:
            stripped = value.strip()
            return stripped or None
    return None


def holder_of(cert: CertInfo) -> CertificateHolder:
    attrs = cert.subject_attributes
    pinfl = _first(attrs, OID_PINFL)
    if pinfl is not None and not _PINFL.fullmatch(pinfl):
        raise MissingPinflError("the PINFL attribute is not 14 digits")
    if pinfl is None:
        serial = _first(attrs, OID_SERIAL_NUMBER)
        match = _SERIAL_PINFL.fullmatch(serial or "")
        if match is None:
            raise MissingPinflError("the certificate subject carries no PINFL")
        pinfl = match.group(1)
    tin = _first(attrs, OID_TIN)
    if tin is not None and not _TIN.fullmatch(tin):
        raise CertificateError("the TIN attribute is not 9 digits")
    return CertificateHolder(
        pinfl=pinfl,
        tin=tin,
        organisation=_first(attrs, OID_ORGANISATION),
        common_name=_first(attrs, OID_COMMON_NAME),
        surname=_first(attrs, OID_SURNAME),
        given_name=_first(attrs, OID_GIVEN_NAME),
    )
