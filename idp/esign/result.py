"""The outcome of a successful e-signature verification."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

AMR_SOFTWARE_KEY = "swk"  # RFC 8176 §2: proof of possession of a software-secured key
AMR_HARDWARE_KEY = "hwk"  # RFC 8176 §2: proof of possession of a hardware-secured key


@dataclass(frozen=True)
class EsignResult:
    """Identity and certificate facts of a verified login signature.

    Personal data (PINFL, TIN, names) are left out of ``repr`` and of
    :meth:`log_fields`, so the object can be logged as it is.
    """

    pinfl: str = field(repr=False)
    tin: str | None = field(repr=False)
    user_type: str  # "I" individual, "L" acting for a legal entity
    organisation: str | None = field(repr=False)
    common_name: str | None = field(repr=False)
    surname: str | None = field(repr=False)
    given_name: str | None = field(repr=False)
    certificate_serial: str  # lower-case hex
    certificate_issuer: str  # RFC 4514-style
    certificate_fingerprint: str  # SHA-256 of the certificate DER, hex
    certificate_not_after: datetime
    signing_time: datetime | None
    signature_algorithm: str
    revocation_checks: tuple[str, ...]  # e.g. ("crl",) or ("crl", "ocsp")
    amr: tuple[str, ...] = (AMR_SOFTWARE_KEY,)

    @property
    def auth_method(self) -> str:
        """The OneID ``auth_method`` value existing relying parties expect."""
        return "LEPKCSMETHOD" if self.user_type == "L" else "PKCSMETHOD"

    def log_fields(self) -> dict[str, object]:
        return {
            "user_type": self.user_type,
            "certificate_serial": self.certificate_serial,
            "certificate_issuer": self.certificate_issuer,
            "certificate_fingerprint": self.certificate_fingerprint,
            "signature_algorithm": self.signature_algorithm,
            "revocation_checks": list(self.revocation_checks),
            "amr": list(self.amr),
        }
