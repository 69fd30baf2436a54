"""Domain services of remote enrollment (no Flask here). `EnrollmentServices`
is the container the composition root builds once per application: the
configuration, the biometric cipher, the CSCA trust store, rate limits and
the liveness service (built on first use: loading face models takes a
second, and most processes never need them)."""
from __future__ import annotations

import os

from biometrics import BiometricsError, BiometricsSettings, LivenessService
from biometrics.liveness.minimum import require_minimum

from idp.config import ConfigError
from idp.state.secrets import dev_secret

from enrollment.config import EnrollmentConfig
from enrollment.services.crypto import BiometricCipher
from enrollment.services.ratelimit import RateLimiter
from enrollment.services.stores import StateChallengeStore, StateFingerprintStore
from enrollment.services.trust import TrustStoreCache


class EnrollmentServices:
    def __init__(self, idp, config: EnrollmentConfig):
        self.idp = idp
        self.config = config
        self.cipher = BiometricCipher.from_config(
            config.biometric_key, lambda: idp.settings.key_encryption_key or dev_secret(idp.db, "key_encryption_key"))
        self.trust = TrustStoreCache(config.csca_dir)
        self.limiter = RateLimiter(idp.state)
        self._liveness: LivenessService | None = None
        try:  # checked at start-up; the service itself (face models) is built on first use
            require_minimum(self.biometrics_settings(), config.environment)
        except BiometricsError as exc:
            raise ConfigError(f"IDP_BIOMETRICS_*: {exc}") from None

    def biometrics_settings(self) -> BiometricsSettings:
        """Library defaults, the engine named by IDP_LIVENESS_ENGINE, a frame
        fingerprint key derived from the server secret, and any
        `IDP_BIOMETRICS_<FIELD>` override (docs/biometrics-liveness.md)."""
        base = BiometricsSettings.from_mapping(
            {k: v for k, v in os.environ.items() if k.startswith("IDP_BIOMETRICS_")}, prefix="IDP_BIOMETRICS_")
        return base.replace(liveness_engine=self.config.liveness_engine,
                            fingerprint_key=self.idp.mac_key("enrollment-frame-fingerprints"))

    @property
    def liveness(self) -> LivenessService:
        if self._liveness is None:
            self._liveness = LivenessService(self.biometrics_settings(),
                                             challenge_store=StateChallengeStore(self.idp.state),
                                             fingerprint_store=StateFingerprintStore(self.idp.state),
                                             environment=self.config.environment)
        return self._liveness

    @liveness.setter
    def liveness(self, service: LivenessService) -> None:
        self._liveness = service
