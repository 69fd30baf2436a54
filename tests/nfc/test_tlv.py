"""Strict BER-TLV decoding (ISO/IEC 7816-4 section 5.2)."""

from __future__ import annotations

import pytest

from nfc import tlv
from nfc.errors import TLVError


def test_round_trip_two_byte_tag_and_long_length():
    value = bytes(300)
    encoded = tlv.encode(0x5F2E, value)
    assert encoded[:5] == bytes.fromhex("5F2E82012C")
    obj = tlv.decode(encoded)
    assert obj.tag == 0x5F2E and obj.value == value and not obj.constructed


def test_constructed_children():
    inner = tlv.encode(0x5F1F, b"ABC") + tlv.encode(0x5F01, b"01")
    obj = tlv.decode(tlv.encode(0x61, inner))
    assert [c.tag for c in obj.children()] == [0x5F1F, 0x5F01]


def test_non_minimal_long_length_is_accepted():
    assert tlv.decode(bytes.fromhex("5F1F820003414243")).value == b"ABC"


@pytest.mark.parametrize("hexdata, reason", [
    ("", "truncated tag"),
    ("61", "truncated length"),
    ("6105AABB", "truncated"),
    ("618005AA0000", "indefinite"),
    ("6185FFFFFFFFFF", "length field too long"),
    ("6184FFFFFFFF00", "truncated"),
    ("5F", "truncated tag"),
    ("5F80801F00", "non-minimal tag"),
    ("5FFFFFFF0100", "tag too long"),
    ("00", "invalid tag"),
    ("610100FF", "trailing"),
])
def test_malformed_input_raises_tlv_error(hexdata, reason):
    with pytest.raises(TLVError, match=reason):
        tlv.decode(bytes.fromhex(hexdata))


def test_duplicate_tags_are_refused():
    obj = tlv.decode(tlv.encode(0x61, tlv.encode(0x5F1F, b"A") * 2))
    with pytest.raises(TLVError, match="duplicate"):
        tlv.children_by_tag(obj)


def test_file_length_from_header():
    assert tlv.file_length(bytes.fromhex("7582ABCD0000")) == 4 + 0xABCD


def test_deep_nesting_is_refused_without_recursion():
    data = b"\x05\x00"
    for _ in range(5000):
        data = b"\x30" + tlv.encode_length(len(data)) + data
    with pytest.raises(TLVError, match="too deep"):
        tlv.check_ber_nesting(data)


def test_ber_walk_accepts_indefinite_lengths_when_allowed():
    tlv.check_ber_nesting(bytes.fromhex("30800201010000"))
    with pytest.raises(TLVError):
        tlv.check_ber_nesting(bytes.fromhex("30800201010000"), allow_indefinite=False)
