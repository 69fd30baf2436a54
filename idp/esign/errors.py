"""Typed failures of e-signature verification.

Every failed check raises exactly one subclass of :class:`EsignError`. Each
class carries a stable ``reason`` code that the login page maps to a message
and the audit log records. ``detail`` is a short technical sentence for
operators; it never contains names, PINFLs or certificate dumps.
"""

from __future__ import annotations


class EsignError(Exception):
    """Root of every e-signature verification failure."""

    reason = "esign_error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.reason)
        self.detail = detail

    def __repr__(self) -> str:
        return f"{type(self).__name__}(reason={self.reason!r}, detail={self.detail!r})"


class MalformedError(EsignError):
    """The bytes are not a CMS SignedData this verifier can read (RFC 5652 §5)."""

    reason = "malformed"


class AmbiguousTimeError(MalformedError):
    """A time in the CMS or a certificate has no time zone (a GeneralizedTime
    without ``Z``) or cannot be read; UTC is required (RFC 5280 §4.1.2.5, RFC 5652 §11.3)."""

    reason = "ambiguous_time"


class SignerCertificateMissingError(MalformedError):
    """No certificate in the CMS matches the SignerInfo sid (RFC 5652 §5.3)."""

    reason = "signer_certificate_missing"


class UnsupportedAlgorithmError(EsignError):
    """A digest or signature algorithm, curve or key size is not accepted."""

    reason = "unsupported_algorithm"


class ChallengeMismatchError(EsignError):
    """The signed content is not the challenge this server issued."""

    reason = "challenge_mismatch"


class BadSignatureError(EsignError):
    """The signature or the messageDigest attribute does not verify (RFC 5652 §5.4, §5.6)."""

    reason = "bad_signature"


class SigningTimeError(EsignError):
    """The signingTime attribute is too far from the server's clock (RFC 5652 §11.3)."""

    reason = "signing_time"


class CertificateError(EsignError):
    """Base for problems with a certificate in the signer's chain."""

    reason = "cert_invalid"


class UntrustedIssuerError(CertificateError):
    """No path from the signer certificate to a configured trust anchor (RFC 5280 §6.1)."""

    reason = "untrusted_issuer"


class CertificateExpiredError(CertificateError):
    """A certificate in the chain is past its notAfter (RFC 5280 §6.1.3 (a)(2))."""

    reason = "cert_expired"


class CertificateNotYetValidError(CertificateError):
    """A certificate in the chain is before its notBefore (RFC 5280 §6.1.3 (a)(2))."""

    reason = "cert_not_yet_valid"


class KeyUsageError(CertificateError):
    """The signer key may not make signatures (RFC 5280 §4.2.1.3)."""

    reason = "key_usage"


class ExtendedKeyUsageError(KeyUsageError):
    """The signer certificate's extended key usage allows no purpose fit for
    client login, e.g. only serverAuth or OCSPSigning (RFC 5280 §4.2.1.12)."""

    reason = "extended_key_usage"


class MissingPinflError(CertificateError):
    """The signer certificate carries no PINFL at all."""

    reason = "no_pinfl"


class InvalidPinflError(MissingPinflError):
    """A PINFL source (the PINFL attribute, or a serialNumber in PINFL form) is
    not exactly 14 digits: blank, padded with spaces, or of another length, so
    the certificate has no usable PINFL."""

    reason = "pinfl_invalid"


class PinflConflictError(CertificateError):
    """The certificate names more than one PINFL: two PINFL attributes that
    differ, or a PINFL attribute that disagrees with the serialNumber."""

    reason = "pinfl_conflict"


class InvalidTinError(CertificateError):
    """A TIN attribute is not exactly 9 digits, or two TIN attributes differ."""

    reason = "tin_invalid"


class RevocationError(EsignError):
    """Base for revocation failures."""

    reason = "revocation"


class RevokedError(RevocationError):
    """A certificate in the chain is revoked (RFC 5280 §6.3, RFC 6960 §2.2)."""

    reason = "revoked"


class RevocationUnknownError(RevocationError):
    """No current CRL or OCSP answer establishes that a certificate is not revoked."""

    reason = "revocation_unknown"


class CrlInvalidError(RevocationError):
    """A configured CRL fails its signature check or is past its nextUpdate (RFC 5280 §6.3.3)."""

    reason = "crl_invalid"


class OcspUnavailableError(RevocationError):
    """The OCSP responder named in the certificate gave no usable answer (RFC 6960 §4.2.2)."""

    reason = "ocsp_unavailable"


ALL_REASONS = tuple(
    sorted(
        {
            cls.reason
            for cls in (
                MalformedError,
                AmbiguousTimeError,
                SignerCertificateMissingError,
                UnsupportedAlgorithmError,
                ChallengeMismatchError,
                BadSignatureError,
                SigningTimeError,
                CertificateError,
                UntrustedIssuerError,
                CertificateExpiredError,
                CertificateNotYetValidError,
                KeyUsageError,
                ExtendedKeyUsageError,
                MissingPinflError,
                InvalidPinflError,
                PinflConflictError,
                InvalidTinError,
                RevokedError,
                RevocationUnknownError,
                CrlInvalidError,
                OcspUnavailableError,
            )
        }
    )
)
