import click

from idp.cli.context import app_services, emit


@click.group()
def keys() -> None:
    """ID token signing keys."""


@keys.command()
@click.option("--activate-in", default=3600, show_default=True, help="Seconds before the new key signs.")
@click.option("--json", "as_json", is_flag=True)
def rotate(activate_in, as_json):
    """Publish new keys now; they sign after --activate-in; old keys stay published for the overlap."""
    from idp.audit.log import record

    _app, idp = app_services()
    with idp.db.transaction() as s:
        new = idp.keys.rotate(s, activate_in=activate_in, overlap=idp.settings.key_rotation_overlap)
        record(s, "keys.rotated", actor="operator", kids=[k.kid for k in new])
        data = [{"kid": k.kid, "alg": k.alg, "active_from": k.active_from.isoformat()} for k in new]
    emit(data, as_json, "\n".join(f"{d['kid']}\t{d['alg']}\tsigns from {d['active_from']}" for d in data))


@keys.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_(as_json):
    """List keys with their publication and signing windows."""
    from sqlalchemy import select

    from oidc.models import SigningKey

    _app, idp = app_services()
    with idp.db.transaction() as s:
        data = [{"kid": k.kid, "alg": k.alg, "created_at": k.created_at, "active_from": k.active_from,
                 "retired_at": k.retired_at, "unpublish_at": k.unpublish_at}
                for k in s.scalars(select(SigningKey).order_by(SigningKey.created_at))]
    emit(data, as_json, "\n".join(f"{d['kid']}\t{d['alg']}\tactive {d['active_from']:%Y-%m-%d %H:%M}"
                                  f"\tretired {d['retired_at'] or '-'}" for d in data))
