"""In-memory CSCA trust store (ICAO 9303 Part 12 section 5): the country
signing CA certificates a verifier trusts, and their CRLs.

Each CSCA certificate (self-signed root or link certificate) is a trust
anchor on its own, as ICAO master lists distribute them. A CRL is accepted
only when a CSCA in the store signed it."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable

from ..env import is_production
from ..errors import NfcError, TrustStoreError
from ..pki.certs import Certificate, RevocationList, load_certificate, load_crl


class TrustStore:
    def __init__(self) -> None:
        self._by_subject: dict[bytes, list[Certificate]] = {}
        self._fingerprints: set[str] = set()
        self._crls: dict[bytes, RevocationList] = {}
        self._dscs: dict[str, Certificate] = {}
        self.sources: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._fingerprints)

    def __repr__(self) -> str:
        return f"TrustStore({len(self)} CSCA certificate(s), {len(self._crls)} CRL(s))"

    @property
    def cscas(self) -> list[Certificate]:
        return [c for certs in self._by_subject.values() for c in certs]

    @property
    def crls(self) -> list[RevocationList]:
        return list(self._crls.values())

    @property
    def document_signers(self) -> list[Certificate]:
        return list(self._dscs.values())

    def add_document_signer(self, cert: Certificate | bytes, *, source: str = "") -> Certificate:
        """Keep a DSC for documents whose EF.SOD does not embed it (some states
        leave it out; the ICAO PKD distributes them). Not a trust anchor: the
        DSC must still chain to a trusted CSCA when a document uses it."""
        if not isinstance(cert, Certificate):
            cert = load_certificate(cert)
        if cert.is_test_material and is_production():
            raise TrustStoreError("test PKI certificates are refused when IDP_ENV=production",
                                  code="test_material_refused")
        if cert.is_ca:
            raise TrustStoreError("a CA certificate is not a document signer", code="not_a_dsc")
        self._dscs.setdefault(cert.fingerprint, cert)
        self.sources.setdefault(cert.fingerprint, source)
        return cert

    def add_csca(self, cert: Certificate | bytes, *, source: str = "") -> Certificate:
        """Trust a CSCA certificate (DER, PEM or decoded)."""
        if not isinstance(cert, Certificate):
            cert = load_certificate(cert)
        if cert.is_test_material and is_production():
            raise TrustStoreError("test PKI certificates are refused when IDP_ENV=production",
                                  code="test_material_refused")
        if not cert.is_ca:
            raise TrustStoreError("not a CA certificate (basicConstraints cA is false)",
                                  code="not_a_ca")
        try:
            cert.public_key()
        except NfcError as exc:
            raise TrustStoreError(f"CSCA key unusable: {exc}", code=exc.code) from exc
        if cert.fingerprint not in self._fingerprints:
            self._fingerprints.add(cert.fingerprint)
            self._by_subject.setdefault(cert.subject_key, []).append(cert)
            self.sources[cert.fingerprint] = source
        return cert

    def add_crl(self, crl: RevocationList | bytes, *, source: str = "") -> RevocationList:
        """Accept a CRL signed by a trusted CSCA; the newest per issuer wins."""
        if not isinstance(crl, RevocationList):
            crl = load_crl(crl)
        signers = self._by_subject.get(crl.issuer_key, [])
        verified = False
        for csca in signers:
            try:
                crl.verify_signed_by(csca)
                verified = True
                break
            except NfcError:
                continue
        if not verified:
            raise TrustStoreError("no trusted CSCA signed this CRL", code="crl_issuer_unknown")
        current = self._crls.get(crl.issuer_key)
        if current is None or _newer(crl, current):
            self._crls[crl.issuer_key] = crl
            self.sources[crl.fingerprint] = source
        return crl

    def issuers_of(self, cert: Certificate) -> list[Certificate]:
        """Trusted CSCAs whose subject is ``cert``'s issuer, key id first."""
        candidates = self._by_subject.get(cert.issuer_key, [])
        if cert.aki:
            matching = [c for c in candidates if c.ski == cert.aki]
            rest = [c for c in candidates if c.ski != cert.aki]
            return matching + rest
        return list(candidates)

    def crl_for(self, issuer: Certificate) -> RevocationList | None:
        return self._crls.get(issuer.subject_key)

    @classmethod
    def from_certificates(cls, certificates: Iterable[Certificate | bytes], *,
                          crls: Iterable[RevocationList | bytes] = ()) -> TrustStore:
        store = cls()
        for cert in certificates:
            store.add_csca(cert)
        for crl in crls:
            store.add_crl(crl)
        return store


def _newer(a: RevocationList, b: RevocationList) -> bool:
    if a.number is not None and b.number is not None and a.number != b.number:
        return a.number > b.number
    return a.this_update > b.this_update


def utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)
