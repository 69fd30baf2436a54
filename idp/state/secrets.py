"""Development secrets that persist across restarts.

In development an empty ``IDP_KEY_ENCRYPTION_KEY`` or ``IDP_PAIRWISE_SALT`` is
generated once and kept in the database so keys and subject identifiers stay
stable; configuration validation refuses this in production.
"""
from __future__ import annotations

import secrets

from cryptography.fernet import Fernet
from sqlalchemy.exc import IntegrityError

from idp.db import Database
from idp.state.models import ServerSecret

GENERATORS = {
    "key_encryption_key": lambda: Fernet.generate_key().decode(),
    "pairwise_salt": lambda: secrets.token_urlsafe(32),
    "secret_key": lambda: secrets.token_urlsafe(32),
}


def dev_secret(database: Database, name: str) -> str:
    with database.transaction() as s:
        row = s.get(ServerSecret, name)
        if row:
            return row.value
    value = GENERATORS[name]()
    try:
        with database.transaction() as s:
            s.add(ServerSecret(name=name, value=value))
    except IntegrityError:  # another instance won the race
        with database.transaction() as s:
            return s.get(ServerSecret, name).value
    return value
