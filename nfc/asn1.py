"""ASN.1 types of ICAO 9303 (Parts 10, 11 and 12) on asn1crypto, and a
guarded loader that turns any decoder failure into :class:`ASN1Error`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from asn1crypto import algos, core, keys

from .errors import ASN1Error, NfcError
from .tlv import check_ber_nesting

T = TypeVar("T")

# Object identifiers (Part 10 section 4.6 and Part 11 section 9.2)
OID_LDS_SECURITY_OBJECT = "2.23.136.1.1.1"
OID_CSCA_MASTER_LIST = "2.23.136.1.1.2"
OID_AA_PROTOCOL = "2.23.136.1.1.5"
OID_BSI_DE = "0.4.0.127.0.7"
OID_PK_DH = "0.4.0.127.0.7.2.2.1.1"
OID_PK_ECDH = "0.4.0.127.0.7.2.2.1.2"
OID_TA = "0.4.0.127.0.7.2.2.2"
OID_CA_PREFIX = "0.4.0.127.0.7.2.2.3."
OID_PACE_PREFIX = "0.4.0.127.0.7.2.2.4."
OID_ECDSA_PLAIN_PREFIX = "0.4.0.127.0.7.1.1.4.1."

ECDSA_PLAIN_HASHES = {
    "0.4.0.127.0.7.1.1.4.1.1": "sha1",
    "0.4.0.127.0.7.1.1.4.1.2": "sha224",
    "0.4.0.127.0.7.1.1.4.1.3": "sha256",
    "0.4.0.127.0.7.1.1.4.1.4": "sha384",
    "0.4.0.127.0.7.1.1.4.1.5": "sha512",
}

CA_PROTOCOLS = {
    "0.4.0.127.0.7.2.2.3.1.1": "id-CA-DH-3DES-CBC-CBC",
    "0.4.0.127.0.7.2.2.3.1.2": "id-CA-DH-AES-CBC-CMAC-128",
    "0.4.0.127.0.7.2.2.3.1.3": "id-CA-DH-AES-CBC-CMAC-192",
    "0.4.0.127.0.7.2.2.3.1.4": "id-CA-DH-AES-CBC-CMAC-256",
    "0.4.0.127.0.7.2.2.3.2.1": "id-CA-ECDH-3DES-CBC-CBC",
    "0.4.0.127.0.7.2.2.3.2.2": "id-CA-ECDH-AES-CBC-CMAC-128",
    "0.4.0.127.0.7.2.2.3.2.3": "id-CA-ECDH-AES-CBC-CMAC-192",
    "0.4.0.127.0.7.2.2.3.2.4": "id-CA-ECDH-AES-CBC-CMAC-256",
}


class DataGroupHash(core.Sequence):
    _fields = [
        ("data_group_number", core.Integer),
        ("data_group_hash_value", core.OctetString),
    ]


class DataGroupHashValues(core.SequenceOf):
    _child_spec = DataGroupHash


class LDSVersionInfo(core.Sequence):
    _fields = [
        ("lds_version", core.PrintableString),
        ("unicode_version", core.PrintableString),
    ]


class LDSSecurityObject(core.Sequence):
    """Part 10 section 4.6.2.2."""

    _fields = [
        ("version", core.Integer),
        ("hash_algorithm", algos.DigestAlgorithm),
        ("data_group_hash_values", DataGroupHashValues),
        ("lds_version_info", LDSVersionInfo, {"optional": True}),
    ]


class SecurityInfo(core.Sequence):
    """Part 11 section 9.2: protocol, requiredData, optionalData."""

    _fields = [
        ("protocol", core.ObjectIdentifier),
        ("required_data", core.Any),
        ("optional_data", core.Any, {"optional": True}),
    ]


class SecurityInfos(core.SetOf):
    _child_spec = SecurityInfo


class ActiveAuthenticationInfo(core.Sequence):
    """Part 11 section 9.2.6."""

    _fields = [
        ("protocol", core.ObjectIdentifier),
        ("version", core.Integer),
        ("signature_algorithm", core.ObjectIdentifier),
    ]


class CertificateSet(core.SetOf):
    _child_spec = core.Any


class CscaMasterList(core.Sequence):
    """Part 12 section 9: version and a set of CSCA certificates."""

    _fields = [
        ("version", core.Integer),
        ("cert_list", CertificateSet),
    ]


PublicKeyInfo = keys.PublicKeyInfo


def load(spec: Callable[..., T] | type, data: bytes, *, what: str,
         max_depth: int = 40, force: bool = True) -> T:
    """Decode ``data`` as ``spec`` completely, or raise :class:`ASN1Error`.

    The nesting walk runs first, so the general decoder never sees hostile
    depth; ``.native`` then forces asn1crypto's lazy parsing to happen here
    rather than later in the caller. With ``force`` false only the outer
    layer is decoded (for lists whose items are decoded one by one).
    """
    if not isinstance(data, (bytes, bytearray)):
        raise ASN1Error(f"{what}: expected bytes")
    try:
        check_ber_nesting(bytes(data), max_depth=max_depth)
        obj = spec.load(bytes(data), strict=True)  # type: ignore[attr-defined]
        if force:
            obj.native  # noqa: B018 - force full parse
        else:
            obj._parse_children(recurse=False)  # structure of the outer layer only
        return obj
    except NfcError as exc:
        raise ASN1Error(f"{what}: {exc}") from exc
    except Exception as exc:  # asn1crypto raises ValueError, TypeError, ...
        raise ASN1Error(f"{what}: not valid ASN.1 ({exc.__class__.__name__})") from exc


def guarded(what: str, fn: Callable[[], T]) -> T:
    """Run an accessor over decoded ASN.1; map decoder failures to ASN1Error."""
    try:
        return fn()
    except NfcError:
        raise
    except Exception as exc:
        raise ASN1Error(f"{what}: unexpected structure ({exc.__class__.__name__})") from exc
