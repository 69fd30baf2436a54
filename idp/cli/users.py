import datetime as dt
import sys

import click

from idp.cli.context import app_services, emit, fail_cleanly


@click.group()
def users() -> None:
    """People and accounts."""


@users.command("create")
@click.option("--pinfl", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--given-name", default="")
@click.option("--family-name", default="")
@click.option("--patronymic")
@click.option("--birth-date", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--sex", type=click.Choice(["M", "F"]))
@click.option("--email", help="A verified e-mail address (also a login identifier).")
@click.option("--document-number")
@click.option("--identity-level", type=click.Choice(["low", "substantial", "high"]), default="low", show_default=True)
@click.option("--non-resident", is_flag=True)
@click.option("--locale", type=click.Choice(["uz", "ru", "en"]), default="uz", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@fail_cleanly
def create(pinfl, password_stdin, given_name, family_name, patronymic, birth_date, sex, email, document_number,
           identity_level, non_resident, locale, as_json):
    """Create a person with an account."""
    from idp.people.services import create_user

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    _app, idp = app_services()
    with idp.db.transaction() as s:
        account = create_user(s, idp.passwords, pinfl=pinfl, password=password, given_name=given_name,
                              family_name=family_name, patronymic=patronymic,
                              birth_date=birth_date.date() if isinstance(birth_date, dt.datetime) else None,
                              sex=sex, email=email, document_number=document_number, identity_level=identity_level,
                              residency="non_resident" if non_resident else "resident", locale=locale)
        data = {"account_id": account.id, "pinfl": pinfl, "identity_level": identity_level,
                "has_password": password is not None}
    emit(data, as_json, f"account {data['account_id']} for PINFL {pinfl}")
