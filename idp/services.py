"""The application's service container, built once per app by `create_app`."""
from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass, field

from idp.auth.codes import OneTimeCodes
from idp.auth.passwords import Passwords
from idp.auth.throttle import Throttler
from idp.auth.sessions import SessionService
from idp.config import Settings
from idp.db import Database
from idp.registry import CitizenRegistry, EmbeddedRegistry, HttpRegistry
from idp.state.secrets import dev_secret
from idp.state.store import StateStore, make_state_store
from oidc.keys import KeyManager


@dataclass
class Idp:
    settings: Settings
    db: Database
    state: StateStore
    passwords: Passwords
    sessions: SessionService
    registry: CitizenRegistry
    keys: KeyManager
    secret_key: str = ""
    oidc_server: object = None
    email: object = None
    sms: object = None
    # Called with (idp, account_id) to revoke everything issued to an account
    # (the OpenID Provider registers its tokens and back-channel logout here).
    account_revocation_hooks: list = field(default_factory=list)

    def revoke_account(self, account_id: str) -> None:
        """End every login session of an account and revoke what it was issued."""
        for hook in self.account_revocation_hooks:
            hook(self, account_id)
        self.sessions.end_all(self.db.session, account_id)

    def mac_key(self, purpose: str) -> bytes:
        """A key for one purpose, derived from the server secret."""
        return hmac.new(self.secret_key.encode(), purpose.encode(), hashlib.sha256).digest()

    @functools.cached_property
    def codes(self) -> OneTimeCodes:
        return OneTimeCodes(self.state, self.mac_key("one-time-codes"))

    @functools.cached_property
    def audit_sealer(self):
        from idp.audit.sealer import Sealer
        from idp.audit.signing import signer

        interval = 0 if self.settings.env == "test" else self.settings.audit_seal_interval
        return Sealer(self.db, signer(self.keys), interval)

    @functools.cached_property
    def throttler(self) -> Throttler:
        return Throttler(self.state)

    def warm(self) -> None:
        """Resolve development secrets now rather than inside a request that
        already holds the SQLite write lock; a no-op before the schema exists."""
        from sqlalchemy.exc import OperationalError, ProgrammingError

        try:
            _ = self.pairwise_salt, self.keys.fernet
        except (OperationalError, ProgrammingError):
            self.db.session.remove()
            self.__dict__.pop("pairwise_salt", None)

    @functools.cached_property
    def places(self):
        """The offline IP-to-city lookup for login sessions' places (`IDP_GEOIP_DATABASE`)."""
        from idp.cabinet.places import PlaceFinder, database_path

        return PlaceFinder(database_path(self.settings.geoip_database))

    @functools.cached_property
    def pairwise_salt(self) -> str:
        return self.settings.pairwise_salt or dev_secret(self.db, "pairwise_salt")


def build_services(settings: Settings, database: Database) -> Idp:
    if settings.registry_url:
        registry: CitizenRegistry = HttpRegistry(settings.registry_url)
    else:
        registry = EmbeddedRegistry(database, environment=settings.env)
    from idp.notify.senders import make_senders

    email, sms = make_senders(settings, database)
    return Idp(
        email=email,
        sms=sms,
        settings=settings,
        db=database,
        state=make_state_store(settings, database),
        passwords=Passwords(time_cost=settings.argon2_time_cost, memory_kib=settings.argon2_memory_kib,
                            parallelism=settings.argon2_parallelism),
        sessions=SessionService(lifetime=settings.session_lifetime, idle_timeout=settings.session_idle_timeout),
        registry=registry,
        keys=KeyManager(lambda: settings.key_encryption_key or dev_secret(database, "key_encryption_key")),
    )
