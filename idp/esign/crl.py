"""Revocation by certificate revocation lists (RFC 5280 §5, §6.3).

The operator configures complete, direct CRLs of the national CAs (files or
a directory refreshed by a scheduled download). A CRL is used for a
certificate only after its signature verifies with the issuing CA's key and
while it is current (thisUpdate <= now <= nextUpdate).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterable

from asn1crypto import crl as acrl
from asn1crypto import pem

from .algorithms import SignatureInput, SignatureRegistry
from .certinfo import CertInfo, name_attributes, name_key, name_text
from .errors import CrlInvalidError, EsignError, RevokedError
from .times import utc, utc_or_none
from .trust import files_under

CRL_SUFFIXES = (".crl", ".pem", ".der")
_RECOGNISED_CRITICAL = frozenset(
    {"issuing_distribution_point", "delta_crl_indicator", "crl_number", "authority_key_identifier"}
)


@dataclass(frozen=True)
class CrlInfo:
    der: bytes
    tbs: bytes
    signature_oid: str
    signature_params: bytes | None
    signature: bytes
    issuer: str
    issuer_text: str
    this_update: datetime
    next_update: datetime | None
    authority_key_id: bytes | None
    number: int | None
    revoked: frozenset[int]
    only_user_certs: bool
    only_ca_certs: bool
    partial: bool  # delta, indirect or reason-partitioned: not a complete direct CRL
    unknown_critical: tuple[str, ...]


def _read(der: bytes) -> CrlInfo:
    cl = acrl.CertificateList.load(der, strict=True)
    tbs = cl["tbs_cert_list"]
    alg = cl["signature_algorithm"]
    idp = cl.issuing_distribution_point_value
    revoked = set()
    unknown = {str(n) for n in cl.critical_extensions if n not in _RECOGNISED_CRITICAL}
    for entry in tbs["revoked_certificates"] or []:
        reason = entry.crl_reason_value
        if reason is not None and reason.native == "remove_from_crl":
            continue
        unknown.update(str(n) for n in entry.critical_extensions if n != "certificate_issuer")
        # RFC 5280 §5.1.2.6: read, so that a zone-less revocationDate makes the CRL unreadable
        utc(entry["revocation_date"].native, "CRL revocationDate")
        revoked.add(int(entry["user_certificate"].native))
    aki = cl.authority_key_identifier_value
    number = cl.crl_number_value
    partial = cl.delta_crl_indicator_value is not None
    if idp is not None:
        partial = partial or bool(
            idp["indirect_crl"].native
            or idp["only_some_reasons"].native
            or idp["only_contains_attribute_certs"].native
        )
    # RFC 5280 §5.1.2.4, §5.1.2.5: UTC only; a GeneralizedTime without Z is refused.
    this_update = utc(tbs["this_update"].native, "CRL thisUpdate")
    next_update = utc_or_none(tbs["next_update"].native, "CRL nextUpdate")
    return CrlInfo(
        der=bytes(der),
        tbs=tbs.dump(),
        signature_oid=alg["algorithm"].dotted,
        signature_params=None if alg["parameters"].native is None else alg["parameters"].dump(),
        signature=bytes(cl["signature"].native),
        issuer=name_key(tbs["issuer"].dump()),
        issuer_text=name_text(name_attributes(tbs["issuer"])),
        this_update=this_update,
        next_update=next_update,
        authority_key_id=aki["key_identifier"].native if aki is not None else None,
        number=int(number.native) if number is not None else None,
        revoked=frozenset(revoked),
        only_user_certs=bool(idp is not None and idp["only_contains_user_certs"].native),
        only_ca_certs=bool(idp is not None and idp["only_contains_ca_certs"].native),
        partial=partial,
        unknown_critical=tuple(sorted(unknown)),
    )


def read_crl(data: bytes) -> list[CrlInfo]:
    """Read a DER CRL or any number of PEM ``X509 CRL`` blocks; raises ValueError."""
    ders = [data]
    if b"-----BEGIN" in data:
        ders = [der for kind, _, der in pem.unarmor(data, multiple=True) if kind == "X509 CRL"]
    out = []
    for der in ders:
        try:
            out.append(_read(der))
        except EsignError as exc:
            raise ValueError(f"CRL cannot be parsed: {exc.detail}") from exc
        except Exception as exc:  # asn1crypto raises ValueError, TypeError, KeyError, ...
            raise ValueError("CRL cannot be parsed") from exc
    return out


@functools.lru_cache(maxsize=256)
def _crl_signed_by(registry: SignatureRegistry, crl: CrlInfo, issuer_spki: bytes) -> bool:
    try:
        return registry.verify(
            SignatureInput(
                algorithm_oid=crl.signature_oid,
                algorithm_params=crl.signature_params,
                public_key_info=issuer_spki,
                signature=crl.signature,
                message=crl.tbs,
            )
        )
    except EsignError:
        return False


class CrlStore:
    """CRLs indexed by issuer name."""

    def __init__(self, crls: Iterable = ()) -> None:
        self._by_issuer: dict[str, list[CrlInfo]] = {}
        for item in crls:
            for info in self._coerce(item):
                self._by_issuer.setdefault(info.issuer, []).append(info)

    @staticmethod
    def _coerce(item) -> list[CrlInfo]:
        if isinstance(item, CrlInfo):
            return [item]
        if isinstance(item, (bytes, bytearray)):
            return read_crl(bytes(item))
        public_bytes = getattr(item, "public_bytes", None)
        if public_bytes is not None:  # a cryptography CertificateRevocationList
            from cryptography.hazmat.primitives.serialization import Encoding

            return read_crl(public_bytes(Encoding.DER))
        raise TypeError(f"not a CRL: {type(item).__name__}")

    @classmethod
    def from_paths(cls, paths: Iterable[str | Path]) -> "CrlStore":
        crls = []
        for file in files_under(paths, CRL_SUFFIXES):
            try:
                crls.extend(read_crl(file.read_bytes()))
            except ValueError as exc:
                raise ValueError(f"{file}: {exc}") from exc
        return cls(crls)

    @classmethod
    def coerce(cls, value) -> "CrlStore":
        if isinstance(value, CrlStore):
            return value
        if value is None:
            return cls()
        if isinstance(value, (bytes, bytearray, CrlInfo)) or hasattr(value, "public_bytes"):
            return cls([value])
        return cls(value)

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_issuer.values())

    def _applicable(self, crl: CrlInfo, cert: CertInfo, issuer: CertInfo) -> bool:
        if crl.partial:
            return False
        if crl.only_user_certs and cert.is_ca or crl.only_ca_certs and not cert.is_ca:
            return False
        if crl.authority_key_id and issuer.key_id and crl.authority_key_id != issuer.key_id:
            return False
        return True

    def status(
        self,
        cert: CertInfo,
        issuer: CertInfo,
        *,
        now: datetime,
        registry: SignatureRegistry,
        clock_skew: timedelta = timedelta(minutes=5),
    ) -> str | None:
        """``"good"``, or ``None`` when no configured CRL covers the certificate.

        Raises :class:`RevokedError` for a listed certificate and
        :class:`CrlInvalidError` when the covering CRL cannot be relied on.
        """
        candidates = [
            c for c in self._by_issuer.get(cert.issuer, []) if self._applicable(c, cert, issuer)
        ]
        if not candidates:
            return None
        crl = max(candidates, key=lambda c: (c.number if c.number is not None else -1, c.this_update))
        if crl.unknown_critical:
            # RFC 5280 §5.2: a CRL with an unrecognised critical extension must not be used.
            raise CrlInvalidError(f"CRL of {crl.issuer_text} has unsupported critical extensions")
        if issuer.key_usage is not None and "crl_sign" not in issuer.key_usage:
            # RFC 5280 §6.3.3 (f): the CRL issuer must be allowed to sign CRLs.
            raise CrlInvalidError(f"issuer {crl.issuer_text} may not sign CRLs")
        if not _crl_signed_by(registry, crl, issuer.public_key_info):
            # RFC 5280 §6.3.3 (g)
            raise CrlInvalidError(f"CRL of {crl.issuer_text} fails its signature check")
        if crl.this_update > now + clock_skew:
            raise CrlInvalidError(f"CRL of {crl.issuer_text} is not yet valid")
        if crl.next_update is None or now > crl.next_update + clock_skew:
            # RFC 5280 §6.3.3 (a)(2): a CRL past nextUpdate needs replacing.
            raise CrlInvalidError(f"CRL of {crl.issuer_text} is past its nextUpdate")
        if cert.serial in crl.revoked:
            # RFC 5280 §6.3.3 (i)
            raise RevokedError(f"certificate serial {cert.serial_hex} is listed on the CRL")
        return "good"
