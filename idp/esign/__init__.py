"""E-signature key login: verifying a challenge signed into CMS SignedData.

Pure library code (no Flask, no database). See docs/esign.md.
"""

from .algorithms import DEFAULT_REGISTRY, SignatureInput, SignatureRegistry, default_registry
from .caches import clear_caches
from .cms import decode_cms
from .config import EsignSettings, EsignVerifier
from .crl import CrlStore
from .errors import (
    ALL_REASONS,
    AmbiguousTimeError,
    BadSignatureError,
    CertificateError,
    CertificateExpiredError,
    CertificateNotYetValidError,
    ChallengeMismatchError,
    CrlInvalidError,
    EsignError,
    ExtendedKeyUsageError,
    InvalidPinflError,
    InvalidTinError,
    KeyUsageError,
    MalformedError,
    MissingPinflError,
    OcspUnavailableError,
    PinflConflictError,
    RevocationError,
    RevocationUnknownError,
    RevokedError,
    SignerCertificateMissingError,
    SigningTimeError,
    UnsupportedAlgorithmError,
    UntrustedIssuerError,
)
from .ocsp import OcspChecker, urllib_fetcher
from .result import AMR_HARDWARE_KEY, AMR_SOFTWARE_KEY, EsignResult
from .trust import TrustStore
from .verify import verify_signed_challenge

__all__ = [
    "ALL_REASONS",
    "AMR_HARDWARE_KEY",
    "AmbiguousTimeError",
    "AMR_SOFTWARE_KEY",
    "BadSignatureError",
    "CertificateError",
    "CertificateExpiredError",
    "CertificateNotYetValidError",
    "ChallengeMismatchError",
    "CrlInvalidError",
    "CrlStore",
    "DEFAULT_REGISTRY",
    "EsignError",
    "EsignResult",
    "ExtendedKeyUsageError",
    "InvalidPinflError",
    "InvalidTinError",
    "EsignSettings",
    "EsignVerifier",
    "KeyUsageError",
    "MalformedError",
    "MissingPinflError",
    "OcspChecker",
    "OcspUnavailableError",
    "PinflConflictError",
    "RevocationError",
    "RevocationUnknownError",
    "RevokedError",
    "SignatureInput",
    "SignatureRegistry",
    "SignerCertificateMissingError",
    "SigningTimeError",
    "TrustStore",
    "UnsupportedAlgorithmError",
    "UntrustedIssuerError",
    "clear_caches",
    "decode_cms",
    "default_registry",
    "urllib_fetcher",
    "verify_signed_challenge",
]
