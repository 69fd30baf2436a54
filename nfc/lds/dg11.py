"""DG11 additional personal details and DG12 additional document details
(Part 10 sections 4.7.11 and 4.7.12). Values are text in UTF-8 with '<'
separating name parts; dates are YYYYMMDD. Personal data: do not log."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import tlv
from ..errors import LDSError, NfcError
from .files import data_group

DG11_FIELDS = {
    0x5F0E: "full_name", 0x5F10: "personal_number", 0x5F2B: "full_date_of_birth",
    0x5F11: "place_of_birth", 0x5F42: "address", 0x5F12: "telephone",
    0x5F13: "profession", 0x5F14: "title", 0x5F15: "personal_summary",
    0x5F17: "other_td_numbers", 0x5F18: "custody_information",
}
DG12_FIELDS = {
    0x5F19: "issuing_authority", 0x5F26: "date_of_issue", 0x5F1B: "endorsements",
    0x5F1C: "tax_exit_requirements", 0x5F55: "personalization_time",
    0x5F56: "personalization_device",
}
_BINARY = {0x5F16, 0x5F1D, 0x5F1E}  # proof of citizenship, document images


@dataclass(frozen=True, repr=False)
class DetailsFile:
    """Decoded DG11 or DG12: named text fields plus repeated 'other' names."""

    data_group: int
    fields: dict[str, str] = field(default_factory=dict)
    other_names: tuple[str, ...] = ()
    images: dict[str, bytes] = field(default_factory=dict)

    def get(self, name: str) -> str | None:
        return self.fields.get(name)

    def __repr__(self) -> str:
        return f"DetailsFile(DG{self.data_group}, fields={sorted(self.fields)})"


def _text(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise LDSError("text element is not UTF-8") from None


def _parse(data: bytes, number: int, names: dict[int, str]) -> DetailsFile:
    try:
        outer = tlv.decode(data, expected_tag=data_group(number).tag)
        children = outer.children()
        if not children or children[0].tag != 0x5C:
            raise LDSError(f"DG{number} must start with a tag list")
        out: dict[str, str] = {}
        images: dict[str, bytes] = {}
        others: list[str] = []
        seen: set[int] = set()
        for child in children[1:]:
            if child.tag in seen:
                raise LDSError(f"DG{number} repeats tag {child.tag:X}")
            seen.add(child.tag)
            if child.tag == 0xA0:  # other names / other persons: count then items
                items = child.children()
                if not items or items[0].tag != 0x02 or len(items[0].value) != 1:
                    raise LDSError("content group lacks its count")
                if items[0].value[0] != len(items) - 1:
                    raise LDSError("content group count does not match")
                others.extend(_text(i.value) for i in items[1:])
            elif child.tag in names:
                out[names[child.tag]] = _text(child.value)
            elif child.tag in _BINARY:
                images[f"{child.tag:X}"] = child.value
            # other tags are future extensions: ignored but structurally checked
        return DetailsFile(number, out, tuple(others), images)
    except LDSError:
        raise
    except NfcError as exc:
        raise LDSError(f"DG{number}: {exc}") from exc


def parse_dg11(data: bytes) -> DetailsFile:
    return _parse(data, 11, DG11_FIELDS)


def parse_dg12(data: bytes) -> DetailsFile:
    return _parse(data, 12, DG12_FIELDS)


def encode_details(number: int, values: dict[str, str]) -> bytes:
    names = DG11_FIELDS if number == 11 else DG12_FIELDS
    by_name = {v: k for k, v in names.items()}
    elements = [(by_name[k], v.encode("utf-8")) for k, v in values.items()]
    tag_list = b"".join(tlv.encode_tag(t) for t, _ in elements)
    body = tlv.encode(0x5C, tag_list) + b"".join(tlv.encode(t, v) for t, v in elements)
    return tlv.encode(data_group(number).tag, body)
