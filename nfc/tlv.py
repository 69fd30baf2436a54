"""Strict BER-TLV codec for LDS files (ICAO 9303 Part 10 section 4.4 and
ISO/IEC 7816-4 section 5.2).

The decoder is total: any input gives either TLV objects or a
:class:`~nfc.errors.TLVError`. Lengths are bounded by the input (nothing is
allocated from a length field), tags are at most three bytes, lengths at most
four bytes, indefinite lengths are refused for LDS data, and nesting walks are
iterative with a depth bound.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import TLVError

MAX_TAG_BYTES = 3
MAX_LENGTH_BYTES = 4
MAX_DEPTH = 32


@dataclass(frozen=True)
class TLV:
    tag: int
    value: bytes

    @property
    def constructed(self) -> bool:
        return bool(_first_tag_byte(self.tag) & 0x20)

    def children(self) -> list[TLV]:
        """Decode the value of a constructed object as a sequence of TLVs."""
        if not self.constructed:
            raise TLVError(f"tag {self.tag:X} is primitive")
        return decode_all(self.value)

    def encode(self) -> bytes:
        return encode(self.tag, self.value)


def _first_tag_byte(tag: int) -> int:
    while tag > 0xFF:
        tag >>= 8
    return tag


def read_tag(data: bytes, pos: int) -> tuple[int, int]:
    """Read a tag at ``pos``; return (tag, position after the tag)."""
    if pos >= len(data):
        raise TLVError("truncated tag")
    first = data[pos]
    if first in (0x00, 0xFF):
        raise TLVError("invalid tag byte")
    pos += 1
    tag = first
    if first & 0x1F != 0x1F:
        return tag, pos
    for count in range(1, MAX_TAG_BYTES):
        if pos >= len(data):
            raise TLVError("truncated tag")
        b = data[pos]
        pos += 1
        if count == 1 and b == 0x80:
            raise TLVError("non-minimal tag")
        tag = (tag << 8) | b
        if not b & 0x80:
            return tag, pos
    raise TLVError("tag too long")


def read_length(data: bytes, pos: int) -> tuple[int, int]:
    """Read a definite length at ``pos``; return (length, position after)."""
    if pos >= len(data):
        raise TLVError("truncated length")
    first = data[pos]
    pos += 1
    if first < 0x80:
        return first, pos
    count = first & 0x7F
    if count == 0:
        raise TLVError("indefinite length not allowed")
    if count > MAX_LENGTH_BYTES:
        raise TLVError("length field too long")
    if pos + count > len(data):
        raise TLVError("truncated length")
    # Non-minimal long forms (0x82 0x00 0x10) occur on issued chips and are
    # accepted: the value is still bounded by the input below.
    return int.from_bytes(data[pos:pos + count], "big"), pos + count


def decode_header(data: bytes, pos: int = 0) -> tuple[int, int, int]:
    """Return (tag, value offset, value length) of the TLV at ``pos``.

    Does not require the value to be present; use it to learn a file's total
    length from its first bytes.
    """
    tag, pos = read_tag(data, pos)
    length, pos = read_length(data, pos)
    return tag, pos, length


def decode_one(data: bytes, pos: int = 0) -> tuple[TLV, int]:
    """Decode the TLV at ``pos``; return it and the position after it."""
    tag, start, length = decode_header(data, pos)
    end = start + length
    if end > len(data):
        raise TLVError(f"value of tag {tag:X} truncated")
    return TLV(tag, bytes(data[start:end])), end


def decode(data: bytes, *, expected_tag: int | None = None) -> TLV:
    """Decode exactly one TLV spanning all of ``data``."""
    obj, end = decode_one(data)
    if end != len(data):
        raise TLVError("trailing bytes after TLV")
    if expected_tag is not None and obj.tag != expected_tag:
        raise TLVError(f"expected tag {expected_tag:X}, found {obj.tag:X}")
    return obj


def decode_all(data: bytes) -> list[TLV]:
    """Decode a concatenation of TLVs spanning all of ``data``."""
    out: list[TLV] = []
    pos = 0
    while pos < len(data):
        obj, pos = decode_one(data, pos)
        out.append(obj)
    return out


def file_length(prefix: bytes) -> int:
    """Total length of a TLV-encoded file from its first bytes (header)."""
    _tag, start, length = decode_header(prefix)
    return start + length


def encode_length(length: int) -> bytes:
    if length < 0:
        raise ValueError("negative length")
    if length < 0x80:
        return bytes([length])
    raw = length.to_bytes((length.bit_length() + 7) // 8, "big")
    if len(raw) > MAX_LENGTH_BYTES:
        raise ValueError("length too large")
    return bytes([0x80 | len(raw)]) + raw


def encode_tag(tag: int) -> bytes:
    return tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big")


def encode(tag: int, value: bytes) -> bytes:
    return encode_tag(tag) + encode_length(len(value)) + bytes(value)


def children_by_tag(obj: TLV) -> dict[int, TLV]:
    """Children of a constructed object keyed by tag; duplicates refused."""
    out: dict[int, TLV] = {}
    for child in obj.children():
        if child.tag in out:
            raise TLVError(f"duplicate tag {child.tag:X}")
        out[child.tag] = child
    return out


def check_ber_nesting(data: bytes, *, max_depth: int = MAX_DEPTH,
                      allow_indefinite: bool = True) -> None:
    """Walk one BER/DER element iteratively; refuse deep or broken nesting.

    Run before handing bytes to a general ASN.1 decoder so that hostile input
    cannot exhaust its recursion. The element must span all of ``data``.
    Indefinite lengths (some CMS encoders emit them) are accepted when
    ``allow_indefinite`` is true. Tags of any length are accepted here.
    """
    n = len(data)
    if n == 0:
        raise TLVError("empty encoding")
    # each entry: (end offset or None when indefinite, effective limit)
    stack: list[tuple[int | None, int]] = []
    pos = 0
    started = False
    while True:
        while stack and stack[-1][0] is not None and pos == stack[-1][0]:
            stack.pop()
        if not stack and started:
            if pos != n:
                raise TLVError("trailing bytes after encoding")
            return
        limit = stack[-1][1] if stack else n
        if stack and stack[-1][0] is None and data[pos:pos + 2] == b"\0\0":
            stack.pop()
            pos += 2
            continue
        if pos >= limit:
            raise TLVError("truncated element")
        started = True
        first = data[pos]
        pos += 1
        if first & 0x1F == 0x1F:
            count = 0
            while True:
                if pos >= limit:
                    raise TLVError("truncated tag")
                b = data[pos]
                pos += 1
                count += 1
                if count > 8:
                    raise TLVError("tag too long")
                if not b & 0x80:
                    break
        if pos >= limit:
            raise TLVError("truncated length")
        lb = data[pos]
        pos += 1
        constructed = bool(first & 0x20)
        length: int | None
        if lb == 0x80:
            if not allow_indefinite or not constructed:
                raise TLVError("indefinite length not allowed")
            length = None
        elif lb & 0x80:
            count = lb & 0x7F
            if count > MAX_LENGTH_BYTES or pos + count > limit:
                raise TLVError("bad length")
            length = int.from_bytes(data[pos:pos + count], "big")
            pos += count
        else:
            length = lb
        if length is not None and pos + length > limit:
            raise TLVError("value truncated")
        if constructed:
            if len(stack) >= max_depth:
                raise TLVError("nesting too deep")
            end = None if length is None else pos + length
            stack.append((end, limit if end is None else end))
        else:
            pos += length  # type: ignore[operator]
