"""Face image records: ISO/IEC 19794-5:2005 (the format of LDS 1.7 DG2) and,
where present, an ISO/IEC 39794-5 block. The image itself is returned as the
raw JPEG or JPEG 2000 bytes; :meth:`FaceImage.decode` turns it into a Pillow
image for the biometrics package (Pillow is imported only there)."""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field

from .. import tlv
from ..errors import BiometricError, NfcError

JPEG = "jpeg"
JPEG2000 = "jpeg2000"
_JPEG_MAGIC = b"\xff\xd8\xff"
_JP2_MAGIC = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
_J2K_MAGIC = b"\xff\x4f\xff\x51"
_GENDER = {0: "unspecified", 1: "male", 2: "female", 0xFF: "unknown"}
_FACE_TYPE = {0: "basic", 1: "full_frontal", 2: "token_frontal"}
_SOURCE = {0: "unspecified", 1: "static_unknown", 2: "static_digital",
           3: "static_scan", 4: "video_unknown", 5: "video_analogue",
           6: "video_digital", 7: "unknown"}


def sniff_format(image: bytes) -> str | None:
    if image.startswith(_JPEG_MAGIC):
        return JPEG
    if image.startswith(_JP2_MAGIC) or image.startswith(_J2K_MAGIC):
        return JPEG2000
    return None


@dataclass(frozen=True, repr=False)
class FaceImage:
    """One portrait from DG2. Biometric data: never log ``image``."""

    image_format: str  # "jpeg" or "jpeg2000"
    image: bytes = field(repr=False)
    width: int | None
    height: int | None
    standard: str  # "ISO/IEC 19794-5" or "ISO/IEC 39794-5"
    gender: str = "unspecified"
    face_image_type: str = "unspecified"
    source_type: str = "unspecified"
    feature_points: int = 0
    quality: int = 0

    def __repr__(self) -> str:
        return (f"FaceImage({self.image_format}, {self.width}x{self.height}, "
                f"{len(self.image)} bytes)")

    def decode(self):  # -> PIL.Image.Image
        """Decode with Pillow (imported lazily; JPEG 2000 needs OpenJPEG)."""
        try:
            from PIL import Image
        except ImportError as exc:  # pragma: no cover - depends on install
            raise BiometricError("decoding a portrait needs Pillow") from exc
        try:
            img = Image.open(io.BytesIO(self.image))
            img.load()
            return img.convert("RGB")
        except Exception as exc:
            raise BiometricError(f"portrait does not decode ({exc.__class__.__name__})") from exc

    def to_jpeg(self, *, quality: int = 90) -> bytes:
        """The portrait as JPEG (transcoded from JPEG 2000 when needed)."""
        if self.image_format == JPEG:
            return self.image
        out = io.BytesIO()
        self.decode().save(out, format="JPEG", quality=quality)
        return out.getvalue()


def parse_iso19794_5(block: bytes) -> list[FaceImage]:
    """Decode an ISO/IEC 19794-5:2005 facial record (sections 5.4 to 5.7)."""
    if len(block) < 14 or block[:4] != b"FAC\x00":
        raise BiometricError("not an ISO/IEC 19794-5 facial record")
    if block[4:8] != b"010\x00":
        raise BiometricError("unsupported ISO/IEC 19794-5 version")
    record_length, count = struct.unpack(">IH", block[8:14])
    if record_length != len(block):
        raise BiometricError("facial record length does not match its block")
    if count == 0:
        raise BiometricError("facial record holds no image")
    faces = []
    pos = 14
    for _ in range(count):
        if pos + 20 > len(block):
            raise BiometricError("facial information truncated")
        (length, points, gender, _eye, _hair, _mask_hi, _mask_lo, _expr,
         _yaw, _pitch, _roll, _uy, _up, _ur) = struct.unpack(">IHBBBBHHBBBBBB", block[pos:pos + 20])
        end = pos + length
        header_len = 20 + 8 * points + 12
        if length < header_len or end > len(block):
            raise BiometricError("facial information block length invalid")
        info = pos + 20 + 8 * points
        face_type, data_type, width, height, _cs, source, _dev, quality = struct.unpack(
            ">BBHHBBHH", block[info:info + 12])
        image = block[info + 12:end]
        fmt = {0: JPEG, 1: JPEG2000}.get(data_type)
        if fmt is None:
            raise BiometricError("image data type is neither JPEG nor JPEG 2000")
        if sniff_format(image) != fmt:
            raise BiometricError("image data does not match its declared type")
        faces.append(FaceImage(fmt, image, width, height, "ISO/IEC 19794-5",
                               _GENDER.get(gender, "unspecified"),
                               _FACE_TYPE.get(face_type, "unspecified"),
                               _SOURCE.get(source, "unspecified"), points, quality))
        pos = end
    if pos != len(block):
        raise BiometricError("bytes after the last facial image")
    return faces


