import click

from idp.cli.context import app_services, emit


@click.group()
def audit() -> None:
    """The audit log."""


@audit.command()
@click.option("--json", "as_json", is_flag=True)
def verify(as_json):
    """Check the hash chain of the audit log."""
    from idp.audit.log import verify as run

    _app, idp = app_services()
    with idp.db.transaction() as s:
        report = run(s)
    emit(report.__dict__, as_json, f"ok: {report.checked} records" if report.ok
         else f"BROKEN at record {report.first_bad_seq} after {report.checked} good records")
    if not report.ok:
        raise SystemExit(1)


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
