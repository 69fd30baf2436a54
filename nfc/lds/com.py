"""EF.COM (Part 10 section 4.6.1): LDS version and the list of data groups."""

from __future__ import annotations

from dataclasses import dataclass

from .. import tlv
from ..errors import LDSError, NfcError
from .files import DG_BY_TAG, EF_COM


@dataclass(frozen=True)
class EFCom:
    lds_version: str  # "0107" means LDS 1.7
    unicode_version: str  # "040000" means Unicode 4.0.0
    data_groups: tuple[int, ...]


def parse_com(data: bytes) -> EFCom:
    try:
        fields = tlv.children_by_tag(tlv.decode(data, expected_tag=EF_COM.tag))
        if not {0x5F01, 0x5F36, 0x5C} <= fields.keys():
            raise LDSError("EF.COM lacks a mandatory element")
        lds, uni = fields[0x5F01].value, fields[0x5F36].value
        if len(lds) != 4 or not lds.isdigit() or len(uni) != 6 or not uni.isdigit():
            raise LDSError("EF.COM version fields malformed")
        groups = []
        tags = fields[0x5C].value
        pos = 0
        while pos < len(tags):
            tag, pos = tlv.read_tag(tags, pos)
            if tag not in DG_BY_TAG:
                raise LDSError(f"EF.COM lists unknown tag {tag:X}")
            groups.append(DG_BY_TAG[tag])
        if len(set(groups)) != len(groups):
            raise LDSError("EF.COM lists a data group twice")
        return EFCom(lds.decode(), uni.decode(), tuple(groups))
    except LDSError:
        raise
    except NfcError as exc:
        raise LDSError(f"EF.COM: {exc}") from exc


def encode_com(data_groups: list[int], *, lds_version: str = "0107",
               unicode_version: str = "040000") -> bytes:
    from .files import data_group
    tags = b"".join(tlv.encode_tag(data_group(n).tag) for n in data_groups)
    body = (tlv.encode(0x5F01, lds_version.encode()) + tlv.encode(0x5F36, unicode_version.encode())
            + tlv.encode(0x5C, tags))
    return tlv.encode(EF_COM.tag, body)
