"""`idp backchannel ...`: the record of back-channel logout deliveries."""
from __future__ import annotations

from collections import Counter

import click

from idp.cli.context import app_services, emit


@click.group("backchannel")
def backchannel() -> None:
    """Back-channel logout deliveries to relying parties."""


@backchannel.command("retry")
@click.option("--json", "as_json", is_flag=True)
def retry(as_json):
    """Send once more every logout token that was not delivered (failed, or
    pending and held by no running server), in parallel."""
    from oidc.delivery import Policy, retry_all

    _app, idp = app_services()
    outcomes = retry_all(idp, policy=Policy())
    summary = Counter(o.status for o in outcomes)
    errors = Counter(f"{o.client_id}: {o.error}" for o in outcomes if o.error)
    data = {"attempted": len(outcomes), **summary, "errors": dict(errors)}
    lines = [f"attempted: {len(outcomes)}"] + [f"{k}: {v}" for k, v in sorted(summary.items())]
    lines += [f"  {k} x{v}" for k, v in sorted(errors.items())]
    emit(data, as_json, "\n".join(lines))
    if summary.get("failed"):
        raise SystemExit(1)


@backchannel.command("status")
@click.option("--json", "as_json", is_flag=True)
def status(as_json):
    """Deliveries per client and status."""
    from oidc.delivery import counts

    _app, idp = app_services()
    with idp.db.transaction() as session:
        table = counts(session)
    text = "\n".join(f"{client}: " + ", ".join(f"{k} {v}" for k, v in sorted(row.items()))
                     for client, row in sorted(table.items())) or "no deliveries"
    emit(table, as_json, text)


@backchannel.command("purge")
@click.option("--days", default=30, show_default=True, type=click.IntRange(min=1),
              help="Keep the record of deliveries younger than this.")
@click.option("--json", "as_json", is_flag=True)
def purge(days, as_json):
    """Forget delivered and failed deliveries older than --days; pending ones stay."""
    import datetime as dt

    from oidc.delivery import purge as purge_deliveries

    _app, idp = app_services()
    with idp.db.transaction() as session:
        removed = purge_deliveries(session, older_than=dt.timedelta(days=days))
    emit({"removed": removed}, as_json, f"removed: {removed}")
