"""Building the app (and its services) for CLI commands."""
from __future__ import annotations

import functools
import json

import click


def app_services():
    from idp.app import create_app

    app = create_app()
    return app, app.extensions["idp"]


def emit(data, as_json: bool, text: str | None = None) -> None:
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    else:
        click.echo(text if text is not None else data)


def fail_cleanly(func):
    """Turn domain errors into a one-line message and exit code 2."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (ValueError, LookupError) as exc:
            raise click.ClickException(str(exc)) from None
    return wrapper
