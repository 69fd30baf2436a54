"""DG1 (Part 10 section 4.7.1): the MRZ as stored on the chip."""

from __future__ import annotations

from dataclasses import dataclass

from .. import tlv
from ..errors import LDSError, MRZError, NfcError
from ..mrz import MRZ, parse_mrz
from .files import data_group

_WIDTHS = {90: 30, 72: 36, 88: 44}


@dataclass(frozen=True, repr=False)
class DG1:
    mrz: MRZ

    def __repr__(self) -> str:
        return f"DG1({self.mrz!r})"


def parse_dg1(data: bytes, *, verify_check_digits: bool = True) -> DG1:
    """Decode DG1; check digits are verified (a CheckDigitError is an MRZError)."""
    try:
        outer = tlv.decode(data, expected_tag=data_group(1).tag)
        fields = tlv.children_by_tag(outer)
        if set(fields) != {0x5F1F}:
            raise LDSError("DG1 must hold exactly the MRZ element 5F1F")
        raw = fields[0x5F1F].value
        width = _WIDTHS.get(len(raw))
        if width is None:
            raise LDSError("DG1 MRZ length is not that of TD1, TD2 or TD3")
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError:
            raise LDSError("DG1 MRZ is not ASCII") from None
        lines = "\n".join(text[i:i + width] for i in range(0, len(text), width))
        return DG1(parse_mrz(lines, verify_check_digits=verify_check_digits))
    except (LDSError, MRZError):
        raise
    except NfcError as exc:
        raise LDSError(f"DG1: {exc}") from exc


def encode_dg1(mrz_text: str) -> bytes:
    raw = "".join(mrz_text.split()).encode("ascii")
    return tlv.encode(data_group(1).tag, tlv.encode(0x5F1F, raw))
