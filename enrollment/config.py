"""Enrollment settings, read once from the application's typed settings
(idp/config.py, the `IDP_CSCA_DIR` .. `IDP_LIVENESS_ENGINE` block) and
validated at start-up: a bad value stops `create_app`, not an enrollment."""
from __future__ import annotations

from dataclasses import dataclass

from idp.config import ConfigError

TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")
ENGINES_REFUSED_IN_PRODUCTION = ("test",)

# Fixed limits (not worth a setting each; see docs/enrollment.md).
READER_TOKEN_TTL = 15 * 60  # a QR code / link stays usable this long
CHIP_NONCE_TTL = 5 * 60  # Active Authentication nonce
MAX_CHIP_UPLOAD = 2 * 1024 * 1024 + 4096  # nfc upload limit plus headers
MAX_SELFIE_UPLOAD = 8 * 1024 * 1024  # at most 30 frames
ACTIVATION_TTL_DAYS = 14


def _flag(value, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ConfigError(f"IDP_{name} must be true or false")


LEVEL_ROUTES = ("passport", "register_photo")
# A remote route never gives "high": that needs an officer who saw the passport in person.
REMOTE_LEVELS = ("low", "substantial")


def parse_levels(text: str) -> dict:
    """`passport=substantial register_photo=substantial` into a mapping;
    a route left out keeps `substantial`."""
    levels = {route: "substantial" for route in LEVEL_ROUTES}
    for item in (text or "").split():
        route, sep, level = item.partition("=")
        if not sep or route not in LEVEL_ROUTES or level not in REMOTE_LEVELS:
            raise ConfigError(f"IDP_ENROLLMENT_LEVELS: {item!r} is not route=level with a route of "
                              f"{', '.join(LEVEL_ROUTES)} and a level of {', '.join(REMOTE_LEVELS)}")
        levels[route] = level
    return levels


@dataclass(frozen=True)
class EnrollmentConfig:
    csca_dir: str
    auto_approve: bool
    case_lifetime_days: int
    chip_attempts: int
    selfie_attempts: int
    retention_days: int
    biometric_key: str
    liveness_engine: str
    environment: str
    issuer: str
    levels: dict = None  # identity level per remote route (IDP_ENROLLMENT_LEVELS)

    @classmethod
    def from_settings(cls, settings) -> "EnrollmentConfig":
        v = settings.values
        config = cls(
            csca_dir=v["CSCA_DIR"],
            auto_approve=_flag(v["ENROLLMENT_AUTO_APPROVE"], "ENROLLMENT_AUTO_APPROVE"),
            case_lifetime_days=int(v["ENROLLMENT_CASE_LIFETIME_DAYS"]),
            chip_attempts=int(v["ENROLLMENT_CHIP_ATTEMPTS"]),
            selfie_attempts=int(v["ENROLLMENT_SELFIE_ATTEMPTS"]),
            retention_days=int(v["BIOMETRIC_RETENTION_DAYS"]),
            biometric_key=v["BIOMETRIC_ENCRYPTION_KEY"],
            liveness_engine=v["LIVENESS_ENGINE"],
            environment=v["ENV"],
            issuer=v["ISSUER"],
            levels=parse_levels(v.get("ENROLLMENT_LEVELS", "")),
        )
        config.validate()
        return config

    @property
    def production(self) -> bool:
        return self.environment == "production"

    def validate(self) -> None:
        for name, value, low in (("ENROLLMENT_CASE_LIFETIME_DAYS", self.case_lifetime_days, 1),
                                 ("ENROLLMENT_CHIP_ATTEMPTS", self.chip_attempts, 1),
                                 ("ENROLLMENT_SELFIE_ATTEMPTS", self.selfie_attempts, 1),
                                 ("BIOMETRIC_RETENTION_DAYS", self.retention_days, 0)):
            if value < low:
                raise ConfigError(f"IDP_{name} must be at least {low}")
        if self.retention_days > 365:
            raise ConfigError("IDP_BIOMETRIC_RETENTION_DAYS must be at most 365 (data minimisation)")
        if not self.liveness_engine:
            raise ConfigError("IDP_LIVENESS_ENGINE must name an engine")
        if self.production and self.liveness_engine in ENGINES_REFUSED_IN_PRODUCTION:
            raise ConfigError(f"refusing to start in production: IDP_LIVENESS_ENGINE={self.liveness_engine} "
                              "is a test double")
