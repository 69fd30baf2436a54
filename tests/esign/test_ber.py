"""CMS from other signers: BER encodings of the encapsulated challenge (RFC 5652 §5.2)."""

from __future__ import annotations

import pytest
from asn1crypto import cms

from idp.esign import ChallengeMismatchError, MalformedError

from .conftest import CHALLENGE


def _len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _len(len(body)) + body


def with_econtent(der: bytes, econtent_field: bytes) -> bytes:
    """Rebuild the CMS with ``econtent_field`` (the whole [0] element) in encapContentInfo."""
    info = cms.ContentInfo.load(der)
    signed = info["content"]
    parts = [signed["version"].dump(), signed["digest_algorithms"].dump()]
    encap = tlv(0x30, cms.ContentType("data").dump() + econtent_field)
    rest = b"".join(
        signed[name].dump() for name in ("certificates", "crls", "signer_infos") if signed[name].contents is not None
    )
    signed_der = tlv(0x30, b"".join(parts) + encap + rest)
    return tlv(0x30, info["content_type"].dump() + tlv(0xA0, signed_der))


def constructed_definite(chunks: list[bytes]) -> bytes:
    return tlv(0xA0, tlv(0x24, b"".join(tlv(0x04, c) for c in chunks)))


def constructed_indefinite(chunks: list[bytes]) -> bytes:
    inner = b"\x24\x80" + b"".join(tlv(0x04, c) for c in chunks) + b"\x00\x00"
    return b"\xa0\x80" + inner + b"\x00\x00"


@pytest.mark.parametrize("wrap", [constructed_definite, constructed_indefinite])
def test_constructed_octet_string_content(sign, verify, wrap):
    der = with_econtent(sign("individual-ec"), wrap([CHALLENGE[:5], CHALLENGE[5:12], CHALLENGE[12:]]))
    assert verify(der).pinfl == "42203924560027"


def test_constructed_content_still_compared_with_the_challenge(sign, verify):
    der = with_econtent(sign("individual-ec"), constructed_definite([CHALLENGE, b"!"]))
    with pytest.raises(ChallengeMismatchError):
        verify(der)


def test_econtent_that_is_not_an_octet_string(sign, verify):
    der = with_econtent(sign("individual-ec"), tlv(0xA0, tlv(0x0C, CHALLENGE)))
    with pytest.raises(MalformedError):
        verify(der)


def test_primitive_rebuild_matches_the_original(sign, verify):
    original = sign("individual-ec")
    der = with_econtent(original, tlv(0xA0, tlv(0x04, CHALLENGE)))
    assert der == original
