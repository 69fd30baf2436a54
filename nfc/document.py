"""Document holder data for the report, from DG1 and, where read, DG11 and
DG12 (ICAO 9303 Part 10 sections 4.7.1, 4.7.11 and 4.7.12)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping

from .errors import NfcError
from .lds import parse_dg11, parse_dg12
from .lds.dg1 import DG1
from .report import DocumentData


def _date(value: str | None, fmt: str = "%Y%m%d") -> _dt.date | None:
    if not value:
        return None
    try:
        return _dt.datetime.strptime(value, fmt).date()
    except ValueError:
        return None


def document_data(dg1: DG1, files: Mapping[str, bytes], *,
                  today: _dt.date | None = None) -> DocumentData:
    """DG1 fields, completed by DG11/DG12 when they decode (they are optional)."""
    mrz = dg1.mrz
    dg11 = dg12 = None
    try:
        dg11 = parse_dg11(files["DG11"]) if "DG11" in files else None
    except NfcError:
        dg11 = None
    try:
        dg12 = parse_dg12(files["DG12"]) if "DG12" in files else None
    except NfcError:
        dg12 = None
    personal = dg11.get("personal_number") if dg11 else None
    return DocumentData(
        document_code=mrz.document_code, issuing_state=mrz.issuing_state,
        document_number=mrz.document_number, surname=mrz.surname,
        given_names=mrz.given_names, nationality=mrz.nationality, sex=mrz.sex,
        date_of_birth=mrz.birth_date(today=today), date_of_expiry=mrz.expiry_date(today=today),
        mrz_format=mrz.format, mrz_optional_data=mrz.optional_data,
        personal_number=personal or (mrz.optional_data or None),
        full_name=dg11.get("full_name") if dg11 else None,
        place_of_birth=dg11.get("place_of_birth") if dg11 else None,
        date_of_issue=_date(dg12.get("date_of_issue")) if dg12 else None,
        issuing_authority=dg12.get("issuing_authority") if dg12 else None,
    )