def parse_iso39794_5(block: bytes) -> list[FaceImage]:
    """Locate the image of an ISO/IEC 39794-5 (DER) face record.

    The record is walked iteratively with bounded depth; the first primitive
    element holding a JPEG or JPEG 2000 image is returned. Metadata beyond
    the image format is not decoded.
    """
    try:
        tlv.check_ber_nesting(block, allow_indefinite=False)
        pending = [block]
        walked = 0
        while pending:
            chunk = pending.pop()
            for obj in tlv.decode_all(chunk):
                walked += 1
                if walked > 10_000:
                    raise BiometricError("face record has too many elements")
                fmt = sniff_format(obj.value)
                if not obj.constructed and fmt:
                    return [FaceImage(fmt, obj.value, None, None, "ISO/IEC 39794-5")]
                if obj.constructed:
                    pending.append(obj.value)
    except BiometricError:
        raise
    except NfcError as exc:
        raise BiometricError(f"ISO/IEC 39794-5 record: {exc}") from exc
    raise BiometricError("ISO/IEC 39794-5 record holds no image")


def encode_iso19794_5(image: bytes, *, width: int, height: int,
                      gender: int = 0, face_image_type: int = 1,
                      source_type: int = 2, quality: int = 0) -> bytes:
    fmt = sniff_format(image)
    if fmt is None:
        raise BiometricError("portrait must be JPEG or JPEG 2000")
    data_type = 0 if fmt == JPEG else 1
    info = struct.pack(">BBHHBBHH", face_image_type, data_type, width, height, 1,
                       source_type, 0, quality)
    face_len = 20 + len(info) + len(image)
    face = struct.pack(">IHBBBBHHBBBBBB", face_len, 0, gender, 0, 0, 0, 0, 0,
                       0, 0, 0, 0, 0, 0) + info + image
    header = b"FAC\x00010\x00" + struct.pack(">IH", 14 + len(face), 1)
    return header + face


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def jpeg_dimensions(image: bytes) -> tuple[int, int]:
    """(width, height) from a JPEG's start-of-frame segment."""
    if not image.startswith(_JPEG_MAGIC):
        raise BiometricError("not a JPEG image")
    pos = 2
    while pos + 4 <= len(image):
        if image[pos] != 0xFF:
            raise BiometricError("JPEG marker expected")
        marker = image[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):
            pos += 2
            continue
        length = int.from_bytes(image[pos + 2:pos + 4], "big")
        if length < 2:
            raise BiometricError("JPEG segment length invalid")
        if marker in _SOF:
            if pos + 9 > len(image):
                break
            height = int.from_bytes(image[pos + 5:pos + 7], "big")
            width = int.from_bytes(image[pos + 7:pos + 9], "big")
            if not width or not height:
                raise BiometricError("JPEG frame has no size")
            return width, height
        if marker == 0xDA:
            break
        pos += 2 + length
    raise BiometricError("JPEG has no frame header")
