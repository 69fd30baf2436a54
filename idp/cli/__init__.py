"""The `idp` command: operators script these, so every command takes its
input as options and can print JSON."""
from __future__ import annotations

import importlib

import click

from idp.cli import clients, db, demo, keys, misc, users

GROUPS = [db.db, clients.clients, keys.keys, users.users, misc.audit, misc.config, demo.demo, demo.serve]
# Groups owned by library packages; mounted when present.
OPTIONAL = [("nfc.cli", "csca"), ("idp.esign.cli", "esign"), ("enrollment.cli", "enrollment"),
            ("consular.cli", "consulates_group"), ("consular.cli", "officers_group"), ("consular.cli", "consular_group")]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """OneID identity provider."""


for command in GROUPS:
    main.add_command(command)
for module, name in OPTIONAL:
    try:
        main.add_command(getattr(importlib.import_module(module), name))
    except (ImportError, AttributeError):
        pass
