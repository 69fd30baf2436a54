"""DG14 (Part 10 section 4.7.14, Part 11 section 9.2): SecurityInfos for
chip authentication, PACE and the Active Authentication signature algorithm."""

from __future__ import annotations

from dataclasses import dataclass, field

from asn1crypto import core

from .. import tlv
from ..asn1 import (
    CA_PROTOCOLS,
    ECDSA_PLAIN_HASHES,
    OID_AA_PROTOCOL,
    OID_CA_PREFIX,
    OID_PACE_PREFIX,
    OID_PK_DH,
    OID_PK_ECDH,
    OID_TA,
    ActiveAuthenticationInfo,
    SecurityInfos,
    guarded,
    load,
)
from ..errors import LDSError, NfcError, UnsupportedAlgorithm
from ..pki.keys import key_description, load_public_key
from .files import data_group


@dataclass(frozen=True)
class ChipAuthenticationInfo:
    protocol: str
    version: int
    key_id: int | None


@dataclass(frozen=True)
class ChipAuthenticationPublicKey:
    protocol: str  # "id-PK-ECDH" or "id-PK-DH"
    spki_der: bytes = field(repr=False)
    key_id: int | None
    algorithm: str  # e.g. "EC-BrainpoolP256R1", or "DH" (not loaded)


@dataclass(frozen=True)
class DG14:
    chip_authentication: tuple[ChipAuthenticationInfo, ...]
    chip_authentication_keys: tuple[ChipAuthenticationPublicKey, ...]
    aa_signature_algorithm: str | None  # dotted OID from ActiveAuthenticationInfo
    pace_protocols: tuple[str, ...]
    terminal_authentication: bool
    other_protocols: tuple[str, ...]

    @property
    def aa_hash(self) -> str | None:
        """Hash of ECDSA Active Authentication, from ActiveAuthenticationInfo."""
        if self.aa_signature_algorithm is None:
            return None
        return ECDSA_PLAIN_HASHES.get(self.aa_signature_algorithm)


def _int(value: core.Any) -> int:
    parsed = core.Integer.load(value.dump(), strict=True)
    return parsed.native


def parse_dg14(data: bytes) -> DG14:
    try:
        outer = tlv.decode(data, expected_tag=data_group(14).tag)
        infos = load(SecurityInfos, outer.value, what="SecurityInfos")

        def read() -> DG14:
            ca, keys, pace, other = [], [], [], []
            aa_alg = None
            ta = False
            for info in infos:
                oid = info["protocol"].dotted
                required = info["required_data"]
                optional = info["optional_data"]
                if oid in CA_PROTOCOLS:
                    key_id = _int(optional) if optional.native is not None else None
                    ca.append(ChipAuthenticationInfo(CA_PROTOCOLS[oid], _int(required), key_id))
                elif oid in (OID_PK_DH, OID_PK_ECDH):
                    spki = required.dump()
                    key_id = _int(optional) if optional.native is not None else None
                    if oid == OID_PK_ECDH:
                        name = "id-PK-ECDH"
                        try:
                            algorithm = key_description(load_public_key(spki))
                        except UnsupportedAlgorithm:  # reported, never used here
                            algorithm = "EC-unsupported-curve"
                    else:
                        algorithm, name = "DH", "id-PK-DH"
                    keys.append(ChipAuthenticationPublicKey(name, spki, key_id, algorithm))
                elif oid == OID_AA_PROTOCOL:
                    aa = load(ActiveAuthenticationInfo, info.dump(), what="ActiveAuthenticationInfo")
                    if aa["version"].native != 1 or aa_alg is not None:
                        raise LDSError("ActiveAuthenticationInfo invalid or repeated")
                    aa_alg = aa["signature_algorithm"].dotted
                elif oid.startswith(OID_PACE_PREFIX):
                    pace.append(oid)
                elif oid == OID_TA:
                    ta = True
                elif oid.startswith(OID_CA_PREFIX):
                    other.append(oid)
                else:
                    other.append(oid)
            return DG14(tuple(ca), tuple(keys), aa_alg, tuple(pace), ta, tuple(other))

        return guarded("DG14", read)
    except LDSError:
        raise
    except NfcError as exc:
        raise LDSError(f"DG14: {exc}", code="dg14_malformed") from exc


def encode_dg14(*, chip_authentication_spki: bytes | None = None,
                ca_protocol: str = "0.4.0.127.0.7.2.2.3.2.4",
                aa_signature_algorithm: str | None = None,
                extra: tuple[bytes, ...] = ()) -> bytes:
    """SecurityInfos for a chip with ECDH chip authentication and/or ECDSA AA;
    ``extra`` adds DER SecurityInfo items (e.g. the PACEInfo)."""
    from ..asn1 import SecurityInfo

    items = []
    if chip_authentication_spki is not None:
        items.append(SecurityInfo({"protocol": OID_PK_ECDH,
                                   "required_data": core.Any.load(chip_authentication_spki)}))
        items.append(SecurityInfo({"protocol": ca_protocol,
                                   "required_data": core.Any.load(core.Integer(1).dump())}))
    if aa_signature_algorithm is not None:
        items.append(SecurityInfo.load(ActiveAuthenticationInfo({
            "protocol": OID_AA_PROTOCOL, "version": 1,
            "signature_algorithm": aa_signature_algorithm}).dump()))
    items.extend(SecurityInfo.load(item) for item in extra)
    return tlv.encode(data_group(14).tag, SecurityInfos(items).dump())
