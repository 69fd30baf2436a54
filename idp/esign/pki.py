"""Building blocks for demo and test certificates, CRLs and key files.

Used by :mod:`idp.esign.democa` and by the tests; never by verification.
Certificates follow the Uzbek layout: the PINFL under OID 1.2.860.3.16.1.2
and, for a legal-entity certificate, the TIN under OID 1.2.860.3.16.1.1.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PrivateFormat,
    pkcs12,
)
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from .identity import OID_PINFL, OID_TIN

SIGNING_USAGES = ("digital_signature", "content_commitment")
_ALL_USAGES = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
)


def new_key(kind: str = "rsa2048"):
    if kind.startswith("rsa"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(kind[3:]))
    curves = {"p256": ec.SECP256R1, "p384": ec.SECP384R1, "p521": ec.SECP521R1}
    return ec.generate_private_key(curves[kind]())


def _sign_args(key, pss: bool) -> dict:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        algorithm = hashes.SHA384() if key.curve.key_size >= 384 else hashes.SHA256()
        return {"algorithm": algorithm}
    if pss:
        return {
            "algorithm": hashes.SHA256(),
            "rsa_padding": padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
        }
    return {"algorithm": hashes.SHA256()}


@dataclass(frozen=True)
class Issued:
    certificate: x509.Certificate
    key: object

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(Encoding.DER)

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(Encoding.PEM)

    @property
    def serial(self) -> int:
        return self.certificate.serial_number


def _key_usage(usages: Iterable[str]) -> x509.KeyUsage:
    chosen = set(usages)
    flags = {name: name in chosen for name in _ALL_USAGES}
    return x509.KeyUsage(**flags, encipher_only=False, decipher_only=False)


def _builder(subject: x509.Name, issuer_name: x509.Name, public_key, not_before, not_after, serial):
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _aia(ocsp_url: str | None):
    if not ocsp_url:
        return None
    return x509.AuthorityInformationAccess(
        [x509.AccessDescription(AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url))]
    )


def _window(not_before, not_after, days):
    now = datetime.now(timezone.utc)
    start = not_before or now - timedelta(hours=1)
    return start, not_after or start + timedelta(days=days)


def make_ca(
    common_name: str,
    *,
    key=None,
    issuer: Issued | None = None,
    organisation: str = "Demo National Certification Centre",
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    path_len: int | None = None,
    ocsp_url: str | None = None,
    pss: bool = False,
    serial: int | None = None,
) -> Issued:
    """A root CA (``issuer=None``) or an intermediate CA under ``issuer``."""
    key = key or new_key()
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "UZ"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    start, end = _window(not_before, not_after, 3650)
    issuer_name = issuer.certificate.subject if issuer else name
    signing_key = issuer.key if issuer else key
    builder = _builder(name, issuer_name, key.public_key(), start, end, serial)
    builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=path_len), critical=True)
    builder = builder.add_extension(_key_usage(["key_cert_sign", "crl_sign", "digital_signature"]), critical=True)
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    if _aia(ocsp_url):
        builder = builder.add_extension(_aia(ocsp_url), critical=False)
    return Issued(builder.sign(private_key=signing_key, **_sign_args(signing_key, pss)), key)


def make_person(
    issuer: Issued,
    *,
    key=None,
    surname: str,
    given_name: str,
    pinfl: str | None,
    tin: str | None = None,
    organisation: str | None = None,
    serial_number_attr: str | None = None,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    key_usage: Iterable[str] | None = SIGNING_USAGES,
    extended_key_usage: Iterable[x509.ObjectIdentifier] | None = (ExtendedKeyUsageOID.CLIENT_AUTH,),
    ocsp_url: str | None = None,
    is_ca: bool = False,
    pss: bool = False,
    serial: int | None = None,
) -> Issued:
    """An end-entity certificate for a person, optionally acting for an organisation."""
    key = key or new_key()
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "UZ")]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    attrs += [
        x509.NameAttribute(NameOID.COMMON_NAME, f"{surname} {given_name}"),
        x509.NameAttribute(NameOID.SURNAME, surname),
        x509.NameAttribute(NameOID.GIVEN_NAME, given_name),
    ]
    if serial_number_attr:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number_attr))
    if tin:
        attrs.append(x509.NameAttribute(x509.ObjectIdentifier(OID_TIN), tin))
    if pinfl:
        attrs.append(x509.NameAttribute(x509.ObjectIdentifier(OID_PINFL), pinfl))
    start, end = _window(not_before, not_after, 730)
    builder = _builder(x509.Name(attrs), issuer.certificate.subject, key.public_key(), start, end, serial)
    builder = builder.add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
    )
    builder = builder.add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    if key_usage is not None:
        builder = builder.add_extension(_key_usage(key_usage), critical=True)
    if extended_key_usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(extended_key_usage)), critical=False)
    if _aia(ocsp_url):
        builder = builder.add_extension(_aia(ocsp_url), critical=False)
    return Issued(builder.sign(private_key=issuer.key, **_sign_args(issuer.key, pss)), key)


def make_ocsp_responder(issuer: Issued, *, key=None, common_name: str = "Demo OCSP Responder") -> Issued:
    """A delegated OCSP responder certificate (RFC 6960 §4.2.2.2, id-kp-OCSPSigning)."""
    key = key or new_key("p256")
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "UZ"), x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start, end = _window(None, None, 365)
    builder = _builder(name, issuer.certificate.subject, key.public_key(), start, end, None)
    builder = builder.add_extension(_key_usage(["digital_signature"]), critical=True)
    builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), critical=False)
    return Issued(builder.sign(private_key=issuer.key, **_sign_args(issuer.key, False)), key)


def make_crl(
    issuer: Issued,
    *,
    revoked: Iterable[int] = (),
    this_update: datetime | None = None,
    next_update: datetime | None = None,
    number: int = 1,
    signing_key=None,
) -> bytes:
    """A complete CRL (DER); ``signing_key`` other than the issuer's makes a forged one."""
    now = datetime.now(timezone.utc)
    this_update = this_update or now - timedelta(hours=1)
    next_update = next_update or this_update + timedelta(days=7)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
    )
    for serial in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(this_update).build()
        )
    key = signing_key or issuer.key
    return builder.sign(private_key=key, **_sign_args(key, False)).public_bytes(Encoding.DER)


#: PBKDF2 rounds for demo key files; browsers open them in well under a second.
PFX_KDF_ROUNDS = 20000


def pfx_bytes(holder: Issued, chain: Iterable[Issued], password: str, *, name: str = "e-signature key") -> bytes:
    """A PKCS#12 file with PBES2 AES-256-CBC and an HMAC-SHA-256 MAC (RFC 7292, RFC 8018)."""
    encryption = (
        PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(PFX_KDF_ROUNDS)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(password.encode("utf-8"))
    )
    return pkcs12.serialize_key_and_certificates(
        name.encode("utf-8"), holder.key, holder.certificate, [c.certificate for c in chain], encryption
    )


def demo_password() -> str:
    return secrets.token_urlsafe(9)
