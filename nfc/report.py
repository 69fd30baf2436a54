"""The result of verifying a chip: each check with its status and reason
code, plus the document data and portrait for the caller.

``repr`` and :meth:`ChipReport.as_log` never include personal data, the
portrait or secrets; read :attr:`ChipReport.document` and
:attr:`ChipReport.portrait` explicitly where they are needed.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from .lds.face import FaceImage

PASS = "pass"
FAIL = "fail"
SKIPPED = "skipped"
WARNING = "warning"

PASSIVE_CHECKS = ("sod_parse", "sod_content", "sod_signature", "dsc_chain", "dsc_validity",
                  "dsc_revocation", "data_group_hashes")


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # pass, fail, skipped or warning
    code: str  # reason code, "ok" when passed
    detail: str = ""  # free text without personal data

    @property
    def passed(self) -> bool:
        return self.status == PASS


@dataclass(frozen=True, repr=False)
class DocumentData:
    """Document holder data from DG1 (and DG11 where read). Personal data."""

    document_code: str
    issuing_state: str
    document_number: str
    surname: str
    given_names: str
    nationality: str
    sex: str
    date_of_birth: _dt.date | None
    date_of_expiry: _dt.date | None
    mrz_format: str
    mrz_optional_data: str
    personal_number: str | None = None  # DG11 5F10 (PINFL on Uzbek passports)
    full_name: str | None = None  # DG11 5F0E
    place_of_birth: str | None = None  # DG11 5F11
    date_of_issue: _dt.date | None = None  # DG12 5F26
    issuing_authority: str | None = None  # DG12 5F19

    def __repr__(self) -> str:
        return f"DocumentData(<redacted>, issuing_state={self.issuing_state!r})"


@dataclass(frozen=True)
class ChipAuthenticationSummary:
    """What DG14 offers for chip authentication (not verified here)."""

    protocols: tuple[str, ...] = ()
    key_algorithms: tuple[str, ...] = ()
    pace_protocols: tuple[str, ...] = ()
    terminal_authentication: bool = False


@dataclass(frozen=True)
class ChipReport:
    checks: tuple[Check, ...]
    document: DocumentData | None = field(default=None, repr=False)
    portrait: FaceImage | None = field(default=None, repr=False)
    chip_authentication: ChipAuthenticationSummary | None = None
    active_authentication_algorithm: str | None = None
    signature_algorithm: str | None = None  # the SOD's, e.g. "sha256 / EC-SECP256R1"
    dsc_fingerprint: str | None = None
    csca_fingerprint: str | None = None
    signer_country: str | None = None
    data_groups: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no check failed. Policy decides which checks must run;
        a skipped mandatory check is recorded as a failure."""
        return bool(self.checks) and all(c.status != FAIL for c in self.checks)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status == FAIL)

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.failures)

    def check(self, name: str) -> Check | None:
        for c in self.checks:
            if c.name == name:
                return c
        return None

    @property
    def passive_authentication(self) -> bool:
        """Every passive authentication step ran and none failed."""
        checks = [self.check(n) for n in PASSIVE_CHECKS]
        return all(c is not None and c.status in (PASS, WARNING) for c in checks)

    @property
    def active_authentication(self) -> bool:
        c = self.check("active_authentication")
        return c is not None and c.passed

    def as_log(self) -> dict:
        """A dict safe to log: checks and non-personal metadata only."""
        return {
            "ok": self.ok,
            "checks": [{"name": c.name, "status": c.status, "code": c.code} for c in self.checks],
            "data_groups": list(self.data_groups),
            "signer_country": self.signer_country,
            "dsc_fingerprint": self.dsc_fingerprint,
            "csca_fingerprint": self.csca_fingerprint,
            "signature_algorithm": self.signature_algorithm,
            "active_authentication_algorithm": self.active_authentication_algorithm,
        }
