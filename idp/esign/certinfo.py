"""A certificate read once, eagerly, into plain values.

asn1crypto parses lazily, so a damaged certificate can fail at any later
attribute access. :func:`read_certificate` touches every field the verifier
uses inside one guarded block and turns any parsing failure into
:class:`MalformedError`; the rest of the package works with :class:`CertInfo`
and never sees asn1crypto exceptions.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import x509 as ax509

from .errors import MalformedError
from .times import utc

# Extensions this verifier processes or may safely ignore when critical
# (RFC 5280 §4.2: an unrecognised critical extension makes the certificate invalid).
RECOGNISED_CRITICAL = frozenset(
    {
        "basic_constraints",
        "key_usage",
        "extended_key_usage",
        "subject_alt_name",
        "issuer_alt_name",
        "authority_key_identifier",
        "key_identifier",
        "crl_distribution_points",
        "authority_information_access",
        "certificate_policies",
    }
)

_SHORT_NAMES = {
    "2.5.4.3": "CN",
    "2.5.4.4": "SN",
    "2.5.4.5": "serialNumber",
    "2.5.4.6": "C",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "2.5.4.12": "title",
    "2.5.4.42": "GN",
}


@dataclass(frozen=True)
class CertInfo:
    der: bytes
    tbs: bytes
    signature_oid: str
    signature_params: bytes | None
    signature: bytes
    serial: int
    issuer: str  # normalised form for comparison (RFC 5280 §7.1)
    subject: str
    issuer_der: bytes
    subject_der: bytes
    issuer_text: str  # RFC 4514-style, for logs
    not_before: datetime
    not_after: datetime
    public_key_info: bytes
    public_key_bits: bytes  # subjectPublicKey BIT STRING value (RFC 6960 §4.1.1 keyHash)
    key_usage: frozenset[str] | None
    extended_key_usage: frozenset[str] | None  # dotted OIDs
    is_ca: bool
    path_len: int | None
    key_id: bytes | None
    authority_key_id: bytes | None
    ocsp_urls: tuple[str, ...]
    unknown_critical: tuple[str, ...]
    subject_attributes: tuple[tuple[str, str], ...]  # (dotted OID, text value) in order

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.der).hexdigest()

    @property
    def serial_hex(self) -> str:
        return format(self.serial, "x")


def _params_der(algorithm) -> bytes | None:
    params = algorithm["parameters"]
    if params.native is None:
        return None
    return params.dump()


@functools.lru_cache(maxsize=4096)
def name_key(name_der: bytes) -> str:
    """The RFC 5280 §7.1 comparison form of a DER Name (string prep is costly, so cached)."""
    return ax509.Name.load(name_der).hashable


def name_attributes(name: ax509.Name) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for rdn in name.chosen:
        for atv in rdn:
            value = atv["value"].native
            if isinstance(value, bytes):
                value = value.decode("utf-8", "replace")
            out.append((atv["type"].dotted, str(value)))
    return tuple(out)


def name_text(attributes: tuple[tuple[str, str], ...]) -> str:
    """A readable RFC 4514-style rendering (most significant RDN last)."""
    parts = []
    for oid, value in reversed(attributes):
        escaped = value.replace("\\", "\\\\").replace(",", "\\,").replace("+", "\\+")
        parts.append(f"{_SHORT_NAMES.get(oid, oid)}={escaped}")
    return ",".join(parts)


def _read(der: bytes) -> CertInfo:
    cert = ax509.Certificate.load(der, strict=True)
    tbs = cert["tbs_certificate"]
    outer = cert["signature_algorithm"]
    if tbs["signature"].dump() != outer.dump():
        # RFC 5280 §4.1.1.2: both algorithm fields must be identical.
        raise MalformedError("certificate signature algorithm fields differ")
    spki = tbs["subject_public_key_info"]
    spki_der = spki.dump()
    key_bits = spki["public_key"].contents[1:]
    ku = cert.key_usage_value
    eku = cert.extended_key_usage_value
    bc = cert.basic_constraints_value
    aki = cert.authority_key_identifier_value
    ocsp_urls = tuple(str(url) for url in cert.ocsp_urls)
    unknown = tuple(
        sorted(
            str(name)
            for name in cert.critical_extensions
            if name not in RECOGNISED_CRITICAL
        )
    )
    issuer_attrs = name_attributes(tbs["issuer"])
    return CertInfo(
        der=bytes(der),
        tbs=tbs.dump(),
        signature_oid=outer["algorithm"].dotted,
        signature_params=_params_der(outer),
        signature=bytes(cert["signature_value"].native),
        serial=int(tbs["serial_number"].native),
        issuer=name_key(tbs["issuer"].dump()),
        subject=name_key(tbs["subject"].dump()),
        issuer_der=tbs["issuer"].dump(),
        subject_der=tbs["subject"].dump(),
        issuer_text=name_text(issuer_attrs),
        # RFC 5280 §4.1.2.5: UTC only; a GeneralizedTime without Z is refused.
        not_before=utc(tbs["validity"]["not_before"].native, "certificate notBefore"),
        not_after=utc(tbs["validity"]["not_after"].native, "certificate notAfter"),
        public_key_info=spki_der,
        public_key_bits=bytes(key_bits),
        key_usage=frozenset(ku.native) if ku is not None else None,
        # dotted OIDs: asn1crypto names only some purposes
        extended_key_usage=frozenset(u.dotted for u in eku) if eku is not None else None,
        is_ca=bool(bc is not None and bc["ca"].native),
        path_len=bc["path_len_constraint"].native if bc is not None else None,
        key_id=cert.key_identifier_value.native if cert.key_identifier_value is not None else None,
        authority_key_id=aki["key_identifier"].native if aki is not None else None,
        ocsp_urls=ocsp_urls,
        unknown_critical=unknown,
        subject_attributes=name_attributes(tbs["subject"]),
    )


@functools.lru_cache(maxsize=1024)
def read_certificate(der: bytes) -> CertInfo:
    """Parse a DER certificate; any defect raises :class:`MalformedError`.

    Results are cached by the exact bytes: the same certificate arrives with
    every login of its holder, and CA certificates with every login.
    """
    try:
        info = _read(der)
    except MalformedError:
        raise
    except Exception as exc:  # asn1crypto raises ValueError, TypeError, KeyError, ...
        raise MalformedError("certificate cannot be parsed") from exc
    return info


def load_certificates(data: bytes) -> list[CertInfo]:
    """Read one DER certificate or any number of PEM certificates."""
    if b"-----BEGIN" in data:
        from asn1crypto import pem

        return [
            read_certificate(der)
            for kind, _, der in pem.unarmor(data, multiple=True)
            if kind == "CERTIFICATE"
        ]
    return [read_certificate(data)]
