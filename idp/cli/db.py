import click

from idp.cli.context import app_services


@click.group()
def db() -> None:
    """Database schema."""


@db.command()
@click.option("--revision", default="head", show_default=True)
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    from idp.migrate import upgrade as run

    _app, idp = app_services()
    run(idp.db, revision)
    with idp.db.transaction() as s:
        idp.keys.ensure(s)
    click.echo(f"database at {revision}")
