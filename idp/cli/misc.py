import click

from idp.cli.context import app_services, emit


@click.group()
def audit() -> None:
    """The audit log."""


@audit.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--no-seal", is_flag=True, help="Check only; do not seal records written since the last head first.")
def verify(as_json, no_seal):
    """Check the audit log: the old hash chain, every record, every signed tree
    head and the consistency between heads; name the first bad record."""
    from idp.audit.log import seal, verify as run
    from idp.audit.signing import key_resolver, signer

    _app, idp = app_services()
    if not no_seal:
        with idp.db.transaction() as s:
            seal(s, signer(idp.keys))
    with idp.db.transaction() as s:
        report = run(s, key_resolver(s))
    ok_text = f"ok: {report.checked} records under {report.heads} signed tree heads"
    if report.pending:
        ok_text += f", {report.pending} written since the last head"
    emit(report.__dict__, as_json, ok_text if report.ok
         else f"BROKEN ({report.reason}) at record {report.first_bad_seq} after {report.checked} good records")
    if not report.ok:
        raise SystemExit(1)


@audit.command()
@click.option("--json", "as_json", is_flag=True)
def seal(as_json):
    """Put new records in the Merkle tree and sign a tree head now."""
    from idp.audit.log import seal as run
    from idp.audit.signing import signer

    _app, idp = app_services()
    with idp.db.transaction() as s:
        head = run(s, signer(idp.keys))
        result = {"tree_size": head.tree_size, "root_hash": head.root_hash} if head else {"tree_size": None}
    emit(result, as_json, f"sealed: tree size {result['tree_size']}" if head else "nothing new to seal")


@audit.command()
@click.argument("seq", type=int)
def proof(seq):
    """The inclusion proof of one record in the latest signed tree head (JSON)."""
    from idp.audit.log import inclusion_proof

    _app, idp = app_services()
    with idp.db.transaction() as s:
        result = inclusion_proof(s, seq)
    if result is None:
        raise click.ClickException("record not found or not sealed yet (run `idp audit seal`)")
    emit(result, True, "")


@click.command()
@click.option("--markdown", is_flag=True, help="Print the reference table of settings.")
@click.option("--json", "as_json", is_flag=True)
def config(markdown, as_json):
    """Show the effective configuration (secrets redacted) or its reference."""
    from idp.config import load_settings, reference_markdown

    if markdown:
        click.echo(reference_markdown())
        return
    emit(load_settings().redacted(), as_json or True)
