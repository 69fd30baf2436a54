"""ISO/IEC 9796-2 digital signature scheme 1 with partial message recovery,
as Active Authentication uses it with RSA (ICAO 9303 Part 11 section 6.1.2).

Signature representative F = header 0x6A || M1 || H(M1 || M2) || trailer,
where the trailer is 0xBC (SHA-1 implied) or (hash identifier, 0xCC) with the
ISO/IEC 10118-3 identifiers below. M2 is the terminal's nonce.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from .errors import ActiveAuthError

HASH_IDS = {0x33: "sha1", 0x34: "sha256", 0x35: "sha512", 0x36: "sha384", 0x38: "sha224"}
IDS_BY_HASH = {v: k for k, v in HASH_IDS.items()}
_PARTIAL_RECOVERY = 0x6A


@dataclass(frozen=True)
class Recovered:
    hash_name: str
    m1: bytes
    digest: bytes


def open_representative(f: bytes) -> Recovered:
    """Split a signature representative into M1, digest and hash."""
    if len(f) < 24:
        raise ActiveAuthError("signature representative too short", code="aa_signature_invalid")
    if f[0] != _PARTIAL_RECOVERY:
        raise ActiveAuthError("ISO/IEC 9796-2 header is not 6A", code="aa_signature_invalid")
    if f[-1] == 0xBC:
        name, trailer = "sha1", 1
    elif f[-1] == 0xCC and f[-2] in HASH_IDS:
        name, trailer = HASH_IDS[f[-2]], 2
    else:
        raise ActiveAuthError("ISO/IEC 9796-2 trailer unknown", code="aa_signature_invalid")
    size = hashlib.new(name).digest_size
    if len(f) < 1 + size + trailer + 1:
        raise ActiveAuthError("signature representative too short", code="aa_signature_invalid")
    digest = f[-trailer - size:-trailer]
    return Recovered(name, f[1:-trailer - size], digest)


def verify_rsa(n: int, e: int, signature: bytes, m2: bytes) -> Recovered:
    """Recover and check a scheme 1 signature over M1 || ``m2``."""
    k = (n.bit_length() + 7) // 8
    if len(signature) != k:
        raise ActiveAuthError("signature length differs from the modulus", code="aa_signature_invalid")
    s = int.from_bytes(signature, "big")
    if not 0 < s < n:
        raise ActiveAuthError("signature out of range", code="aa_signature_invalid")
    # ISO/IEC 9796-2 (RSA, public exponent odd): the signer may send
    # min(J^d, n - J^d), so the recovered value is either F or n - F. F ends
    # in the nibble 0xC (trailer 0xBC or 0x?CC); n is odd, so n - F does not.
    j = pow(s, e, n)
    if j & 0xF != 0xC:
        j = n - j
    f = j.to_bytes(k, "big")
    rec = open_representative(f)
    expected = hashlib.new(rec.hash_name, rec.m1 + m2).digest()
    if not hmac.compare_digest(expected, rec.digest):
        raise ActiveAuthError("recovered hash does not match the nonce", code="aa_signature_invalid")
    return rec


def representative(k: int, m1_source: bytes, m2: bytes, hash_name: str = "sha1") -> bytes:
    """Build F for a modulus of ``k`` bytes (the signer's side)."""
    size = hashlib.new(hash_name).digest_size
    trailer = b"\xbc" if hash_name == "sha1" else bytes((IDS_BY_HASH[hash_name], 0xCC))
    m1_len = k - 1 - size - len(trailer)
    if m1_len < 1:
        raise ValueError("modulus too small for this hash")
    m1 = (m1_source * (m1_len // max(1, len(m1_source)) + 1))[:m1_len]
    digest = hashlib.new(hash_name, m1 + m2).digest()
    return bytes((_PARTIAL_RECOVERY,)) + m1 + digest + trailer
