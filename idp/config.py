"""Typed, validated settings read from ``IDP_*`` environment variables.

Every setting is declared once in ``SETTINGS`` with its type, default and help
text; the README's configuration reference is generated from the same table
(``idp config --markdown``). Unsafe development defaults are refused when
``IDP_ENV=production``.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ConfigError(ValueError):
    """A setting is missing, malformed or unsafe for the environment."""


@dataclass(frozen=True)
class Setting:
    name: str
    parse: Callable[[str], Any]
    default: Any
    help: str
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("ENV", str, "development", "`development`, `test` or `production`; production refuses dev defaults."),
    Setting("ISSUER", str, "http://localhost:5000", "Public issuer URL (scheme, host, optional path); must be https in production."),
    Setting("DATABASE_URL", str, "sqlite:///var/idp.sqlite", "SQLAlchemy URL; `postgresql+psycopg://user@host/db` in production."),
    Setting("REDIS_URL", str, "", "Redis URL for short-lived state and rate limits; required when more than one instance runs."),
    Setting("REGISTRY_URL", str, "", "Base URL of the population register's JSON API; empty uses the embedded demo register (refused in production)."),
    Setting("SECRET_KEY", str, "", "Secret for session cookies and CSRF tokens (32+ random bytes). Generated once and kept in the database when empty (dev only).", secret=True),
    Setting("KEY_ENCRYPTION_KEY", str, "", "Base64 Fernet key that encrypts signing keys at rest. Generated once and kept in the database when empty (dev only).", secret=True),
    Setting("DEFAULT_LOCALE", str, "uz", "Default UI language: `uz`, `uz_Cyrl`, `ru` or `en`."),
    Setting("TIMEZONE", str, "Asia/Tashkent", "IANA time zone in which pages show dates and times when the account has none."),
    Setting("SESSION_LIFETIME", int, 8 * 3600, "Login session lifetime in seconds (absolute)."),
    Setting("SESSION_IDLE_TIMEOUT", int, 30 * 60, "Login session idle timeout in seconds."),
    Setting("CODE_LIFETIME", int, 60, "Authorization code lifetime in seconds."),
    Setting("ACCESS_TOKEN_LIFETIME", int, 600, "Access token lifetime in seconds."),
    Setting("ID_TOKEN_LIFETIME", int, 600, "ID token lifetime in seconds."),
    Setting("REFRESH_TOKEN_LIFETIME", int, 30 * 24 * 3600, "Refresh token family lifetime in seconds."),
    Setting("CLIENT_ASSERTION_MAX_LIFETIME", int, 300, "Longest lifetime in seconds (`exp` - `iat`) of a `private_key_jwt` client assertion; longer ones are refused."),
    Setting("ARGON2_TIME_COST", int, 3, "argon2id iterations."),
    Setting("ARGON2_MEMORY_KIB", int, 65536, "argon2id memory in KiB (64 MiB)."),
    Setting("ARGON2_PARALLELISM", int, 1, "argon2id lanes."),
    Setting("RATELIMIT_LOGIN", str, "10/minute;100/hour", "Limits on login and sign-up form posts per client address and page (`N/second|minute|hour|day`, several separated by `;`)."),
    Setting("RATELIMIT_TOKEN", str, "6000/minute", "Limits on token, revocation and introspection requests per authenticated client (a public client: per client and address)."),
    Setting("RATELIMIT_CLIENTS", str, "", "Per-client overrides of `IDP_RATELIMIT_TOKEN`: `client_id=limits` entries separated by spaces, e.g. `a1b2=100/second;100000/hour`."),
    Setting("RATELIMIT_CLIENT_AUTH", str, "20/minute;200/hour", "Limits on failed client authentications per client address at the token, revocation and introspection endpoints."),
    Setting("INSTANCES", int, 1, "How many instances (hosts or containers) serve this IdP; more than one, or `idp serve --workers` above 1, needs `IDP_REDIS_URL` in production."),
    Setting("PAIRWISE_SALT", str, "", "Secret salt for pairwise subject identifiers. Generated and stored in the database when empty (dev only).", secret=True),
    Setting("TRUSTED_PROXIES", int, 0, "Number of reverse proxies in front (for X-Forwarded-For/Proto)."),
    Setting("DEMO_PORTAL_URL", str, "http://localhost:5001", "Where `idp demo` serves the demo relying party."),
    Setting("AUDIT_SEAL_INTERVAL", float, 5.0, "Seconds between audit seals: new audit records are put in the Merkle tree and a signed tree head is written (0 turns the background sealer off; `idp audit seal` seals on demand)."),
    Setting("KEY_ROTATION_OVERLAP", int, 24 * 3600, "Seconds a retired signing key stays published after rotation."),
    Setting("SMTP_URL", str, "", "SMTP server for e-mail, `smtp://user:password@host:587` (STARTTLS) or `smtps://host:465`; empty uses the development outbox."),
    Setting("MAIL_FROM", str, "OneID <no-reply@id.gov.uz>", "Sender address of e-mail."),
    Setting("SMS_GATEWAY_URL", str, "", "SMS gateway endpoint (JSON POST); empty uses the development outbox (no SMS in production)."),
    Setting("SMS_GATEWAY_TOKEN", str, "", "Bearer token for the SMS gateway.", secret=True),
    Setting("ESIGN_TRUST_ANCHORS", str, "", "Trusted national CA certificate file(s) or folder(s) for e-signature login (comma-separated); empty disables e-signature login. `idp demo` uses its demo CA."),
    Setting("ESIGN_INTERMEDIATES", str, "", "Intermediate CA certificates for e-signature chains (comma-separated files or folders)."),
    Setting("ESIGN_CRLS", str, "", "CRL files or folders for e-signature certificates; re-read when they change."),
    Setting("ESIGN_OCSP", str, "true", "Ask the OCSP responder a certificate names (true/false)."),
    Setting("ESIGN_OCSP_TIMEOUT", str, "3.0", "OCSP request timeout in seconds."),
    Setting("ESIGN_REQUIRE_REVOCATION", str, "true", "Refuse a certificate whose revocation status cannot be established."),
    Setting("WEBAUTHN_RP_ID", str, "", "WebAuthn relying party ID for passkeys; default: the issuer's host name."),
    Setting("WEBAUTHN_ORIGINS", str, "", "Comma-separated origins allowed in passkey ceremonies; default: the issuer's origin."),
    Setting("CSCA_DIR", str, "var/csca", "CSCA trust store for passport chips (`idp csca import`); re-read when it changes."),
    Setting("ENROLLMENT_AUTO_APPROVE", str, "false", "Approve remote enrollments whose every check passed clearly, without an officer (`true`/`false`); false sends every case to review."),
    Setting("ENROLLMENT_LEVELS", str, "passport=substantial register_photo=substantial", "Identity assurance level an approved remote enrollment gives, per route: `route=level` pairs separated by spaces; routes `passport` (chip) and `register_photo` (selfie against the register's photo), levels `low` or `substantial`."),
    Setting("ENROLLMENT_CASE_LIFETIME_DAYS", int, 14, "Days an unfinished enrollment case stays open after its last activity."),
    Setting("ENROLLMENT_CHIP_ATTEMPTS", int, 5, "Chip readings a case may upload before it must continue at a consulate."),
    Setting("ENROLLMENT_SELFIE_ATTEMPTS", int, 3, "Selfie challenges a case may be given (each new challenge costs one; a check the engine could not run gives it back) before it must continue at a consulate."),
    Setting("BIOMETRIC_RETENTION_DAYS", int, 30, "Days chip portraits and selfie frames are kept after a case's decision (`idp enrollment purge`); scores and reasons stay."),
    Setting("BIOMETRIC_ENCRYPTION_KEY", str, "", "Base64 Fernet key for biometric data at rest; empty derives one from IDP_KEY_ENCRYPTION_KEY with HKDF.", secret=True),
    Setting("LIVENESS_ENGINE", str, "dlib", "Liveness engine for the selfie check: `dlib` (built in) or `test` (fixed answer; refused in production). `idp demo` uses `test`."),
    Setting("CONSULAR_SESSION_LIFETIME", int, 2 * 3600, "Seconds an officer's portal session lasts after the passkey login (absolute); then the officer proves the passkey again."),
    Setting("CONSULAR_IDLE_TIMEOUT", int, 15 * 60, "Seconds without a request after which the consular portal asks the officer for the passkey again."),
    Setting("CONSULAR_REVIEW_TARGET_HOURS", int, 72, "Service-level target for remote cases: hours from submission to an officer's decision (queue age filters)."),
    Setting("CONSULAR_REMINDER_HOURS", int, 24, "`idp consular send-reminders` e-mails the appointments that start within this many hours."),
    Setting("GEOIP_DATABASE", str, "auto", "IP-to-city database (.mmdb) that names the city of each login session in the cabinet's device list; `auto`: DB-IP's City Lite database of the optional `geoip` install when present; empty turns places off. Read offline; addresses are neither kept nor logged."),
    Setting("LOG_LEVEL", str, "INFO", "Python log level."),
    Setting("LOG_FORMAT", str, "auto", "`text`, `json` (one object per line, with the request id), or `auto`: json in production, text otherwise."),
    Setting("METRICS_TOKEN", str, "", "Bearer token that /metrics requires; empty leaves /metrics open (keep it off the public network).", secret=True),
)

_BY_NAME = {s.name: s for s in SETTINGS}
LOCALES = ("uz", "uz_Cyrl", "ru", "en")
ENVIRONMENTS = ("development", "test", "production")


@dataclass(frozen=True)
class Settings:
    """The validated settings of one application instance."""

    values: dict[str, Any] = field(default_factory=dict)
    generated: frozenset[str] = frozenset()

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name.upper()]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def webauthn_rp(self) -> tuple[str, tuple[str, ...]]:
        """(RP ID, allowed origins) for passkeys."""
        issuer = urlsplit(self.values["ISSUER"])
        rp_id = self.values["WEBAUTHN_RP_ID"] or issuer.hostname or "localhost"
        origins = tuple(o.strip() for o in self.values["WEBAUTHN_ORIGINS"].split(",") if o.strip())
        return rp_id, origins or (f"{issuer.scheme}://{issuer.netloc}",)

    @property
    def production(self) -> bool:
        return self.values["ENV"] == "production"

    def replace(self, **overrides: Any) -> "Settings":
        return load_settings({}, overrides={**self.values, **overrides})

    def redacted(self) -> dict[str, Any]:
        return {k: ("***" if _BY_NAME[k].secret and v else v) for k, v in self.values.items()}


def load_settings(environ: dict[str, str] | None = None, *, overrides: dict[str, Any] | None = None) -> Settings:
    """Read ``IDP_*`` variables, apply ``overrides`` (already typed), validate."""
    environ = os.environ if environ is None else environ
    overrides = {k.upper(): v for k, v in (overrides or {}).items()}
    unknown = set(overrides) - set(_BY_NAME)
    if unknown:
        raise ConfigError(f"unknown settings: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.name in overrides:
            values[setting.name] = overrides[setting.name]
            continue
        raw = environ.get(f"IDP_{setting.name}")
        if raw is None:
            values[setting.name] = setting.default
            continue
        try:
            values[setting.name] = setting.parse(raw)
        except ValueError as exc:
            raise ConfigError(f"IDP_{setting.name}: {exc}") from None
    generated = set()
    if not values["SECRET_KEY"]:
        values["SECRET_KEY"] = secrets.token_urlsafe(32)
        generated.add("SECRET_KEY")
    settings = Settings(values=values, generated=frozenset(generated))
    _validate(settings)
    return settings


def _validate(s: Settings) -> None:
    v = s.values
    if v["ENV"] not in ENVIRONMENTS:
        raise ConfigError(f"IDP_ENV must be one of {', '.join(ENVIRONMENTS)}")
    if v["DEFAULT_LOCALE"] not in LOCALES:
        raise ConfigError(f"IDP_DEFAULT_LOCALE must be one of {', '.join(LOCALES)}")
    try:
        ZoneInfo(v["TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"IDP_TIMEZONE is not a known IANA time zone: {v['TIMEZONE']!r}") from None
    issuer = urlsplit(v["ISSUER"])
    if issuer.scheme not in ("http", "https") or not issuer.netloc or issuer.query or issuer.fragment:
        raise ConfigError("IDP_ISSUER must be an absolute http(s) URL without query or fragment")
    if v["ISSUER"].endswith("/"):
        raise ConfigError("IDP_ISSUER must not end with a slash")
    for name in ("SESSION_LIFETIME", "SESSION_IDLE_TIMEOUT", "CODE_LIFETIME", "ACCESS_TOKEN_LIFETIME",
                 "ID_TOKEN_LIFETIME", "REFRESH_TOKEN_LIFETIME", "CLIENT_ASSERTION_MAX_LIFETIME", "ARGON2_TIME_COST", "ARGON2_MEMORY_KIB",
                 "ARGON2_PARALLELISM", "KEY_ROTATION_OVERLAP"):
        if v[name] <= 0:
            raise ConfigError(f"IDP_{name} must be positive")
    if v["CODE_LIFETIME"] > 600:
        raise ConfigError("IDP_CODE_LIFETIME must be at most 600 seconds (RFC 6749 section 4.1.2)")
    if v["ARGON2_MEMORY_KIB"] < 8 * v["ARGON2_PARALLELISM"]:
        raise ConfigError("IDP_ARGON2_MEMORY_KIB must be at least 8 x parallelism")
    _validate_limits(v)
    if s.production:
        problems = []
        if "SECRET_KEY" in s.generated or len(v["SECRET_KEY"]) < 32:
            problems.append("IDP_SECRET_KEY must be set to 32+ random characters")
        if not v["KEY_ENCRYPTION_KEY"]:
            problems.append("IDP_KEY_ENCRYPTION_KEY must be set")
        if not v["PAIRWISE_SALT"]:
            problems.append("IDP_PAIRWISE_SALT must be set")
        if issuer.scheme != "https":
            problems.append("IDP_ISSUER must use https")
        if v["DATABASE_URL"].startswith("sqlite"):
            problems.append("IDP_DATABASE_URL must point to PostgreSQL, not SQLite")
        if not v["SMTP_URL"]:
            problems.append("IDP_SMTP_URL must be set (the e-mail outbox is for development)")
        if not v["REGISTRY_URL"]:
            problems.append("IDP_REGISTRY_URL must point to the population register")
        if v["ARGON2_MEMORY_KIB"] < 19456:
            problems.append("IDP_ARGON2_MEMORY_KIB below the OWASP minimum of 19456")
        if v["INSTANCES"] > 1 and not v["REDIS_URL"]:
            problems.append("IDP_REDIS_URL must be set when IDP_INSTANCES is above 1 (shared limits and state)")
        if problems:
            raise ConfigError("refusing to start in production: " + "; ".join(problems))


def _validate_limits(v: dict[str, Any]) -> None:
    from idp.ratelimit import parse_client_limits, parse_limits

    for name in ("RATELIMIT_LOGIN", "RATELIMIT_TOKEN", "RATELIMIT_CLIENT_AUTH"):
        try:
            parse_limits(v[name])
        except ValueError:
            raise ConfigError(f"IDP_{name}: expected limits like 10/minute;100/hour, got {v[name]!r}") from None
    try:
        parse_client_limits(v["RATELIMIT_CLIENTS"])
    except ValueError as exc:
        raise ConfigError(f"IDP_RATELIMIT_CLIENTS: {exc}") from None
    if v["INSTANCES"] < 1:
        raise ConfigError("IDP_INSTANCES must be at least 1")


def check_workers(settings: Settings, workers: int) -> None:
    """Refuse, in production, more than one process without a shared store:
    rate limits and short-lived state must be shared (ConfigError)."""
    if settings.production and not settings.redis_url and workers * settings.instances > 1:
        raise ConfigError(f"refusing to start in production: {workers} workers x {settings.instances} instances "
                          "need IDP_REDIS_URL (shared limits and state); set it, or serve with --workers 1")


def reference_markdown() -> str:
    """The configuration reference table used in the README."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for s in SETTINGS:
        default = "(empty)" if s.default in ("", None) else f"`{s.default}`"
        rows.append(f"| `IDP_{s.name}` | {default} | {s.help} |")
    return "\n".join(rows)


__all__ = ["ConfigError", "LOCALES", "SETTINGS", "Settings", "check_workers", "load_settings", "reference_markdown"]
