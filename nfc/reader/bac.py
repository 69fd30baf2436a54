"""Basic Access Control (ICAO 9303 Part 11 section 4.3, worked example in
Appendix D): key derivation, mutual authentication and the session keys and
send sequence counter that start secure messaging.

The functions are pure; :func:`perform_bac` drives them over a transport.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import AccessDenied
from ..mrz import DocumentKey
from .apdu import CommandAPDU, ResponseAPDU
from .cipher import (
    ENC_COUNTER,
    MAC_COUNTER,
    bac_seed,
    kdf_3des,
    pad,
    retail_mac,
    tdes_decrypt,
    tdes_encrypt,
)
from .sm import SecureMessaging


@dataclass(frozen=True)
class BACKeys:
    k_enc: bytes
    k_mac: bytes

    def __repr__(self) -> str:
        return "BACKeys(<secret>)"


def derive_bac_keys(key: DocumentKey) -> BACKeys:
    """Kenc and Kmac from the MRZ information (sections 9.7.1 and 9.7.2)."""
    seed = bac_seed(key.mrz_information())
    return BACKeys(kdf_3des(seed, ENC_COUNTER), kdf_3des(seed, MAC_COUNTER))


def _mac_ok(keys: BACKeys, cryptogram: bytes, mac: bytes) -> bool:
    return hmac.compare_digest(retail_mac(keys.k_mac, pad(cryptogram)), mac)


def external_authenticate_data(keys: BACKeys, rnd_ic: bytes, rnd_ifd: bytes,
                                k_ifd: bytes) -> bytes:
    """E.IFD || M.IFD, the data of EXTERNAL AUTHENTICATE (section 4.3.3.1)."""
    if len(rnd_ic) != 8 or len(rnd_ifd) != 8 or len(k_ifd) != 16:
        raise ValueError("RND.IC and RND.IFD are 8 bytes, K.IFD 16 bytes")
    e_ifd = tdes_encrypt(keys.k_enc, rnd_ifd + rnd_ic + k_ifd)
    return e_ifd + retail_mac(keys.k_mac, pad(e_ifd))


def open_chip_response(keys: BACKeys, response: bytes, rnd_ic: bytes,
                       rnd_ifd: bytes) -> bytes:
    """Check E.IC || M.IC from the chip and return K.IC (section 4.3.3.2)."""
    if len(response) != 40:
        raise AccessDenied("chip authentication response must be 40 bytes")
    e_ic, m_ic = response[:32], response[32:]
    if not _mac_ok(keys, e_ic, m_ic):
        raise AccessDenied("chip response MAC does not verify")
    plain = tdes_decrypt(keys.k_enc, e_ic)
    if not hmac.compare_digest(plain[:8], rnd_ic) or not hmac.compare_digest(plain[8:16], rnd_ifd):
        raise AccessDenied("chip response does not echo the challenges")
    return plain[16:]


def session_keys(k_ifd: bytes, k_ic: bytes) -> tuple[bytes, bytes]:
    """KSenc and KSmac from K.IFD xor K.IC (section 9.7.1)."""
    seed = bytes(a ^ b for a, b in zip(k_ifd, k_ic, strict=True))
    return kdf_3des(seed, ENC_COUNTER), kdf_3des(seed, MAC_COUNTER)


def initial_ssc(rnd_ic: bytes, rnd_ifd: bytes) -> bytes:
    """Four least significant bytes of RND.IC then of RND.IFD (section 9.8.2)."""
    return rnd_ic[4:] + rnd_ifd[4:]


def chip_respond(keys: BACKeys, data: bytes, rnd_ic: bytes,
                 k_ic: bytes) -> tuple[bytes, bytes, bytes]:
    """The chip's side of mutual authentication.

    Returns (E.IC || M.IC, RND.IFD, K.IFD); raises :class:`AccessDenied` when
    the terminal's cryptogram is wrong (wrong MRZ key).
    """
    if len(data) != 40:
        raise AccessDenied("EXTERNAL AUTHENTICATE data must be 40 bytes")
    e_ifd, m_ifd = data[:32], data[32:]
    if not _mac_ok(keys, e_ifd, m_ifd):
        raise AccessDenied("terminal MAC does not verify")
    plain = tdes_decrypt(keys.k_enc, e_ifd)
    rnd_ifd, echoed, k_ifd = plain[:8], plain[8:16], plain[16:]
    if not hmac.compare_digest(echoed, rnd_ic):
        raise AccessDenied("terminal does not echo the chip challenge")
    e_ic = tdes_encrypt(keys.k_enc, rnd_ic + rnd_ifd + k_ic)
    return e_ic + retail_mac(keys.k_mac, pad(e_ic)), rnd_ifd, k_ifd


@dataclass(frozen=True)
class BACResult:
    secure_messaging: SecureMessaging

    def __repr__(self) -> str:
        return "BACResult(<session>)"


def perform_bac(send: Callable[[CommandAPDU], ResponseAPDU], key: DocumentKey, *,
                random: Callable[[int], bytes] = os.urandom) -> BACResult:
    """Run GET CHALLENGE and EXTERNAL AUTHENTICATE; start secure messaging."""
    keys = derive_bac_keys(key)
    challenge = send(CommandAPDU(0x00, 0x84, 0x00, 0x00, le=8))
    if not challenge.ok or len(challenge.data) != 8:
        raise AccessDenied(f"GET CHALLENGE refused ({challenge.sw:04X})")
    rnd_ic = challenge.data
    rnd_ifd, k_ifd = random(8), random(16)
    data = external_authenticate_data(keys, rnd_ic, rnd_ifd, k_ifd)
    answer = send(CommandAPDU(0x00, 0x82, 0x00, 0x00, data, le=40))
    if not answer.ok:
        raise AccessDenied(f"EXTERNAL AUTHENTICATE refused ({answer.sw:04X}): wrong MRZ key?")
    k_ic = open_chip_response(keys, answer.data, rnd_ic, rnd_ifd)
    ks_enc, ks_mac = session_keys(k_ifd, k_ic)
    return BACResult(SecureMessaging(ks_enc, ks_mac, initial_ssc(rnd_ic, rnd_ifd)))
