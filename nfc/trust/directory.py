"""The CSCA trust store on disk, as ``idp csca import`` and ``idp csca list``
manage it::

    <store>/csca/<sha256>.der   trusted CSCA certificates
    <store>/crl/<sha256>.crl    the newest verified CRL per CSCA name
    <store>/dsc/<sha256>.der    document signers for SODs that do not embed theirs
    <store>/index.json          where each entry came from, and when

Imports accept a CSCA master list (CMS, signer verified), PEM or DER
certificates, and CRLs (signature verified against a stored CSCA).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import NfcError, TrustStoreError
from ..pki.certs import Certificate, load_certificate, load_crl, pem_blocks
from .masterlist import verify_master_list
from .store import TrustStore

MAX_IMPORT_BYTES = 64 * 1024 * 1024


@dataclass
class ImportResult:
    kind: str  # "master_list", "certificate" or "crl"
    added: list[str] = field(default_factory=list)  # fingerprints
    already_present: int = 0
    skipped: int = 0
    messages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StoreEntry:
    kind: str  # "csca", "dsc" or "crl"
    fingerprint: str
    subject: str
    country: str | None
    serial: str | None
    not_before: str | None
    not_after: str | None
    source: str
    imported_at: str
    revoked_count: int | None = None
    test_material: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class CscaDirectory:
    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)

    @property
    def _csca_dir(self) -> Path:
        return self.path / "csca"

    @property
    def _crl_dir(self) -> Path:
        return self.path / "crl"

    def _index(self) -> dict[str, dict]:
        try:
            return json.loads((self.path / "index.json").read_text())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise TrustStoreError(f"trust store index unreadable: {exc}") from exc

    def _save_index(self, index: dict[str, dict]) -> None:
        _write_atomic(self.path / "index.json", json.dumps(index, indent=2, sort_keys=True).encode())

    @property
    def _dsc_dir(self) -> Path:
        return self.path / "dsc"

    def load(self) -> TrustStore:
        """Read every stored CSCA, CRL and DSC; a damaged file is an error."""
        store = TrustStore()
        index = self._index()
        for file in sorted(self._dsc_dir.glob("*.der")) if self._dsc_dir.exists() else []:
            try:
                store.add_document_signer(file.read_bytes(),
                                          source=index.get(file.stem, {}).get("source", ""))
            except NfcError as exc:
                raise TrustStoreError(f"{file}: {exc}", code=exc.code) from exc
        for file in sorted(self._csca_dir.glob("*.der")) if self._csca_dir.exists() else []:
            try:
                store.add_csca(file.read_bytes(), source=index.get(file.stem, {}).get("source", ""))
            except NfcError as exc:
                raise TrustStoreError(f"{file}: {exc}", code=exc.code) from exc
        for file in sorted(self._crl_dir.glob("*.crl")) if self._crl_dir.exists() else []:
            try:
                store.add_crl(file.read_bytes(), source=index.get(file.stem, {}).get("source", ""))
            except NfcError as exc:
                raise TrustStoreError(f"{file}: {exc}", code=exc.code) from exc
        return store

    def import_file(self, file: str | os.PathLike[str], *,
                    pinned_fingerprints: Iterable[str] = (),
                    now: _dt.datetime | None = None) -> ImportResult:
        path = Path(file)
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise TrustStoreError("file too large to import")
        return self.import_bytes(path.read_bytes(), source=path.name,
                                 pinned_fingerprints=pinned_fingerprints, now=now)

    def import_bytes(self, data: bytes, *, source: str,
                     pinned_fingerprints: Iterable[str] = (),
                     now: _dt.datetime | None = None) -> ImportResult:
        """Detect the kind of ``data`` and import it."""
        now = now or _dt.datetime.now(_dt.timezone.utc)
        store = self.load()
        blocks = pem_blocks(data) if data.lstrip().startswith(b"-----") else []
        if blocks:
            labels = {label for label, _ in blocks}
            if labels == {"CERTIFICATE"}:
                return self._add_certs([load_certificate(der) for _, der in blocks], store,
                                       "certificate", source, now)
            if labels == {"X509 CRL"} and len(blocks) == 1:
                return self._add_crl(blocks[0][1], store, source, now)
            if labels <= {"CMS", "PKCS7"} and len(blocks) == 1:
                data = blocks[0][1]
            else:
                raise TrustStoreError("PEM file must hold certificates, one CRL or one CMS")
        kind = _sniff(data)
        if kind == "master_list":
            ml = verify_master_list(data, trust_anchors=store.cscas,
                                    pinned_fingerprints=pinned_fingerprints, now=now)
            cscas = [c for c in ml.certificates if c.is_ca]
            result = self._add_certs(cscas, store, "master_list", source, now)
            result.skipped += ml.skipped + len(ml.certificates) - len(cscas)
            result.messages.insert(0, f"master list signed by {ml.signer.subject}")
            return result
        if kind == "crl":
            return self._add_crl(data, store, source, now)
        return self._add_certs([load_certificate(data)], store, "certificate", source, now)

    def _add_certs(self, certs: list[Certificate], store: TrustStore, kind: str,
                   source: str, now: _dt.datetime) -> ImportResult:
        result = ImportResult(kind)
        index = self._index()
        self._csca_dir.mkdir(parents=True, exist_ok=True)
        for cert in certs:
            if cert.fingerprint in index or cert.fingerprint in {c.fingerprint for c in store.cscas}:
                result.already_present += 1
                continue
            if kind == "certificate" and not cert.is_ca:
                store.add_document_signer(cert, source=source)
                self._dsc_dir.mkdir(parents=True, exist_ok=True)
                _write_atomic(self._dsc_dir / f"{cert.fingerprint}.der", cert.der)
                index[cert.fingerprint] = {"kind": "dsc", "source": source,
                                           "imported_at": now.isoformat(timespec="seconds")}
                result.added.append(cert.fingerprint)
                result.messages.append(f"document signer (not a trust anchor): {cert.subject}")
                continue
            try:
                store.add_csca(cert, source=source)
            except TrustStoreError as exc:
                if kind == "certificate":
                    raise
                result.skipped += 1
                result.messages.append(f"skipped {cert.subject}: {exc}")
                continue
            _write_atomic(self._csca_dir / f"{cert.fingerprint}.der", cert.der)
            index[cert.fingerprint] = {"kind": "csca", "source": source,
                                       "imported_at": now.isoformat(timespec="seconds")}
            result.added.append(cert.fingerprint)
        self._save_index(index)
        return result

    def _add_crl(self, der: bytes, store: TrustStore, source: str,
                 now: _dt.datetime) -> ImportResult:
        before = {c.fingerprint for c in store.crls}
        crl = store.add_crl(der, source=source)
        result = ImportResult("crl")
        if crl.fingerprint in before or crl.fingerprint not in {c.fingerprint for c in store.crls}:
            result.messages.append("an equal or newer CRL for this CSCA is already stored")
            result.already_present = 1
            return result
        self._crl_dir.mkdir(parents=True, exist_ok=True)
        index = self._index()
        for old in self._crl_dir.glob("*.crl"):
            try:
                if load_crl(old.read_bytes()).issuer_key == crl.issuer_key:
                    old.unlink()
                    index.pop(old.stem, None)
            except NfcError:
                continue
        _write_atomic(self._crl_dir / f"{crl.fingerprint}.crl", crl.der)
        index[crl.fingerprint] = {"kind": "crl", "source": source,
                                  "imported_at": now.isoformat(timespec="seconds")}
        self._save_index(index)
        result.added.append(crl.fingerprint)
        return result

    def entries(self) -> list[StoreEntry]:
        store = self.load()
        index = self._index()
        out = []
        for c in sorted(store.cscas, key=lambda c: (c.country or "", c.not_before)):
            meta = index.get(c.fingerprint, {})
            out.append(StoreEntry("csca", c.fingerprint, c.subject, c.country, f"{c.serial:x}",
                                  c.not_before.isoformat(), c.not_after.isoformat(),
                                  meta.get("source", ""), meta.get("imported_at", ""),
                                  test_material=c.is_test_material))
        for dsc in store.document_signers:
            meta = index.get(dsc.fingerprint, {})
            out.append(StoreEntry("dsc", dsc.fingerprint, dsc.subject, dsc.country,
                                  f"{dsc.serial:x}", dsc.not_before.isoformat(),
                                  dsc.not_after.isoformat(), meta.get("source", ""),
                                  meta.get("imported_at", ""), test_material=dsc.is_test_material))
        for crl in store.crls:
            meta = index.get(crl.fingerprint, {})
            out.append(StoreEntry("crl", crl.fingerprint, crl.issuer, None, None,
                                  crl.this_update.isoformat(),
                                  crl.next_update.isoformat() if crl.next_update else None,
                                  meta.get("source", ""), meta.get("imported_at", ""),
                                  revoked_count=len(crl.revoked_serials)))
        return out


def _sniff(data: bytes) -> str:
    """Tell a master list from a certificate or CRL by its outer DER shape."""
    from asn1crypto import core

    try:
        outer = core.Sequence.load(data, strict=True)
        if outer[0].tag == 6 and outer[0].class_ == 0:  # ContentInfo starts with an OID
            return "master_list"
        tbs = outer[0].parse() if hasattr(outer[0], "parse") else outer[0]
        items = core.Sequence.load(tbs.dump())
        # TBSCertList: [version,] signature, issuer, thisUpdate (a Time)
        for i in (2, 3):
            if len(items) > i and items[i].tag in (23, 24) and items[i].class_ == 0:
                return "crl"
    except Exception:
        pass
    return "certificate"  # decoding it reports the precise error
