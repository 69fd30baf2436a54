"""Revocation by OCSP (RFC 6960) where a certificate names a responder.

The responder URL comes from the certificate's Authority Information Access
extension (RFC 5280 §4.2.2.1). The transport is injectable: production uses
:func:`urllib_fetcher` with a short timeout, tests a local responder.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from asn1crypto import algos, core, ocsp

from .algorithms import SignatureInput, SignatureRegistry
from .certinfo import CertInfo, name_key, read_certificate
from .chain import issued_by
from .errors import EsignError, OcspUnavailableError, RevokedError
from .times import utc, utc_or_none

#: ``fetch(url, request_der, timeout_seconds) -> response_der``; raise on failure.
Fetcher = Callable[[str, bytes, float], bytes]

MAX_RESPONSE_BYTES = 256 * 1024
OID_OCSP_SIGNING = "1.3.6.1.5.5.7.3.9"  # id-kp-OCSPSigning (RFC 6960 §4.2.2.2)
_CERT_ID_HASHES = ("sha1", "sha256", "sha384", "sha512")


def urllib_fetcher(url: str, request_der: bytes, timeout: float) -> bytes:
    """POST the request (RFC 6960 Appendix A.1) with the standard library."""
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError("OCSP responder URL must be http or https")
    request = urllib.request.Request(
        url,
        data=request_der,
        headers={"Content-Type": "application/ocsp-request", "Accept": "application/ocsp-response"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked)
        if response.status != 200:
            raise OSError(f"OCSP responder answered HTTP {response.status}")
        body = response.read(MAX_RESPONSE_BYTES + 1)
    if len(body) > MAX_RESPONSE_BYTES:
        raise ValueError("OCSP response too large")
    return body


def _cert_id(cert: CertInfo, issuer: CertInfo, hash_name: str) -> ocsp.CertId:
    # RFC 6960 §4.1.1: hashes of the issuer's name (as encoded in the checked
    # certificate) and of the issuer's public key BIT STRING value.
    digest = getattr(hashlib, hash_name)
    return ocsp.CertId(
        {
            "hash_algorithm": algos.DigestAlgorithm({"algorithm": hash_name}),
            "issuer_name_hash": digest(cert.issuer_der).digest(),
            "issuer_key_hash": digest(issuer.public_key_bits).digest(),
            "serial_number": cert.serial,
        }
    )


def build_request(cert: CertInfo, issuer: CertInfo, *, nonce: bytes | None, hash_name: str = "sha1") -> bytes:
    tbs: dict = {"request_list": [{"req_cert": _cert_id(cert, issuer, hash_name)}]}
    if nonce is not None:
        # RFC 8954 §2.1: the nonce extension, 1 to 32 octets.
        tbs["request_extensions"] = [
            {"extn_id": "nonce", "critical": False, "extn_value": core.OctetString(nonce)}
        ]
    return ocsp.OCSPRequest({"tbs_request": tbs}).dump()


@dataclass(frozen=True)
class _Response:
    tbs: bytes
    signature_oid: str
    signature_params: bytes | None
    signature: bytes
    responder_name: str | None
    responder_key_hash: bytes | None
    certs: tuple[CertInfo, ...]
    # (hash name, issuer name hash, issuer key hash, serial, status, thisUpdate, nextUpdate)
    singles: tuple[tuple[str, bytes, bytes, int, str, datetime, datetime | None], ...]
    nonce: bytes | None
    produced_at: datetime


def _parse(der: bytes) -> _Response:
    resp = ocsp.OCSPResponse.load(der, strict=True)
    status = resp["response_status"].native
    if status != "successful":
        # RFC 6960 §4.2.1: e.g. tryLater, internalError, unauthorized.
        raise OcspUnavailableError(f"OCSP responder answered {status}")
    rb = resp["response_bytes"]
    if rb["response_type"].native != "basic_ocsp_response":
        raise OcspUnavailableError("OCSP response is not a basic response")
    basic = rb["response"].parsed
    data = basic["tbs_response_data"]
    rid = data["responder_id"]
    alg = basic["signature_algorithm"]
    singles = tuple(
        (
            str(single["cert_id"]["hash_algorithm"]["algorithm"].native),
            bytes(single["cert_id"]["issuer_name_hash"].native),
            bytes(single["cert_id"]["issuer_key_hash"].native),
            int(single["cert_id"]["serial_number"].native),
            single["cert_status"].name,
            # RFC 6960 §4.2.2.1: GeneralizedTime in UTC; a zone-less time is refused.
            utc(single["this_update"].native, "OCSP thisUpdate"),
            utc_or_none(single["next_update"].native, "OCSP nextUpdate"),
        )
        for single in data["responses"]
    )
    nonce = None
    for ext in data["response_extensions"] or []:
        if ext["extn_id"].native == "nonce":
            nonce = bytes(ext["extn_value"].parsed.native)
    return _Response(
        tbs=data.dump(),
        signature_oid=alg["algorithm"].dotted,
        signature_params=None if alg["parameters"].native is None else alg["parameters"].dump(),
        signature=bytes(basic["signature"].native),
        responder_name=name_key(rid.chosen.dump()) if rid.name == "by_name" else None,
        responder_key_hash=bytes(rid.chosen.native) if rid.name == "by_key" else None,
        certs=tuple(read_certificate(c.dump()) for c in (basic["certs"] or [])),
        singles=singles,
        nonce=nonce,
        produced_at=utc(data["produced_at"].native, "OCSP producedAt"),
    )


def _matches_responder(cert: CertInfo, resp: _Response) -> bool:
    if resp.responder_name is not None:
        return cert.subject == resp.responder_name
    return resp.responder_key_hash == hashlib.sha1(cert.public_key_bits).digest()


@dataclass
class OcspChecker:
    """Asks the responder a certificate names; one instance serves many logins."""

    fetch: Fetcher = urllib_fetcher
    timeout: float = 3.0
    clock_skew: timedelta = timedelta(minutes=5)
    #: How old a response without nextUpdate may be.
    max_age: timedelta = timedelta(hours=1)
    use_nonce: bool = True
    cert_id_hash: str = "sha1"
    #: When the responder cannot be reached, accept a certificate that a
    #: current CRL has already shown to be good.
    soft_fail_with_crl: bool = False
    _nonce_source: Callable[[], bytes] = field(default=lambda: secrets.token_bytes(16), repr=False)

    def _signer(self, resp: _Response, issuer: CertInfo, registry: SignatureRegistry, now: datetime) -> CertInfo:
        # RFC 6960 §4.2.2.2: the CA itself, or a responder it delegated with id-kp-OCSPSigning.
        if _matches_responder(issuer, resp):
            return issuer
        for cert in resp.certs:
            if not _matches_responder(cert, resp):
                continue
            if not issued_by(cert, issuer, registry):
                continue
            if OID_OCSP_SIGNING not in (cert.extended_key_usage or ()):
                continue
            if not cert.not_before <= now <= cert.not_after:
                continue
            return cert
        raise OcspUnavailableError("OCSP response is not signed by the CA or its delegated responder")

    def check(self, cert: CertInfo, issuer: CertInfo, *, url: str, now: datetime, registry: SignatureRegistry) -> str:
        """``"good"``; raises :class:`RevokedError` or :class:`OcspUnavailableError`."""
        nonce = self._nonce_source() if self.use_nonce else None
        request = build_request(cert, issuer, nonce=nonce, hash_name=self.cert_id_hash)
        try:
            body = self.fetch(url, request, self.timeout)
        except Exception as exc:  # network errors, timeouts, HTTP errors from any fetcher
            raise OcspUnavailableError(f"OCSP responder unreachable: {type(exc).__name__}") from exc
        try:
            resp = _parse(body)
        except EsignError as exc:
            raise OcspUnavailableError(exc.detail) from exc
        except Exception as exc:  # asn1crypto raises ValueError, TypeError, KeyError, ...
            raise OcspUnavailableError("OCSP response cannot be parsed") from exc
        signer = self._signer(resp, issuer, registry, now)
        try:
            valid = registry.verify(
                SignatureInput(
                    algorithm_oid=resp.signature_oid,
                    algorithm_params=resp.signature_params,
                    public_key_info=signer.public_key_info,
                    signature=resp.signature,
                    message=resp.tbs,
                )
            )
        except EsignError as exc:
            raise OcspUnavailableError(f"OCSP signature cannot be checked: {exc.detail}") from exc
        if not valid:
            raise OcspUnavailableError("OCSP response signature does not verify")
        if resp.produced_at > now + self.clock_skew:
            # RFC 6960 §4.2.2.1: the responder signed it in the future; its clock cannot be trusted.
            raise OcspUnavailableError("OCSP response was produced in the future")
        if nonce is not None and resp.nonce is not None and not hmac.compare_digest(nonce, resp.nonce):
            # RFC 8954 §2.1: a returned nonce must be the one sent (replay protection).
            raise OcspUnavailableError("OCSP response nonce does not match")
        for hash_name, name_hash, key_hash, serial, status, this_update, next_update in resp.singles:
            if serial != cert.serial or hash_name not in _CERT_ID_HASHES:
                continue
            digest = getattr(hashlib, hash_name)
            if name_hash != digest(cert.issuer_der).digest() or key_hash != digest(issuer.public_key_bits).digest():
                continue
            # RFC 6960 §3.2 (4)-(6): the answer must be current.
            if this_update > now + self.clock_skew:
                raise OcspUnavailableError("OCSP response is from the future")
            if next_update is not None and now > next_update + self.clock_skew:
                raise OcspUnavailableError("OCSP response is past its nextUpdate")
            if next_update is None and now - this_update > self.max_age:
                raise OcspUnavailableError("OCSP response is too old")
            if status == "revoked":
                raise RevokedError(f"certificate serial {cert.serial_hex} is revoked according to OCSP")
            if status != "good":
                raise OcspUnavailableError("OCSP responder does not know the certificate")
            return "good"
        raise OcspUnavailableError("OCSP response does not cover the certificate")
