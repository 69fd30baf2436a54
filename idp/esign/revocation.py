"""Revocation status of every certificate below the trust anchor.

For each certificate the configured CRLs are consulted first (RFC 5280
§6.3); then, when an :class:`OcspChecker` is configured and the certificate
names a responder in its AIA extension, OCSP (RFC 6960). A revoked answer
from either source is final. With ``require=True`` (the default) a
certificate whose status neither source establishes is refused.
"""

from __future__ import annotations

from datetime import datetime

from .algorithms import SignatureRegistry
from .certinfo import CertInfo
from .crl import CrlStore
from .errors import OcspUnavailableError, RevocationUnknownError
from .ocsp import OcspChecker


def check_path_revocation(
    path: list[CertInfo],
    *,
    crls: CrlStore,
    ocsp: OcspChecker | None,
    now: datetime,
    registry: SignatureRegistry,
    require: bool = True,
) -> tuple[str, ...]:
    """The revocation sources used, e.g. ``("crl",)``; raises a RevocationError subclass."""
    used: set[str] = set()
    for cert, issuer in zip(path, path[1:]):  # the anchor itself is trusted as configured
        crl_status = crls.status(cert, issuer, now=now, registry=registry)
        if crl_status is not None:
            used.add("crl")
        ocsp_status = None
        if ocsp is not None and cert.ocsp_urls:
            try:
                ocsp_status = ocsp.check(cert, issuer, url=cert.ocsp_urls[0], now=now, registry=registry)
                used.add("ocsp")
            except OcspUnavailableError:
                if not (ocsp.soft_fail_with_crl and crl_status == "good"):
                    raise
        if require and crl_status is None and ocsp_status is None:
            raise RevocationUnknownError(
                f"no current CRL or OCSP answer for certificate serial {cert.serial_hex}"
            )
    return tuple(sorted(used))
