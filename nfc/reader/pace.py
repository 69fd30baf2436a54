"""PACE with ECDH generic mapping and AES secure messaging (ICAO 9303 Part 11
sections 4.4 and 9.7.4, worked example in the appendix "PACE - Generic
Mapping"): the password key from the MRZ, the encrypted nonce, the mapped
generator G' = s*G + H, ephemeral key agreement on G', and the
authentication tokens. Pure functions for each step, with :func:`perform_pace`
driving them over a transport and :class:`PaceChipSession` serving the
software chip.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass

from asn1crypto import core

from .. import tlv
from ..asn1 import OID_PACE_PREFIX, SecurityInfos, guarded, load
from ..errors import AccessDenied, NfcError, ProtocolError
from ..mrz import DocumentKey
from ..pki.curves import BY_NAME, _Curve
from ..pki.ecmath import Point, add, decode_point, encode_point, generator, multiply
from .apdu import CommandAPDU, ResponseAPDU
from .cipher import aes_cbc, aes_cmac, kdf_aes
from .sm import SecureMessaging

# id-PACE-ECDH-GM-AES-CBC-CMAC-128/192/256 and their key lengths (section 9.2.1)
PROTOCOLS = {
    "0.4.0.127.0.7.2.2.4.2.2": 16,
    "0.4.0.127.0.7.2.2.4.2.3": 24,
    "0.4.0.127.0.7.2.2.4.2.4": 32,
}
# Standardized domain parameters (section 9.5.1, table 6)
PARAMETERS = {
    8: "SECP192R1", 9: "BrainpoolP192R1", 10: "SECP224R1", 11: "BrainpoolP224R1",
    12: "SECP256R1", 13: "BrainpoolP256R1", 14: "BrainpoolP320R1", 15: "SECP384R1",
    16: "BrainpoolP384R1", 17: "BrainpoolP512R1", 18: "SECP521R1",
}
MRZ_PASSWORD = 1
PASSWORD_COUNTER = 3


@dataclass(frozen=True)
class PACEInfo:
    protocol: str
    version: int
    parameter_id: int | None

    @property
    def supported(self) -> bool:
        return self.protocol in PROTOCOLS and self.parameter_id in PARAMETERS

    @property
    def curve(self) -> _Curve:
        return BY_NAME[PARAMETERS[self.parameter_id]]  # type: ignore[index]

    @property
    def key_length(self) -> int:
        return PROTOCOLS[self.protocol]


def parse_card_access(data: bytes) -> tuple[PACEInfo, ...]:
    """The PACEInfos of EF.CardAccess (a DER SecurityInfos, section 9.2)."""
    infos = load(SecurityInfos, data, what="EF.CardAccess")

    def read() -> tuple[PACEInfo, ...]:
        out = []
        for info in infos:
            oid = info["protocol"].dotted
            if not oid.startswith(OID_PACE_PREFIX) or oid.count(".") != 10:
                continue  # PACEDomainParameterInfo and other protocols
            version = core.Integer.load(info["required_data"].dump(), strict=True).native
            optional = info["optional_data"]
            param = (core.Integer.load(optional.dump(), strict=True).native
                     if optional.native is not None else None)
            out.append(PACEInfo(oid, version, param))
        return tuple(out)

    return guarded("EF.CardAccess", read)


def encode_card_access(info: PACEInfo) -> bytes:
    from ..asn1 import SecurityInfo

    item = {"protocol": info.protocol,
            "required_data": core.Any.load(core.Integer(info.version).dump())}
    if info.parameter_id is not None:
        item["optional_data"] = core.Any.load(core.Integer(info.parameter_id).dump())
    return SecurityInfos([SecurityInfo(item)]).dump()


def choose(infos: tuple[PACEInfo, ...]) -> PACEInfo | None:
    supported = [i for i in infos if i.supported and i.version == 2]
    return max(supported, key=lambda i: i.key_length, default=None)


def password_key(key: DocumentKey, key_length: int) -> bytes:
    """K_pi = KDF(SHA-1(MRZ information), 3) (sections 4.4.3.1 and 9.7.3)."""
    return kdf_aes(hashlib.sha1(key.mrz_information().encode("ascii")).digest(),
                   PASSWORD_COUNTER, key_length)


def decrypt_nonce(k_pi: bytes, z: bytes) -> bytes:
    return aes_cbc(k_pi, z, decrypt=True)


def map_generator(curve: _Curve, s: bytes, shared: Point) -> Point:
    """Generic mapping: G' = s*G + H (section 4.4.3.3.2)."""
    mapped = add(curve, multiply(curve, int.from_bytes(s, "big"), generator(curve)), shared)
    if mapped is None:
        raise ProtocolError("PACE mapping produced the point at infinity")
    return mapped


