"""Certification path building and validation (RFC 5280 §6.1).

The path runs from the signer certificate through intermediates (from the
CMS or the trust store) to a configured trust anchor. Name chaining, CA
basic constraints, keyCertSign and path length are checked while the path
is built, so a same-named impostor CA is skipped in favour of a real one.
Validity periods are checked afterwards so that an expired certificate
fails with its own reason rather than as an untrusted one.
"""

from __future__ import annotations

import functools
from datetime import datetime

from .algorithms import SignatureInput, SignatureRegistry
from .certinfo import CertInfo
from .errors import (
    CertificateError,
    CertificateExpiredError,
    CertificateNotYetValidError,
    EsignError,
    UntrustedIssuerError,
)

MAX_PATH_LENGTH = 6
#: Signature checks one path search may spend (bounds the work a crafted CMS can cause).
MAX_SIGNATURE_CHECKS = 32


@functools.lru_cache(maxsize=1024)
def _signed_by(registry: SignatureRegistry, cert: CertInfo, issuer_spki: bytes) -> bool:
    return registry.verify(
        SignatureInput(
            algorithm_oid=cert.signature_oid,
            algorithm_params=cert.signature_params,
            public_key_info=issuer_spki,
            signature=cert.signature,
            message=cert.tbs,
        )
    )


def issued_by(cert: CertInfo, issuer: CertInfo, registry: SignatureRegistry) -> bool:
    """Name chaining and a valid signature by the issuer's key (RFC 5280 §6.1.3 (a)(1), (a)(4))."""
    if cert.issuer != issuer.subject:
        return False
    if cert.authority_key_id and issuer.key_id and cert.authority_key_id != issuer.key_id:
        return False
    try:
        return _signed_by(registry, cert, issuer.public_key_info)
    except EsignError:
        # An issuer key or algorithm we cannot use cannot be the issuer.
        return False


def _may_issue(ca: CertInfo, below: int, *, is_anchor: bool) -> bool:
    """RFC 5280 §6.1.4 (k) cA, (n) keyCertSign, (m) pathLenConstraint."""
    if not ca.is_ca and not (is_anchor and ca.key_usage is None):
        return False
    if ca.key_usage is not None and "key_cert_sign" not in ca.key_usage:
        return False
    if ca.path_len is not None and below > ca.path_len:
        return False
    return True


def build_path(
    leaf: CertInfo,
    *,
    anchors: tuple[CertInfo, ...],
    intermediates: tuple[CertInfo, ...],
    registry: SignatureRegistry,
    now: datetime,
) -> list[CertInfo]:
    """The path ``[leaf, ..., anchor]``; raises :class:`UntrustedIssuerError`."""
    anchor_ders = {a.der for a in anchors}
    budget = [MAX_SIGNATURE_CHECKS]

    def candidates(cert: CertInfo) -> list[tuple[CertInfo, bool]]:
        found = [(a, True) for a in anchors if a.subject == cert.issuer]
        found += [
            (c, False)
            for c in intermediates
            if c.subject == cert.issuer and c.der not in anchor_ders
        ]
        # Prefer a certificate valid now (a re-keyed CA may keep its name).
        found.sort(key=lambda item: not (item[0].not_before <= now <= item[0].not_after))
        return found

    def extend(path: list[CertInfo]) -> list[CertInfo] | None:
        if len(path) > MAX_PATH_LENGTH:
            return None
        cert = path[-1]
        below = len(path) - 1  # intermediate CAs already under the next issuer
        for issuer, is_anchor in candidates(cert):
            if any(issuer.der == p.der for p in path):
                continue
            if not _may_issue(issuer, below, is_anchor=is_anchor):
                continue
            if budget[0] <= 0:
                return None
            budget[0] -= 1
            if not issued_by(cert, issuer, registry):
                continue
            if is_anchor:
                return path + [issuer]
            longer = extend(path + [issuer])
            if longer is not None:
                return longer
        return None

    if leaf.der in anchor_ders:
        raise UntrustedIssuerError("the signer certificate is itself a trust anchor")
    path = extend([leaf])
    if path is None:
        raise UntrustedIssuerError("no path from the signer certificate to a trusted national CA")
    return path


def check_validity(path: list[CertInfo], *, at: tuple[datetime, ...]) -> None:
    """Every certificate valid at every given instant (RFC 5280 §6.1.3 (a)(2))."""
    for cert in path:
        for when in at:
            if when < cert.not_before:
                raise CertificateNotYetValidError(
                    f"certificate serial {cert.serial_hex} is not valid before {cert.not_before.isoformat()}"
                )
            if when > cert.not_after:
                raise CertificateExpiredError(
                    f"certificate serial {cert.serial_hex} expired at {cert.not_after.isoformat()}"
                )


def check_critical_extensions(path: list[CertInfo]) -> None:
    """RFC 5280 §4.2: a certificate with an unrecognised critical extension is invalid."""
    for cert in path:
        if cert.unknown_critical:
            raise CertificateError(
                f"certificate serial {cert.serial_hex} has unsupported critical extensions "
                + ", ".join(cert.unknown_critical)
            )
