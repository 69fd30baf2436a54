"""Symmetric primitives for secure messaging (ICAO 9303 Part 11 sections
9.7 and 9.8): key derivation, 2-key 3DES in CBC mode with a zero IV and the
ISO/IEC 9797-1 MAC algorithm 3 ("retail MAC") for BAC; AES in CBC mode and
AES-CMAC for PACE; ISO/IEC 9797-1 padding method 2.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import cmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

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


def unpad(data: bytes, block: int = 8) -> bytes:
    stripped = data.rstrip(b"\x00")
    if not stripped or stripped[-1] != 0x80 or len(data) - len(stripped) >= block:
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


def kdf_aes(secret: bytes, counter: int, key_length: int) -> bytes:
    """Section 9.7.1 for AES: SHA-1 for 128-bit keys, SHA-256 for 192/256."""
    data = secret + counter.to_bytes(4, "big")
    digest = hashlib.sha1(data).digest() if key_length == 16 else hashlib.sha256(data).digest()
    return digest[:key_length]


def aes_cbc(key: bytes, data: bytes, iv: bytes = bytes(16), *, decrypt: bool = False) -> bytes:
    if len(data) % 16:
        raise SecureMessagingError("ciphertext is not a whole number of AES blocks")
    c = Cipher(algorithms.AES(key), modes.CBC(iv))
    op = c.decryptor() if decrypt else c.encryptor()
    return op.update(data) + op.finalize()


def aes_ecb_block(key: bytes, block: bytes) -> bytes:
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()  # noqa: S305 - one block, an IV
    return enc.update(block) + enc.finalize()


def aes_cmac(key: bytes, data: bytes) -> bytes:
    mac = cmac.CMAC(algorithms.AES(key))
    mac.update(data)
    return mac.finalize()
