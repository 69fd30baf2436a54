"""Verifying a login challenge signed into a CMS SignedData.

:func:`verify_signed_challenge` is pure: no I/O except the injected OCSP
fetcher, no Flask, no database. Each step raises its own
:class:`~idp.esign.errors.EsignError` subclass; the order is part of the
contract (see docs/esign.md).
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta, timezone

from .algorithms import DEFAULT_REGISTRY, SignatureInput, SignatureRegistry
from .chain import build_path, check_critical_extensions, check_validity
from .cms import OID_DATA, parse_signed_data
from .crl import CrlStore
from .errors import (
    BadSignatureError,
    CertificateError,
    ChallengeMismatchError,
    CrlInvalidError,
    ExtendedKeyUsageError,
    KeyUsageError,
    MalformedError,
    SigningTimeError,
)
from .identity import holder_of
from .ocsp import OcspChecker
from .result import AMR_HARDWARE_KEY, AMR_SOFTWARE_KEY, EsignResult
from .revocation import check_path_revocation
from .trust import TrustStore

SIGNING_KEY_USAGES = frozenset({"digital_signature", "non_repudiation"})
#: Extended key usages fit for logging in with a signature (see docs/esign.md,
#: "Extended key usage"): a certificate that names an EKU must name one of these.
CLIENT_LOGIN_EKUS = frozenset(
    {
        "1.3.6.1.5.5.7.3.2",  # id-kp-clientAuth (RFC 5280 §4.2.1.12)
        "1.3.6.1.5.5.7.3.4",  # id-kp-emailProtection: signing keys of S/MIME-style personal certificates
        "1.3.6.1.5.5.7.3.36",  # id-kp-documentSigning (RFC 9336)
        "1.3.6.1.4.1.311.10.3.12",  # Microsoft Document Signing
        "1.2.840.113583.1.1.5",  # Adobe Authentic Documents Trust (PDF signing keys)
        "2.5.29.37.0",  # anyExtendedKeyUsage
    }
)
DEFAULT_SIGNING_TIME_TOLERANCE = timedelta(minutes=5)


def verify_signed_challenge(
    cms: bytes,
    *,
    expected_challenge: bytes,
    trust_anchors,
    crls=(),
    now: datetime | None = None,
    ocsp: OcspChecker | None = None,
    registry: SignatureRegistry | None = None,
    require_revocation: bool = True,
    signing_time_tolerance: timedelta = DEFAULT_SIGNING_TIME_TOLERANCE,
    hardware_key: bool = False,
) -> EsignResult:
    """Verify ``cms`` (DER) as a signature over ``expected_challenge``.

    ``trust_anchors`` is a :class:`TrustStore` or certificates; ``crls`` a
    :class:`CrlStore` or CRLs; ``ocsp`` an :class:`OcspChecker` or None to
    skip OCSP. Returns an :class:`EsignResult`; raises an EsignError subclass.
    """
    if not isinstance(expected_challenge, (bytes, bytearray)) or not expected_challenge:
        raise TypeError("expected_challenge must be non-empty bytes")
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        raise TypeError("now must be timezone-aware")
    trust = TrustStore.coerce(trust_anchors)
    try:
        crl_store = CrlStore.coerce(crls)
    except ValueError as exc:
        # An unreadable CRL is the operator's problem, never the signer's (nor a 500).
        raise CrlInvalidError(str(exc)) from exc
    registry = registry or DEFAULT_REGISTRY

    signed = parse_signed_data(cms)

    # RFC 5652 §11.1: the content-type attribute equals eContentType; a
    # login challenge is plain id-data.
    if signed.content_type != OID_DATA or signed.attr_content_type != OID_DATA:
        raise MalformedError("signed content is not id-data")

    content = signed.content
    computed = registry.digest(signed.digest_algorithm, content if content is not None else bytes(expected_challenge))
    if content is not None and not hmac.compare_digest(content, bytes(expected_challenge)):
        raise ChallengeMismatchError("the signed content is not the issued challenge")
    # RFC 5652 §5.4 / §11.2: messageDigest is the digest of the content.
    if not hmac.compare_digest(computed, signed.message_digest):
        if content is None:
            raise ChallengeMismatchError("the detached signature is not over the issued challenge")
        raise BadSignatureError("messageDigest does not match the content")

    signer = signed.signer_certificate()
    # RFC 5652 §5.6: the signature is over the DER of the signed attributes.
    if not registry.verify(
        SignatureInput(
            algorithm_oid=signed.signature_oid,
            algorithm_params=signed.signature_params,
            public_key_info=signer.public_key_info,
            signature=signed.signature,
            message=signed.signed_attrs,
            digest_algorithm=signed.digest_algorithm,
        )
    ):
        raise BadSignatureError("the signature does not verify with the signer certificate")

    # RFC 5652 §11.3: signingTime is the signer's claim; it must be near our clock.
    if signed.signing_time is not None and abs(signed.signing_time - now) > signing_time_tolerance:
        raise SigningTimeError("signingTime is too far from the server clock")

    path = build_path(
        signer,
        anchors=trust.anchors,
        intermediates=signed.certificates + trust.intermediates,
        registry=registry,
        now=now,
    )
    check_critical_extensions(path)
    instants = (now,) if signed.signing_time is None else (signed.signing_time, now)
    check_validity(path, at=instants)

    # RFC 5280 §4.2.1.3 and §4.2.1.9: an end-entity key allowed to sign.
    if signer.is_ca:
        raise CertificateError("the signer certificate is a CA certificate")
    if signer.key_usage is None or not (signer.key_usage & SIGNING_KEY_USAGES):
        raise KeyUsageError("the signer certificate does not allow digital signatures")
    # RFC 5280 §4.2.1.12: when present, the key may be used only for the purposes listed.
    if signer.extended_key_usage is not None and not (signer.extended_key_usage & CLIENT_LOGIN_EKUS):
        raise ExtendedKeyUsageError("the signer certificate's extended key usage does not allow client login")

    checks = check_path_revocation(
        path, crls=crl_store, ocsp=ocsp, now=now, registry=registry, require=require_revocation
    )

    holder = holder_of(signer)
    return EsignResult(
        pinfl=holder.pinfl,
        tin=holder.tin,
        user_type=holder.user_type,
        organisation=holder.organisation,
        common_name=holder.common_name,
        surname=holder.surname,
        given_name=holder.given_name,
        certificate_serial=signer.serial_hex,
        certificate_issuer=signer.issuer_text,
        certificate_fingerprint=signer.fingerprint,
        certificate_not_after=signer.not_after,
        signing_time=signed.signing_time,
        signature_algorithm=registry.name_of(signed.signature_oid),
        revocation_checks=checks,
        amr=(AMR_HARDWARE_KEY if hardware_key else AMR_SOFTWARE_KEY,),
    )
