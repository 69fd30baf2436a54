"""The `idp` command: operators script these, so every command takes its
input as options and can print JSON. Each package owns its command group;
this is the one place that mounts them all. Package groups load when they
are used (they import `idp.cli.context`, so importing them here would be
circular)."""
from __future__ import annotations

import importlib

import click

from idp.cli import clients, db, demo, keys, misc, users

GROUPS = [db.db, clients.clients, keys.keys, users.users, misc.audit, misc.config, demo.demo, demo.serve]
PACKAGE_GROUPS = {
    "csca": ("nfc.cli", "csca"),
    "esign": ("idp.esign.cli", "esign"),
    "backchannel": ("oidc.cli", "backchannel"),
    "enrollment": ("enrollment.cli", "enrollment"),
    "consulates": ("consular.cli", "consulates_group"),
    "officers": ("consular.cli", "officers_group"),
    "consular": ("consular.cli", "consular_group"),
    "cabinet": ("idp.cabinet.cli", "cabinet"),
}


class IdpGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(PACKAGE_GROUPS))

    def get_command(self, ctx, name):
        if name in PACKAGE_GROUPS:
            module, attr = PACKAGE_GROUPS[name]
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)


@click.group(cls=IdpGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """OneID identity provider."""


for command in GROUPS:
    main.add_command(command)
