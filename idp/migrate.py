"""Database migrations with Alembic (`idp db upgrade`)."""
from __future__ import annotations

import os

from alembic import command
from alembic.config import Config

HERE = os.path.dirname(os.path.abspath(__file__))


def alembic_config(url: str, connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", os.path.join(HERE, "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(database, revision: str = "head") -> None:
    with database.engine.begin() as connection:
        command.upgrade(alembic_config(database.url, connection), revision)


def revision(database, message: str) -> None:
    command.revision(alembic_config(database.url), message=message, autogenerate=True)
