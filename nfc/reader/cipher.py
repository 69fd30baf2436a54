"""Symmetric primitives for BAC secure messaging (ICAO 9303 Part 11
sections 9.7 and 9.8): key derivation, 2-key 3DES in CBC mode with a zero IV,
the ISO/IEC 9797-1 MAC algorithm 3 ("retail MAC") and padding method 2.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes

from ..errors import SecureMessagingError

ENC_COUNTER = 1
MAC_COUNTER = 2
_ZERO_IV = bytes(8)


def adjust_parity(key: bytes) -> bytes:
    """Set the DES odd-parity bit of every byte."""
    out = bytearray()
    for b in key:
        high = b & 0xFE
        out.append(high | (bin(high).count("1") + 1) % 2)
    return bytes(out)


def kdf_3des(seed: bytes, counter: int) -> bytes:
    """Part 11 section 9.7.1: SHA-1(seed || counter), first 16 bytes, parity."""
    digest = hashlib.sha1(seed + counter.to_bytes(4, "big")).digest()
    return adjust_parity(digest[:16])


def bac_seed(mrz_information: str) -> bytes:
    """Kseed = first 16 bytes of SHA-1 of the MRZ information (section 9.7.2)."""
    return hashlib.sha1(mrz_information.encode("ascii")).digest()[:16]


def _tdes_key(key: bytes) -> bytes:
    if len(key) == 16:
        return key + key[:8]
    if len(key) == 8:
        return key * 3
    if len(key) == 24:
        return key
    raise ValueError("3DES keys are 8, 16 or 24 bytes")


def tdes_encrypt(key: bytes, data: bytes, iv: bytes = _ZERO_IV) -> bytes:
    enc = Cipher(TripleDES(_tdes_key(key)), modes.CBC(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def tdes_decrypt(key: bytes, data: bytes, iv: bytes = _ZERO_IV) -> bytes:
    if len(data) % 8:
        raise SecureMessagingError("ciphertext is not a whole number of blocks")
    dec = Cipher(TripleDES(_tdes_key(key)), modes.CBC(iv)).decryptor()
    return dec.update(data) + dec.finalize()


def pad(data: bytes, block: int = 8) -> bytes:
    """ISO/IEC 9797-1 padding method 2: 0x80 then zeros to the block size."""
    data = data + b"\x80"
    return data + bytes(-len(data) % block)


def unpad(data: bytes) -> bytes:
    stripped = data.rstrip(b"\x00")
    if not stripped or stripped[-1] != 0x80 or len(data) - len(stripped) >= 8:
        raise SecureMessagingError("bad padding")
    return stripped[:-1]


def retail_mac(key: bytes, data: bytes) -> bytes:
    """ISO/IEC 9797-1 MAC algorithm 3 with DES; ``data`` must be padded."""
    if len(key) != 16 or not data or len(data) % 8:
        raise ValueError("retail MAC needs a 16-byte key and padded data")
    ka, kb = key[:8], key[8:]
    h = _ZERO_IV
    if len(data) > 8:
        h = tdes_encrypt(ka, data[:-8])[-8:]
    return tdes_encrypt(ka + kb, data[-8:], iv=h)
