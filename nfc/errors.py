"""Typed errors of the eMRTD library.

Every failure the library can report is an :class:`NfcError` subclass with a
stable ``code`` (a reason code safe to log and to show as a machine-readable
reason). Parsers raise :class:`ParseError` subclasses; verification steps raise
:class:`VerificationError` subclasses, one per failed check; the reader raises
:class:`ProtocolError` subclasses. No other exception type leaves a public
function of this package for bad input.
"""

from __future__ import annotations


class NfcError(Exception):
    """Root of every error raised by :mod:`nfc`."""

    code = "nfc_error"

    def __init__(self, message: str = "", *, code: str | None = None):
        super().__init__(message or self.__class__.__doc__ or self.code)
        if code is not None:
            self.code = code


# --- parsing -------------------------------------------------------------


class ParseError(NfcError):
    """Malformed input."""

    code = "malformed"


class TLVError(ParseError):
    """Malformed BER-TLV structure."""

    code = "tlv_malformed"


class ASN1Error(ParseError):
    """Malformed or unexpected ASN.1 (DER) structure."""

    code = "asn1_malformed"


class MRZError(ParseError):
    """Malformed machine readable zone."""

    code = "mrz_malformed"


class CheckDigitError(MRZError):
    """An MRZ check digit does not match its field."""

    code = "mrz_check_digit"


class LDSError(ParseError):
    """Malformed LDS elementary file (EF.COM, EF.SOD or a data group)."""

    code = "lds_malformed"


class BiometricError(LDSError):
    """Malformed biometric record (ISO/IEC 19794-5 or 39794-5)."""

    code = "biometric_malformed"


class CertificateError(ParseError):
    """Malformed or unusable X.509 certificate, CRL or public key."""

    code = "certificate_malformed"


class UnsupportedAlgorithm(NfcError):
    """An algorithm or key type this library does not implement."""

    code = "unsupported_algorithm"


class UploadFormatError(ParseError):
    """The chip upload payload does not follow docs/nfc-reader-upload.md."""

    code = "upload_malformed"


# --- verification --------------------------------------------------------


class VerificationError(NfcError):
    """A verification check failed."""

    code = "verification_failed"


class PassiveAuthError(VerificationError):
    """Passive authentication failed (ICAO 9303 Part 11 section 5.1)."""

    code = "passive_authentication_failed"


class ActiveAuthError(VerificationError):
    """Active authentication failed (ICAO 9303 Part 11 section 6.1)."""

    code = "active_authentication_failed"


class SignatureError(VerificationError):
    """A digital signature does not verify under the given key."""

    code = "signature_invalid"


class TrustStoreError(NfcError):
    """The CSCA trust store refused an operation."""

    code = "trust_store_error"


class MasterListError(TrustStoreError):
    """A CSCA master list is malformed or its signer is not trusted."""

    code = "master_list_invalid"


class TestMaterialRefused(NfcError):
    """Test-only material (test PKI, simulator) refused in production."""

    code = "test_material_refused"

    __test__ = False  # not a pytest test class


# --- protocol ------------------------------------------------------------


class ProtocolError(NfcError):
    """The chip conversation failed."""

    code = "protocol_error"


class TransportError(ProtocolError):
    """The transport (PC/SC reader or simulator) failed."""

    code = "transport_error"


class StatusWordError(ProtocolError):
    """The chip answered with an error status word (ISO/IEC 7816-4)."""

    code = "chip_status_error"

    def __init__(self, sw: int, message: str = ""):
        super().__init__(message or f"chip returned status word {sw:04X}")
        self.sw = sw


class AccessDenied(ProtocolError):
    """Basic Access Control failed: wrong MRZ key or no chip answer."""

    code = "bac_failed"


class SecureMessagingError(ProtocolError):
    """A secure messaging response failed its MAC or structure check."""

    code = "secure_messaging_failed"
