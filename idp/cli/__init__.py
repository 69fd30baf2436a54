"""The `idp` command: operators script these, so every command takes its
input as options and can print JSON. Each package owns its command group;
this is the one place that mounts them all."""
from __future__ import annotations

import click

from consular.cli import consular_group, consulates_group, officers_group
from enrollment.cli import enrollment
from idp.cli import clients, db, demo, keys, misc, users
from idp.esign.cli import esign
from nfc.cli import csca

GROUPS = [db.db, clients.clients, keys.keys, users.users, misc.audit, misc.config, demo.demo, demo.serve,
          csca, esign, enrollment, consulates_group, officers_group, consular_group]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """OneID identity provider."""


for command in GROUPS:
    main.add_command(command)
