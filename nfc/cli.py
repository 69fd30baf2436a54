"""``csca`` command group (mounted by the main CLI as ``idp csca``): manage
the CSCA trust store that passive authentication uses.

The store directory comes from ``--store`` or IDP_CSCA_DIR (default
./var/csca)."""

from __future__ import annotations

import json

import click

from .errors import NfcError
from .trust.directory import CscaDirectory

DEFAULT_STORE = "./var/csca"


@click.group("csca")
@click.option("--store", type=click.Path(file_okay=False), envvar="IDP_CSCA_DIR",
              default=DEFAULT_STORE, show_default=True,
              help="trust store directory (or IDP_CSCA_DIR)")
@click.pass_context
def csca(ctx: click.Context, store: str) -> None:
    """Country signing CA certificates trusted for passport verification."""
    ctx.obj = CscaDirectory(store)


@csca.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--pin", "pins", multiple=True, metavar="SHA256",
              help="fingerprint of the CSCA (or signer) a master list must chain to, when "
                   "that CSCA is not yet in the store; check it out of band")
@click.pass_obj
def import_(store: CscaDirectory, file: str, pins: tuple[str, ...]) -> None:
    """Import a master list, a PEM/DER certificate or a CRL.

    CA certificates become trust anchors; a document signer certificate is
    kept for passports whose EF.SOD does not embed it (never a trust anchor).
    """
    try:
        result = store.import_file(file, pinned_fingerprints=pins)
    except NfcError as exc:
        raise click.ClickException(f"{exc.code}: {exc}") from exc
    for message in result.messages:
        click.echo(message)
    click.echo(f"{result.kind}: {len(result.added)} added, {result.already_present} already "
               f"present, {result.skipped} skipped")
    for fp in result.added:
        click.echo(f"  + {fp}")


@csca.command("list")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.pass_obj
def list_(store: CscaDirectory, as_json: bool) -> None:
    """List trusted CSCA certificates and CRLs."""
    try:
        entries = store.entries()
    except NfcError as exc:
        raise click.ClickException(f"{exc.code}: {exc}") from exc
    if as_json:
        click.echo(json.dumps([e.as_dict() for e in entries], indent=2))
        return
    if not entries:
        click.echo(f"no CSCA certificates in {store.path}")
        return
    for e in entries:
        if e.kind in ("csca", "dsc"):
            test = " [TEST]" if e.test_material else ""
            click.echo(f"{e.kind.upper()} {e.country or '??'}  {e.not_before[:10]} .. "
                       f"{e.not_after[:10]}  {e.fingerprint[:16]}  {e.subject}{test}")
        else:
            click.echo(f"CRL       {e.not_before[:10]} .. {(e.not_after or '')[:10]}  "
                       f"{e.fingerprint[:16]}  {e.subject} ({e.revoked_count} revoked)")
