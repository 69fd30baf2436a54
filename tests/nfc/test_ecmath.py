"""Pure-Python curve arithmetic: the curve table is right, and ECDSA on the
brainpool curves the cryptography library lacks (older passports use
brainpoolP224r1) verifies."""

from __future__ import annotations

import hashlib
import os

import pytest
from asn1crypto import keys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from nfc.active import verify_active_authentication
from nfc.errors import ActiveAuthError, SignatureError
from nfc.lds import encode_dg14, encode_dg15, parse_dg14, parse_dg15
from nfc.pki.curves import BY_NAME, CURVES
from nfc.pki.ecmath import RawECPublicKey, add, encode_point, generator, multiply, on_curve


@pytest.mark.parametrize("curve", CURVES, ids=lambda c: c.name)
def test_order_times_generator_is_infinity(curve):
    g = generator(curve)
    assert on_curve(curve, g)
    assert multiply(curve, curve.n, g) is None
    assert multiply(curve, curve.n + 5, g) == multiply(curve, 5, g)
    assert add(curve, multiply(curve, 2, g), g) == multiply(curve, 3, g)


def test_matches_the_cryptography_backend():
    key = ec.generate_private_key(ec.BrainpoolP256R1())
    nums = key.public_key().public_numbers()
    c = BY_NAME["BrainpoolP256R1"]
    assert multiply(c, key.private_numbers().private_value, generator(c)) == (nums.x, nums.y)
    sig = key.sign(b"message", ec.ECDSA(hashes.SHA256()))
    raw = RawECPublicKey(c, (nums.x, nums.y))
    raw.verify_digest(hashlib.sha256(b"message").digest(), *decode_dss_signature(sig))
    with pytest.raises(SignatureError):
        raw.verify_digest(hashlib.sha256(b"massage").digest(), *decode_dss_signature(sig))


def _spki(c, point) -> bytes:
    size = c.size
    domain = keys.SpecifiedECDomain({
        "version": "ecdpVer1", "field_id": {"field_type": "prime_field", "parameters": c.p},
        "curve": {"a": c.a.to_bytes(size, "big"), "b": c.b.to_bytes(size, "big")},
        "base": encode_point(c, generator(c)), "order": c.n, "cofactor": 1})
    return keys.PublicKeyInfo({
        "algorithm": {"algorithm": "ec", "parameters": keys.ECDomainParameters("specified", domain)},
        "public_key": encode_point(c, point)}).dump()


def _sign_plain(c, d: int, digest: bytes) -> bytes:
    e = int.from_bytes(digest, "big") >> max(0, len(digest) * 8 - c.n.bit_length())
    while True:
        k = int.from_bytes(os.urandom(c.size + 8), "big") % c.n
        pt = multiply(c, k, generator(c))
        if pt is None:
            continue
        r = pt[0] % c.n
        s = pow(k, -1, c.n) * (e + r * d) % c.n
        if r and s:
            return r.to_bytes(c.size, "big") + s.to_bytes(c.size, "big")


@pytest.mark.parametrize("name", ["BrainpoolP192R1", "BrainpoolP224R1", "BrainpoolP320R1"])
def test_active_authentication_on_brainpool_curves_without_backend(name):
    c = BY_NAME[name]
    d = int.from_bytes(os.urandom(c.size), "big") % c.n
    dg15 = parse_dg15(encode_dg15(_spki(c, multiply(c, d, generator(c)))))
    assert dg15.algorithm == f"EC-{name}"
    dg14 = parse_dg14(encode_dg14(aa_signature_algorithm="0.4.0.127.0.7.1.1.4.1.3"))
    nonce = os.urandom(8)
    signature = _sign_plain(c, d, hashlib.sha256(nonce).digest())
    assert name in verify_active_authentication(dg15, signature, expected_nonce=nonce, dg14=dg14)
    with pytest.raises(ActiveAuthError):
        verify_active_authentication(dg15, signature, expected_nonce=os.urandom(8), dg14=dg14)


def test_chip_authentication_key_on_brainpool224_is_reported():
    c = BY_NAME["BrainpoolP224R1"]
    dg14 = parse_dg14(encode_dg14(chip_authentication_spki=_spki(c, multiply(c, 7, generator(c))),
                                  ca_protocol="0.4.0.127.0.7.2.2.3.2.1"))
    assert dg14.chip_authentication_keys[0].algorithm == "EC-BrainpoolP224R1"
    assert dg14.chip_authentication[0].protocol == "id-CA-ECDH-3DES-CBC-CBC"
