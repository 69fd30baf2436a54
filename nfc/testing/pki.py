"""A test eMRTD PKI (ICAO 9303 Part 12 profiles): a CSCA, document signers,
CRLs and a signed CSCA master list. Every certificate carries the test
material marker extension, so production trust stores refuse it."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from ..env import refuse_in_production
from ..pki.certs import TEST_MATERIAL_OID, Certificate, load_certificate
from .keys import PrivateKey, default_hash, generate_key, load_private_pem, private_pem

_MARKER = x509.UnrecognizedExtension(x509.ObjectIdentifier(TEST_MATERIAL_OID), b"\x05\x00")


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)


def _name(country: str, cn: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, country),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test eMRTD PKI (not for production)"),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])


def _sign_builder(builder: x509.CertificateBuilder, key: PrivateKey, pss: bool) -> x509.Certificate:
    algo = default_hash(key)
    if pss and isinstance(key, rsa.RSAPrivateKey):
        return builder.sign(key, algo, rsa_padding=padding.PSS(padding.MGF1(algo), algo.digest_size))
    return builder.sign(key, algo)


@dataclass
class Issued:
    """A key and its certificate."""

    key: PrivateKey = field(repr=False)
    cert: x509.Certificate

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    @property
    def info(self) -> Certificate:
        return load_certificate(self.der)


@dataclass
class TestPKI:
    """A country's test CSCA with helpers to issue signers and CRLs."""

    __test__ = False  # not a pytest test class

    country: str
    csca: Issued
    dsc: Issued
    revoked: list[int] = field(default_factory=list)
    pss: bool = False

    @classmethod
    def create(cls, *, country: str = "UZ", csca_key: str = "ec-p384", dsc_key: str = "ec-p256",
               pss: bool = False, now: _dt.datetime | None = None) -> TestPKI:
        refuse_in_production("the test PKI")
        now = now or _now()
        key = generate_key(csca_key)
        builder = (x509.CertificateBuilder()
                   .subject_name(_name(country, f"CSCA {country} TEST"))
                   .issuer_name(_name(country, f"CSCA {country} TEST"))
                   .public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - _dt.timedelta(days=365))
                   .not_valid_after(now + _dt.timedelta(days=365 * 15))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                   .add_extension(x509.KeyUsage(False, False, False, False, False, True, True,
                                                False, False), critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                                  critical=False)
                   .add_extension(_MARKER, critical=False))
        csca = Issued(key, _sign_builder(builder, key, pss))
        pki = cls(country, csca, csca, pss=pss)  # dsc placeholder replaced below
        pki.dsc = pki.issue_dsc(dsc_key, now=now)
        return pki

    def issue(self, subject_cn: str, key_spec: str, *, not_before: _dt.datetime,
              not_after: _dt.datetime, ca: bool = False, key: PrivateKey | None = None,
              extended_key_usage: str | None = None) -> Issued:
        key = key or generate_key(key_spec)
        usage = (x509.KeyUsage(False, False, False, False, False, True, True, False, False) if ca
                 else x509.KeyUsage(True, False, False, False, False, False, False, False, False))
        builder = (x509.CertificateBuilder()
                   .subject_name(_name(self.country, subject_cn))
                   .issuer_name(self.csca.cert.subject)
                   .public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(not_before)
                   .not_valid_after(not_after)
                   .add_extension(usage, critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                                  critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                       self.csca.key.public_key()), critical=False)
                   .add_extension(_MARKER, critical=False))
        if extended_key_usage:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([x509.ObjectIdentifier(extended_key_usage)]), critical=False)
        return Issued(key, _sign_builder(builder, self.csca.key, self.pss))

    def issue_dsc(self, key_spec: str = "ec-p256", *, now: _dt.datetime | None = None,
                  not_before: _dt.datetime | None = None,
                  not_after: _dt.datetime | None = None) -> Issued:
        now = now or _now()
        return self.issue(f"DS {self.country} TEST", key_spec,
                          not_before=not_before or now - _dt.timedelta(days=30),
                          not_after=not_after or now + _dt.timedelta(days=365 * 11))

    def revoke(self, cert: x509.Certificate) -> None:
        self.revoked.append(cert.serial_number)

    def crl(self, *, now: _dt.datetime | None = None, next_update_days: int = 90) -> bytes:
        now = now or _now()
        builder = (x509.CertificateRevocationListBuilder()
                   .issuer_name(self.csca.cert.subject)
                   .last_update(now - _dt.timedelta(hours=1))
                   .next_update(now + _dt.timedelta(days=next_update_days))
                   .add_extension(x509.CRLNumber(len(self.revoked) + 1), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                       self.csca.key.public_key()), critical=False))
        for serial in self.revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial)
                .revocation_date(now - _dt.timedelta(hours=2)).build())
        crl = builder.sign(self.csca.key, default_hash(self.csca.key))
        return crl.public_bytes(serialization.Encoding.DER)

    @property
    def csca_der(self) -> bytes:
        return self.csca.der

    @property
    def csca_pem(self) -> bytes:
        return self.csca.cert.public_bytes(serialization.Encoding.PEM)

    def master_list(self, certificates: list[bytes] | None = None, *,
                    signer: Issued | None = None) -> bytes:
        """A CMS CSCA master list (Part 12 section 9) signed by a master list
        signer this CSCA issues."""
        from asn1crypto import core

        from ..asn1 import OID_CSCA_MASTER_LIST, CscaMasterList
        from .sod import build_signed_data

        now = _now()
        signer = signer or self.issue(f"Master List Signer {self.country} TEST", "ec-p256",
                                      not_before=now - _dt.timedelta(days=1),
                                      not_after=now + _dt.timedelta(days=365),
                                      extended_key_usage="2.23.136.1.1.3")
        certs = certificates if certificates is not None else [self.csca_der]
        content = CscaMasterList({"version": 0,
                                  "cert_list": [core.Any.load(c) for c in certs]}).dump()
        return build_signed_data(content, OID_CSCA_MASTER_LIST, signer.key, signer.der,
                                 digest_algorithm=hashes.SHA256())

    def save(self, directory: str | Path) -> None:
        """Write keys and certificates (PEM) for reuse by demos and tests."""
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        for name, item in (("csca", self.csca), ("dsc", self.dsc)):
            (path / f"{name}.key.pem").write_bytes(private_pem(item.key))
            (path / f"{name}.pem").write_bytes(item.cert.public_bytes(serialization.Encoding.PEM))
        (path / "country.txt").write_text(self.country)

    @classmethod
    def load(cls, directory: str | Path) -> TestPKI:
        refuse_in_production("the test PKI")
        path = Path(directory)

        def read(name: str) -> Issued:
            return Issued(load_private_pem((path / f"{name}.key.pem").read_bytes()),
                          x509.load_pem_x509_certificate((path / f"{name}.pem").read_bytes()))

        return cls((path / "country.txt").read_text().strip(), read("csca"), read("dsc"))
