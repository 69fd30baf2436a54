"""`idp cabinet ...`: the cabinet's regular job."""
from __future__ import annotations

import click

from idp.cli.context import app_services, emit


@click.group("cabinet")
def cabinet() -> None:
    """The personal cabinet: requested account deletions."""


@cabinet.command("erase-due")
@click.option("--json", "as_json", is_flag=True)
def erase_due_command(as_json):
    """Erase every account whose deletion waiting period is over (daily);
    then `idp backchannel retry` sends any logout token still pending."""
    from idp.cabinet.deletion import erase_due

    app, idp = app_services()
    with app.app_context():
        erased = erase_due(idp)
        idp.db.session.commit()
    emit({"erased": erased}, as_json, f"erased: {erased}")
