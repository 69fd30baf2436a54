"""Consular settings, read once from the application's typed settings
(idp/config.py, the `IDP_CONSULAR_*` block) and validated at start-up."""
from __future__ import annotations

from dataclasses import dataclass

from idp.config import ConfigError

# Fixed by policy rather than configuration (docs/consular.md).
ACTIVATION_CODE_HOURS = 72  # a printed activation code is valid this long
SLOT_HORIZON_DAYS = 90  # how far ahead citizens may book
MAX_PHOTO_BYTES = 8 * 1024 * 1024  # a desk photo upload
MAX_READER_UPLOAD = 2 * 1024 * 1024 + 4096  # nfc upload limit plus headers
READER_TOKEN_TTL = 15 * 60  # a desk reader hand-over stays usable this long
CHIP_NONCE_TTL = 5 * 60


@dataclass(frozen=True)
class ConsularConfig:
    session_lifetime: int
    idle_timeout: int
    review_target_hours: int
    reminder_hours: int
    retention_days: int
    environment: str
    issuer: str

    @classmethod
    def from_settings(cls, settings) -> "ConsularConfig":
        v = settings.values
        config = cls(session_lifetime=int(v["CONSULAR_SESSION_LIFETIME"]),
                     idle_timeout=int(v["CONSULAR_IDLE_TIMEOUT"]),
                     review_target_hours=int(v["CONSULAR_REVIEW_TARGET_HOURS"]),
                     reminder_hours=int(v["CONSULAR_REMINDER_HOURS"]),
                     retention_days=int(v["BIOMETRIC_RETENTION_DAYS"]),
                     environment=v["ENV"], issuer=v["ISSUER"])
        config.validate()
        return config

    def validate(self) -> None:
        if not 60 <= self.idle_timeout <= self.session_lifetime:
            raise ConfigError("IDP_CONSULAR_IDLE_TIMEOUT must be at least 60 s and at most the session lifetime")
        if self.session_lifetime > 12 * 3600:
            raise ConfigError("IDP_CONSULAR_SESSION_LIFETIME must be at most 12 hours (officer sessions are short)")
        if self.review_target_hours < 1:
            raise ConfigError("IDP_CONSULAR_REVIEW_TARGET_HOURS must be at least 1")
        if not 1 <= self.reminder_hours <= 168:
            raise ConfigError("IDP_CONSULAR_REMINDER_HOURS must be between 1 and 168")
