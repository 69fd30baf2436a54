"""Active authentication (ICAO 9303 Part 11 section 6.1) over a server
nonce: ISO/IEC 9796-2 scheme 1 for RSA, plain ECDSA with the hash named in
DG14."""

from __future__ import annotations

import os

import pytest

from nfc.active import verify_active_authentication
from nfc.errors import ActiveAuthError
from nfc.iso9796 import IDS_BY_HASH, open_representative, representative
from nfc.lds import encode_dg14, encode_dg15, parse_dg14, parse_dg15
from nfc.pki.keys import spki_der
from nfc.testing import aa_sign
from nfc.testing.keys import generate_key


def _dg15(key, explicit=False):
    return parse_dg15(encode_dg15(spki_der(key.public_key(), explicit=explicit)))


def _dg14(hash_name="sha256"):
    oids = {"sha1": "1", "sha224": "2", "sha256": "3", "sha384": "4", "sha512": "5"}
    return parse_dg14(encode_dg14(aa_signature_algorithm="0.4.0.127.0.7.1.1.4.1." + oids[hash_name]))


@pytest.fixture(scope="module")
def rsa1024():
    return generate_key("rsa-1024")


@pytest.fixture(scope="module")
def rsa2048():
    return generate_key("rsa-2048")


def test_rsa_sha1_trailer_bc(rsa1024):
    nonce = os.urandom(8)
    sig = aa_sign(rsa1024, nonce, hash_name="sha1")
    assert pow(int.from_bytes(sig, "big"), 65537, rsa1024.public_key().public_numbers().n) \
        .to_bytes(128, "big")[-1] == 0xBC
    assert "sha1" in verify_active_authentication(_dg15(rsa1024), sig, expected_nonce=nonce)


@pytest.mark.parametrize("hash_name", ["sha224", "sha256", "sha384", "sha512"])
def test_rsa_trailer_xxcc(rsa2048, hash_name):
    nonce = os.urandom(8)
    sig = aa_sign(rsa2048, nonce, hash_name=hash_name)
    algo = verify_active_authentication(_dg15(rsa2048), sig, expected_nonce=nonce)
    assert algo == f"RSA-2048 ISO/IEC 9796-2 {hash_name}"


def test_representative_layout():
    f = representative(128, b"\xaa", b"N" * 8, "sha256")
    assert f[0] == 0x6A and f[-2:] == bytes((IDS_BY_HASH["sha256"], 0xCC))
    rec = open_representative(f)
    assert rec.hash_name == "sha256" and len(rec.digest) == 32 and len(rec.m1) == 128 - 35


@pytest.mark.parametrize("spec, explicit", [("ec-p256", False), ("ec-brainpool256", True),
                                            ("ec-p384", False), ("ec-brainpool512", True)])
def test_ecdsa_plain_signature(spec, explicit):
    key = generate_key(spec)
    nonce = os.urandom(8)
    sig = aa_sign(key, nonce, hash_name="sha256")
    assert len(sig) == 2 * ((key.curve.key_size + 7) // 8)
    algo = verify_active_authentication(_dg15(key, explicit), sig, expected_nonce=nonce,
                                        dg14=_dg14("sha256"))
    assert algo.startswith("ECDSA")


@pytest.mark.parametrize("spec", ["rsa-1024", "ec-p256"])
def test_replayed_signature_for_another_nonce_is_refused(spec, rsa1024):
    key = rsa1024 if spec == "rsa-1024" else generate_key(spec)
    old_nonce, new_nonce = os.urandom(8), os.urandom(8)
    sig = aa_sign(key, old_nonce, hash_name="sha1" if spec.startswith("rsa") else "sha256")
    with pytest.raises(ActiveAuthError) as err:
        verify_active_authentication(_dg15(key), sig, expected_nonce=new_nonce, dg14=_dg14())
    assert err.value.code == "aa_signature_invalid"


def test_signature_by_another_key_is_refused(rsa1024):
    nonce = os.urandom(8)
    sig = aa_sign(generate_key("rsa-1024"), nonce)
    with pytest.raises(ActiveAuthError) as err:
        verify_active_authentication(_dg15(rsa1024), sig, expected_nonce=nonce)
    assert err.value.code == "aa_signature_invalid"


def test_ecdsa_needs_active_authentication_info():
    key = generate_key("ec-p256")
    nonce = os.urandom(8)
    with pytest.raises(ActiveAuthError) as err:
        verify_active_authentication(_dg15(key), aa_sign(key, nonce, hash_name="sha256"),
                                     expected_nonce=nonce)
    assert err.value.code == "aa_info_missing"


def test_ecdsa_hash_comes_from_dg14():
    key = generate_key("ec-p256")
    nonce = os.urandom(8)
    sig = aa_sign(key, nonce, hash_name="sha256")
    with pytest.raises(ActiveAuthError):
        verify_active_authentication(_dg15(key), sig, expected_nonce=nonce, dg14=_dg14("sha384"))


@pytest.mark.parametrize("mutate", [
    lambda s: s[:-1],  # wrong length
    lambda s: b"\x00" * len(s),  # out of range
    lambda s: b"\xff" * len(s),  # not below the modulus
    lambda s: bytes([s[0] ^ 1]) + s[1:],  # any other bit
    lambda s: b"",
])
def test_malformed_rsa_signatures_are_refused(rsa1024, mutate):
    nonce = os.urandom(8)
    with pytest.raises(ActiveAuthError):
        verify_active_authentication(_dg15(rsa1024), mutate(aa_sign(rsa1024, nonce)),
                                     expected_nonce=nonce)


def test_nonce_must_be_eight_bytes(rsa1024):
    with pytest.raises(ActiveAuthError) as err:
        verify_active_authentication(_dg15(rsa1024), b"x", expected_nonce=b"short")
    assert err.value.code == "aa_nonce_invalid"


def test_wrong_header_or_trailer_is_refused(rsa1024):
    n = rsa1024.public_key().public_numbers().n
    d = rsa1024.private_numbers().d
    nonce = os.urandom(8)
    for f in (b"\x4a" + representative(128, b"x", nonce)[1:],
              representative(128, b"x", nonce)[:-1] + b"\xbd"):
        sig = pow(int.from_bytes(f, "big"), d, n).to_bytes(128, "big")
        with pytest.raises(ActiveAuthError):
            verify_active_authentication(_dg15(rsa1024), sig, expected_nonce=nonce)