def session_keys(shared_x: bytes, key_length: int) -> tuple[bytes, bytes]:
    return kdf_aes(shared_x, 1, key_length), kdf_aes(shared_x, 2, key_length)


def auth_token(ks_mac: bytes, protocol: str, point: bytes) -> bytes:
    """CMAC over the other side's public key data object 7F49 (section 4.4.3.4)."""
    oid = core.ObjectIdentifier(protocol).dump()
    data = tlv.encode(0x7F49, oid + tlv.encode(0x86, point))
    return aes_cmac(ks_mac, data)[:8]


def _ephemeral(curve: _Curve, random: Callable[[int], bytes]) -> tuple[int, bytes]:
    while True:
        secret = int.from_bytes(random(curve.size + 8), "big") % curve.n
        if secret:
            return secret, encode_point(curve, multiply(curve, secret, generator(curve)))


def _dynamic(data: bytes, tag: int) -> bytes:
    """The value of ``tag`` inside a 7C dynamic authentication data object."""
    outer = tlv.decode(data, expected_tag=0x7C)
    for child in outer.children():
        if child.tag == tag:
            return child.value
    raise ProtocolError(f"GENERAL AUTHENTICATE response lacks tag {tag:X}")


def _x(curve: _Curve, point: Point) -> bytes:
    if point is None:
        raise ProtocolError("PACE key agreement produced the point at infinity")
    return point[0].to_bytes(curve.size, "big")


def perform_pace(send: Callable[[CommandAPDU], ResponseAPDU], key: DocumentKey,
                 info: PACEInfo, *, random: Callable[[int], bytes] = os.urandom
                 ) -> SecureMessaging:
    """Run MSE:Set AT and the four GENERAL AUTHENTICATE steps."""
    if not info.supported:
        raise ProtocolError("unsupported PACE protocol or domain parameters")
    curve, length = info.curve, info.key_length
    oid = core.ObjectIdentifier(info.protocol).contents
    mse = tlv.encode(0x80, oid) + tlv.encode(0x83, bytes((MRZ_PASSWORD,))) + \
        tlv.encode(0x84, bytes((info.parameter_id,)))
    resp = send(CommandAPDU(0x00, 0x22, 0xC1, 0xA4, mse))
    if not resp.ok:
        raise ProtocolError(f"MSE:Set AT refused ({resp.sw:04X})")

    def general_authenticate(data: bytes, tag: int, *, last: bool = False) -> bytes:
        answer = send(CommandAPDU(0x00 if last else 0x10, 0x86, 0x00, 0x00,
                                  tlv.encode(0x7C, data), le=256))
        if answer.sw == 0x6300 or (last and not answer.ok):
            raise AccessDenied(f"PACE refused ({answer.sw:04X}): wrong MRZ key?")
        if not answer.ok:
            raise ProtocolError(f"GENERAL AUTHENTICATE failed ({answer.sw:04X})")
        return _dynamic(answer.data, tag)

    try:
        s = decrypt_nonce(password_key(key, length), general_authenticate(b"", 0x80))
        map_secret, map_public = _ephemeral(curve, random)
        chip_map = decode_point(curve, general_authenticate(tlv.encode(0x81, map_public), 0x82))
        mapped = map_generator(curve, s, multiply(curve, map_secret, chip_map))
        mapped_curve = _Curve(curve.name, curve.p, curve.a, curve.b, mapped[0], mapped[1],
                              curve.n, backend=False)
        secret, public = _ephemeral(mapped_curve, random)
        chip_public_raw = general_authenticate(tlv.encode(0x83, public), 0x84)
        chip_public = decode_point(curve, chip_public_raw)
        if chip_public_raw == public:
            raise ProtocolError("chip echoed the terminal's ephemeral key")
        ks_enc, ks_mac = session_keys(_x(curve, multiply(curve, secret, chip_public)), length)
        token = auth_token(ks_mac, info.protocol, chip_public_raw)
        chip_token = general_authenticate(tlv.encode(0x85, token), 0x86, last=True)
        if not hmac.compare_digest(chip_token, auth_token(ks_mac, info.protocol, public)):
            raise AccessDenied("chip authentication token does not verify")
    except (AccessDenied, ProtocolError):
        raise
    except NfcError as exc:
        raise ProtocolError(f"PACE: {exc}") from exc
    return SecureMessaging(ks_enc, ks_mac, bytes(16), aes=True)


