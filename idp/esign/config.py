"""Settings and a ready-to-use verifier for the application to hold.

The application reads :class:`EsignSettings` from its configuration at
start-up (``EsignSettings.from_mapping(app.config)``) and keeps one
:class:`EsignVerifier`. The verifier re-reads CRL files when they change on
disk, so a scheduled download of fresh CRLs needs no restart.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Mapping

from .algorithms import SignatureRegistry
from .cms import decode_cms
from .crl import CRL_SUFFIXES, CrlStore
from .errors import CrlInvalidError
from .ocsp import Fetcher, OcspChecker, urllib_fetcher
from .result import EsignResult
from .trust import CERT_SUFFIXES, TrustStore, files_under
from .verify import verify_signed_challenge


def _paths(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, (str, Path)):
        parts = str(value).replace(",", os.pathsep).split(os.pathsep)
        return tuple(p.strip() for p in parts if p.strip())
    return tuple(str(p) for p in value)


def _bool(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"not a boolean: {value!r}")


@dataclass(frozen=True)
class EsignSettings:
    trust_anchors: tuple[str, ...]
    intermediates: tuple[str, ...] = ()
    crls: tuple[str, ...] = ()
    ocsp_enabled: bool = True
    ocsp_timeout: float = 3.0
    ocsp_soft_fail_with_crl: bool = False
    require_revocation: bool = True
    signing_time_tolerance: float = 300.0
    crl_reload_interval: float = 60.0

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> "EsignSettings":
        """Read ``IDP_ESIGN_*`` (or unprefixed ``ESIGN_*``) keys.

        Path settings may be lists, or strings separated by commas or os.pathsep.
        """

        def get(name: str, default: Any = None) -> Any:
            for key in (f"IDP_ESIGN_{name}", f"ESIGN_{name}"):
                if config.get(key) not in (None, ""):
                    return config[key]
            return default

        anchors = _paths(get("TRUST_ANCHORS"))
        if not anchors:
            raise ValueError("IDP_ESIGN_TRUST_ANCHORS must name the trusted national CA certificate(s)")
        settings = cls(
            trust_anchors=anchors,
            intermediates=_paths(get("INTERMEDIATES")),
            crls=_paths(get("CRLS")),
            ocsp_enabled=_bool(get("OCSP"), True),
            ocsp_timeout=float(get("OCSP_TIMEOUT", 3.0)),
            ocsp_soft_fail_with_crl=_bool(get("OCSP_SOFT_FAIL"), False),
            require_revocation=_bool(get("REQUIRE_REVOCATION"), True),
            signing_time_tolerance=float(get("SIGNING_TIME_TOLERANCE", 300)),
            crl_reload_interval=float(get("CRL_RELOAD_SECONDS", 60)),
        )
        if not 0 < settings.ocsp_timeout <= 30:
            raise ValueError("IDP_ESIGN_OCSP_TIMEOUT must be between 0 and 30 seconds")
        if not 0 <= settings.signing_time_tolerance <= 3600:
            raise ValueError("IDP_ESIGN_SIGNING_TIME_TOLERANCE must be between 0 and 3600 seconds")
        return settings


class EsignVerifier:
    """Holds the trust store, CRLs and OCSP client built from settings."""

    def __init__(
        self,
        settings: EsignSettings,
        *,
        fetcher: Fetcher = urllib_fetcher,
        registry: SignatureRegistry | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.ocsp = (
            OcspChecker(
                fetch=fetcher,
                timeout=settings.ocsp_timeout,
                soft_fail_with_crl=settings.ocsp_soft_fail_with_crl,
            )
            if settings.ocsp_enabled
            else None
        )
        self._lock = threading.Lock()
        self._environ = environ if environ is not None else os.environ
        self._checked_at = 0.0
        self._fingerprint: tuple = ()
        self.reload()

    def _files_fingerprint(self) -> tuple:
        files = files_under(self.settings.crls, CRL_SUFFIXES) + files_under(
            self.settings.trust_anchors + self.settings.intermediates, CERT_SUFFIXES
        )
        return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)

    def reload(self) -> None:
        """Re-read certificates and CRLs from disk."""
        trust = TrustStore.from_paths(self.settings.trust_anchors, self.settings.intermediates)
        if self._environ.get("IDP_ENV", "").strip().lower() == "production":
            from .democa import ROOT_NAME

            if any(value == ROOT_NAME for a in trust.anchors for _, value in a.subject_attributes):
                raise ValueError("the demo national CA is configured as a trust anchor in production")
        crls = CrlStore.from_paths(self.settings.crls)
        with self._lock:
            self.trust, self.crls = trust, crls
            self._fingerprint = self._files_fingerprint()
            self._checked_at = time.monotonic()

    def _maybe_reload(self) -> None:
        if time.monotonic() - self._checked_at < self.settings.crl_reload_interval:
            return
        self._checked_at = time.monotonic()
        try:
            if self._files_fingerprint() != self._fingerprint:
                self.reload()
        except (OSError, ValueError) as exc:
            # A damaged or half-written file: refuse logins as the operator's
            # problem (and try again on the next login), never answer a 500.
            self._checked_at = 0.0
            raise CrlInvalidError(f"trust store or CRL files cannot be re-read: {exc}") from exc

    def verify(
        self, cms: bytes | str, *, expected_challenge: bytes, now: datetime | None = None, hardware_key: bool = False
    ) -> EsignResult:
        """Verify a CMS posted as DER bytes or as base64/PEM text."""
        self._maybe_reload()
        der = decode_cms(cms) if isinstance(cms, str) else cms
        return verify_signed_challenge(
            der,
            expected_challenge=expected_challenge,
            trust_anchors=self.trust,
            crls=self.crls,
            now=now,
            ocsp=self.ocsp,
            registry=self.registry,
            require_revocation=self.settings.require_revocation,
            signing_time_tolerance=timedelta(seconds=self.settings.signing_time_tolerance),
            hardware_key=hardware_key,
        )
