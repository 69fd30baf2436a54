"""X.509 certificates and CRLs of the eMRTD PKI (Part 12 sections 7 and 8),
decoded once into plain values so later checks cannot trip over lazy
parsing."""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import re
from dataclasses import dataclass, field

from asn1crypto import crl as asn1_crl
from asn1crypto import x509

from ..asn1 import guarded, load
from ..errors import CertificateError, NfcError
from .keys import PublicKey, load_public_key
from .signatures import verify_signature

# A UUID-based OID (ITU-T X.667, arc 2.25) marking certificates made by the
# test PKI in nfc.testing; production trust stores refuse them.
TEST_MATERIAL_OID = "2.25.240916834052962214738006515416873690823"

_PEM = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.S)


def pem_blocks(data: bytes) -> list[tuple[str, bytes]]:
    """All PEM blocks as (label, DER); empty when ``data`` is not PEM."""
    out = []
    for label, body in _PEM.findall(data):
        try:
            out.append((label.decode(), base64.b64decode(b"".join(body.split()), validate=True)))
        except Exception:
            raise CertificateError("PEM block is not valid base64") from None
    return out


def _aware(value: _dt.datetime) -> _dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=_dt.timezone.utc)


@dataclass(frozen=True, repr=False)
class Certificate:
    der: bytes
    asn1: x509.Certificate
    subject: str
    issuer: str
    subject_key: bytes  # normalised name, usable for comparison
    issuer_key: bytes
    serial: int
    not_before: _dt.datetime
    not_after: _dt.datetime
    ski: bytes | None
    aki: bytes | None
    spki_der: bytes
    tbs_der: bytes
    signature_oid: str
    signature_params: bytes | None
    signature: bytes
    is_ca: bool
    country: str | None
    fingerprint: str  # SHA-256 of the DER, hex
    is_test_material: bool
    _key: list = field(default_factory=list, compare=False)

    def public_key(self) -> PublicKey:
        if not self._key:
            self._key.append(load_public_key(self.spki_der))
        return self._key[0]

    def valid_at(self, when: _dt.datetime) -> bool:
        return self.not_before <= when <= self.not_after

    def __repr__(self) -> str:
        return f"Certificate({self.subject!r}, serial={self.serial:x})"


def _params(alg) -> bytes | None:
    params = alg["parameters"]
    return None if params.native is None else params.dump()


def _from_asn1(cert: x509.Certificate, der: bytes) -> Certificate:
    tbs = cert["tbs_certificate"]
    subject = cert.subject
    country = None
    for rdn in subject.chosen:
        for attr in rdn:
            if attr["type"].native == "country_name":
                country = attr["value"].native
    ext_oids = {ext["extn_id"].dotted for ext in tbs["extensions"]}
    bc = cert.basic_constraints_value
    aki = cert.authority_key_identifier
    return Certificate(
        der=der, asn1=cert,
        subject=subject.human_friendly, issuer=cert.issuer.human_friendly,
        subject_key=subject.hashable.encode(), issuer_key=cert.issuer.hashable.encode(),
        serial=cert.serial_number,
        not_before=_aware(tbs["validity"]["not_before"].native),
        not_after=_aware(tbs["validity"]["not_after"].native),
        ski=cert.key_identifier, aki=aki,
        spki_der=tbs["subject_public_key_info"].dump(),
        tbs_der=tbs.dump(),
        signature_oid=cert["signature_algorithm"]["algorithm"].dotted,
        signature_params=_params(cert["signature_algorithm"]),
        signature=cert["signature_value"].native,
        is_ca=bool(bc and bc["ca"].native),
        country=country.upper() if isinstance(country, str) else None,
        fingerprint=hashlib.sha256(der).hexdigest(),
        is_test_material=TEST_MATERIAL_OID in ext_oids,
    )


def load_certificate(data: bytes) -> Certificate:
    """Decode one certificate from DER or PEM."""
    if not isinstance(data, (bytes, bytearray)):
        raise CertificateError("certificate must be bytes")
    data = bytes(data)
    blocks = pem_blocks(data) if data.lstrip().startswith(b"-----") else []
    if blocks:
        if len(blocks) != 1 or blocks[0][0] != "CERTIFICATE":
            raise CertificateError("expected exactly one PEM certificate")
        data = blocks[0][1]
    cert = load(x509.Certificate, data, what="certificate")
    try:
        return guarded("certificate", lambda: _from_asn1(cert, data))
    except NfcError as exc:
        raise CertificateError(str(exc)) from exc


def verify_issued_by(cert: Certificate, issuer: Certificate) -> None:
    """Check that ``issuer`` signed ``cert`` (names and signature)."""
    if cert.issuer_key != issuer.subject_key:
        raise CertificateError("issuer name does not match")
    verify_signature(issuer.public_key(), cert.signature_oid, cert.signature_params,
                     cert.signature, cert.tbs_der)


@dataclass(frozen=True, repr=False)
class RevocationList:
    der: bytes
    issuer: str
    issuer_key: bytes
    this_update: _dt.datetime
    next_update: _dt.datetime | None
    number: int | None
    revoked_serials: frozenset[int]
    aki: bytes | None
    tbs_der: bytes
    signature_oid: str
    signature_params: bytes | None
    signature: bytes
    fingerprint: str

    def __repr__(self) -> str:
        return f"RevocationList({self.issuer!r}, {len(self.revoked_serials)} revoked)"

    def verify_signed_by(self, issuer: Certificate) -> None:
        if self.issuer_key != issuer.subject_key:
            raise CertificateError("CRL issuer name does not match")
        verify_signature(issuer.public_key(), self.signature_oid, self.signature_params,
                         self.signature, self.tbs_der)


def load_crl(data: bytes) -> RevocationList:
    """Decode one CRL from DER or PEM (label X509 CRL)."""
    if not isinstance(data, (bytes, bytearray)):
        raise CertificateError("CRL must be bytes")
    data = bytes(data)
    blocks = pem_blocks(data) if data.lstrip().startswith(b"-----") else []
    if blocks:
        if len(blocks) != 1 or blocks[0][0] != "X509 CRL":
            raise CertificateError("expected exactly one PEM CRL")
        data = blocks[0][1]
    crl = load(asn1_crl.CertificateList, data, what="CRL")

    def build() -> RevocationList:
        tbs = crl["tbs_cert_list"]
        next_update = tbs["next_update"].native
        revoked = frozenset(item["user_certificate"].native for item in tbs["revoked_certificates"])
        number = crl.crl_number_value
        return RevocationList(
            der=data, issuer=crl.issuer.human_friendly, issuer_key=crl.issuer.hashable.encode(),
            this_update=_aware(tbs["this_update"].native),
            next_update=_aware(next_update) if next_update else None,
            number=number.native if number is not None else None,
            revoked_serials=revoked, aki=crl.authority_key_identifier,
            tbs_der=tbs.dump(),
            signature_oid=crl["signature_algorithm"]["algorithm"].dotted,
            signature_params=_params(crl["signature_algorithm"]),
            signature=crl["signature"].native,
            fingerprint=hashlib.sha256(data).hexdigest(),
        )

    try:
        return guarded("CRL", build)
    except NfcError as exc:
        raise CertificateError(str(exc)) from exc