class PaceChipSession:
    """The chip's side of PACE for the software chip (section 4.4)."""

    def __init__(self, key: DocumentKey, info: PACEInfo, random: Callable[[int], bytes]):
        self.info = info
        self._random = random
        self._k_pi = password_key(key, info.key_length)
        self._step = 0
        self._s = b""
        self._mapped: _Curve | None = None
        self._pcd_map = b""
        self._pcd_public = b""
        self._public = b""
        self._keys: tuple[bytes, bytes] | None = None

    def step(self, data: bytes) -> tuple[bytes, SecureMessaging | None]:
        """Answer one GENERAL AUTHENTICATE; raises AccessDenied on a bad token."""
        curve = self.info.curve
        value = tlv.decode(data, expected_tag=0x7C).children()
        inner = value[0] if value else None
        if self._step == 0 and inner is None:
            self._s = self._random(16)
            self._step = 1
            return tlv.encode(0x7C, tlv.encode(0x80, aes_cbc(self._k_pi, self._s))), None
        if self._step == 1 and inner is not None and inner.tag == 0x81:
            self._pcd_map = inner.value
            secret, public = _ephemeral(curve, self._random)
            shared = multiply(curve, secret, decode_point(curve, inner.value))
            g = map_generator(curve, self._s, shared)
            self._mapped = _Curve(curve.name, curve.p, curve.a, curve.b, g[0], g[1], curve.n,
                                  backend=False)
            self._step = 2
            return tlv.encode(0x7C, tlv.encode(0x82, public)), None
        if self._step == 2 and inner is not None and inner.tag == 0x83:
            if inner.value == self._pcd_map:
                raise AccessDenied("terminal reused its mapping key")
            pcd = decode_point(curve, inner.value)
            secret, self._public = _ephemeral(self._mapped, self._random)  # type: ignore[arg-type]
            self._pcd_public = inner.value
            self._keys = session_keys(_x(curve, multiply(curve, secret, pcd)),
                                      self.info.key_length)
            self._step = 3
            return tlv.encode(0x7C, tlv.encode(0x84, self._public)), None
        if self._step == 3 and inner is not None and inner.tag == 0x85 and self._keys:
            ks_enc, ks_mac = self._keys
            expected = auth_token(ks_mac, self.info.protocol, self._public)
            if not hmac.compare_digest(expected, inner.value):
                raise AccessDenied("terminal authentication token does not verify")
            token = auth_token(ks_mac, self.info.protocol, self._pcd_public)
            return (tlv.encode(0x7C, tlv.encode(0x86, token)),
                    SecureMessaging(ks_enc, ks_mac, bytes(16), aes=True))
        raise ProtocolError("GENERAL AUTHENTICATE out of sequence")
