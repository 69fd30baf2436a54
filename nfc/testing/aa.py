"""The chip's side of Active Authentication (INTERNAL AUTHENTICATE)."""

from __future__ import annotations

import os

from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ..iso9796 import representative
from ..pki.signatures import der_to_plain, hash_algorithm
from .keys import PrivateKey


def aa_sign(key: PrivateKey, nonce: bytes, *, hash_name: str = "sha1") -> bytes:
    """RSA: ISO/IEC 9796-2 scheme 1; ECDSA: plain r || s (TR-03111)."""
    if isinstance(key, rsa.RSAPrivateKey):
        numbers = key.private_numbers()
        n, d = numbers.public_numbers.n, numbers.d
        k = (n.bit_length() + 7) // 8
        f = representative(k, os.urandom(k), nonce, hash_name)
        return pow(int.from_bytes(f, "big"), d, n).to_bytes(k, "big")
    if isinstance(key, ec.EllipticCurvePrivateKey):
        der = key.sign(nonce, ec.ECDSA(hash_algorithm(hash_name)))
        return der_to_plain(der, key.public_key())
    raise ValueError("unsupported Active Authentication key")
