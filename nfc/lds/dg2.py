"""DG2 (Part 10 section 4.7.2): the encoded face, a Biometric Information
Group Template (7F61) of Biometric Information Templates (7F60) per ISO/IEC
7816-11, each with a header (A1) and a data block (5F2E or 7F2E)."""

from __future__ import annotations

from dataclasses import dataclass

from .. import tlv
from ..errors import BiometricError, LDSError, NfcError
from .face import FaceImage, encode_iso19794_5, parse_iso19794_5, parse_iso39794_5
from .files import data_group

_MAX_INSTANCES = 16


@dataclass(frozen=True, repr=False)
class DG2:
    faces: tuple[FaceImage, ...]

    @property
    def portrait(self) -> FaceImage:
        return self.faces[0]

    def __repr__(self) -> str:
        return f"DG2({len(self.faces)} face image(s))"


def parse_dg2(data: bytes) -> DG2:
    try:
        outer = tlv.decode(data, expected_tag=data_group(2).tag)
        groups = outer.children()
        if len(groups) != 1 or groups[0].tag != 0x7F61:
            raise LDSError("DG2 must hold one biometric information group template")
        items = groups[0].children()
        if not items or items[0].tag != 0x02 or len(items[0].value) != 1:
            raise LDSError("DG2 lacks the number of instances")
        count = items[0].value[0]
        templates = items[1:]
        if count == 0 or count != len(templates) or count > _MAX_INSTANCES:
            raise LDSError("DG2 instance count does not match its templates")
        faces: list[FaceImage] = []
        for template in templates:
            if template.tag != 0x7F60:
                raise LDSError("DG2 template is not a biometric information template")
            parts = tlv.children_by_tag(template)
            if 0xA1 not in parts:
                raise LDSError("biometric information template lacks its header")
            header = tlv.children_by_tag(parts[0xA1])
            btype = header.get(0x81)
            if btype is not None and btype.value not in (b"\x02", b"\x00\x00\x02"):
                raise LDSError("biometric type is not facial features")
            if 0x5F2E in parts:
                faces.extend(parse_iso19794_5(parts[0x5F2E].value))
            elif 0x7F2E in parts:
                faces.extend(parse_iso39794_5(parts[0x7F2E].value))
            else:
                raise LDSError("biometric information template lacks its data block")
        return DG2(tuple(faces))
    except (LDSError, BiometricError):
        raise
    except NfcError as exc:
        raise LDSError(f"DG2: {exc}") from exc


def encode_dg2(image: bytes, *, width: int, height: int, gender: int = 0) -> bytes:
    """One face in an ISO/IEC 19794-5 record, as personalisation systems write."""
    record = encode_iso19794_5(image, width=width, height=height, gender=gender)
    header = (tlv.encode(0x80, b"\x01\x01") + tlv.encode(0x81, b"\x02")
              + tlv.encode(0x82, b"\x00") + tlv.encode(0x87, b"\x01\x01")
              + tlv.encode(0x88, b"\x00\x08"))
    template = tlv.encode(0x7F60, tlv.encode(0xA1, header) + tlv.encode(0x5F2E, record))
    group = tlv.encode(0x7F61, tlv.encode(0x02, b"\x01") + template)
    return tlv.encode(data_group(2).tag, group)
