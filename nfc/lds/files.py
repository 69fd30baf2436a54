"""Elementary files of the LDS 1.7 eMRTD application (Part 10 section 4)."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import LDSError

EMRTD_AID = bytes.fromhex("A0000002471001")


@dataclass(frozen=True)
class EFInfo:
    name: str
    fid: int
    sfi: int
    tag: int
    dg: int | None  # data group number, None for EF.COM / EF.SOD


_DG_TAGS = {1: 0x61, 2: 0x75, 3: 0x63, 4: 0x76, 5: 0x65, 6: 0x66, 7: 0x67, 8: 0x68,
            9: 0x69, 10: 0x6A, 11: 0x6B, 12: 0x6C, 13: 0x6D, 14: 0x6E, 15: 0x6F, 16: 0x70}

EF_COM = EFInfo("EF.COM", 0x011E, 0x1E, 0x60, None)
EF_SOD = EFInfo("EF.SOD", 0x011D, 0x1D, 0x77, None)
EF_CARD_ACCESS = EFInfo("EF.CardAccess", 0x011C, 0x1C, 0x31, None)  # in the master file
DATA_GROUPS = {n: EFInfo(f"DG{n}", 0x0100 + n, n, tag, n) for n, tag in _DG_TAGS.items()}
BY_NAME = {ef.name: ef for ef in (EF_COM, EF_SOD, *DATA_GROUPS.values())}
DG_BY_TAG = {tag: n for n, tag in _DG_TAGS.items()}


def data_group(number: int) -> EFInfo:
    try:
        return DATA_GROUPS[number]
    except KeyError:
        raise LDSError(f"no data group {number}") from None


def by_name(name: str) -> EFInfo:
    try:
        return BY_NAME[name]
    except KeyError:
        raise LDSError(f"unknown elementary file {name!r}") from None
