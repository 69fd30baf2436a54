import sys

import click

from idp.cli.context import app_services, emit, fail_cleanly


@click.group()
def clients() -> None:
    """Relying parties."""


@clients.command("create")
@click.option("--name", required=True)
@click.option("--redirect-uri", "redirect_uris", multiple=True, required=True, help="Repeat for several.")
@click.option("--public", is_flag=True, help="Public client (auth method none, PKCE required).")
@click.option("--auth-method", type=click.Choice(["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]))
@click.option("--scope", "scopes", multiple=True, help="Allowed scope; repeat. Default: openid profile.")
@click.option("--subject-type", type=click.Choice(["pairwise", "public"]), default="pairwise", show_default=True)
@click.option("--alg", type=click.Choice(["ES256", "RS256"]), default="ES256", show_default=True)
@click.option("--post-logout-redirect-uri", "logout_uris", multiple=True)
@click.option("--backchannel-logout-uri")
@click.option("--jwks", help="Client public JWKS (JSON) for private_key_jwt.")
@click.option("--no-pkce", is_flag=True, help="Confidential client that may omit PKCE.")
@click.option("--introspection", is_flag=True, help="Allow this client to use token introspection.")
@click.option("--client-id", help="Choose the client id (default: random); a portal moving from today's "
              "id.gov.uz keeps its own.")
@click.option("--profile", type=click.Choice(["oidc", "oneid-legacy", "fapi2"]), default="oidc", show_default=True,
              help="oneid-legacy: today's id.gov.uz protocol at /sso/oauth/Authorization.do; fapi2: FAPI 2.0 "
              "(PAR, DPoP, private_key_jwt).")
@click.option("--secret-stdin", is_flag=True, help="Read the client's existing secret from standard input "
              "(oneid-legacy clients moving here keep their secret).")
@click.option("--json", "as_json", is_flag=True)
@fail_cleanly
def create(name, redirect_uris, public, auth_method, scopes, subject_type, alg, logout_uris,
           backchannel_logout_uri, jwks, no_pkce, introspection, client_id, profile, secret_stdin, as_json):
    """Register a client; prints its id and (once) its secret."""
    from oidc.clients import create_client, describe

    secret = sys.stdin.readline().strip() if secret_stdin else None
    profile = profile.replace("-", "_")
    _app, idp = app_services()
    with idp.db.transaction() as s:
        new = create_client(s, name=name, redirect_uris=list(redirect_uris), public=public, auth_method=auth_method,
                            scopes=list(scopes) or None, subject_type=subject_type, alg=alg,
                            post_logout_redirect_uris=list(logout_uris), backchannel_logout_uri=backchannel_logout_uri,
                            jwks=jwks, require_pkce=None if profile == "oneid_legacy" else not no_pkce,
                            can_introspect=introspection, client_id=client_id,
                            production=idp.settings.production, profile=profile, client_secret=secret)
        data = describe(new.client) | {"client_secret": new.secret}
    secret_text = "(the one given)" if secret else (data["client_secret"] or "(none)")
    emit(data | ({"client_secret": None} if secret else {}), as_json,
         f"client_id: {data['client_id']}\nclient_secret: {secret_text}")


@clients.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_(as_json):
    """List clients."""
    from oidc.clients import describe, list_clients

    _app, idp = app_services()
    with idp.db.transaction() as s:
        rows = [describe(c) for c in list_clients(s)]
    emit(rows, as_json, "\n".join(f"{r['client_id']}\t{r['name']}\t{r['token_endpoint_auth_method']}" for r in rows))


@clients.command("show")
@click.argument("client_id")
@click.option("--json", "as_json", is_flag=True)
@fail_cleanly
def show(client_id, as_json):
    """Show one client."""
    from oidc.clients import describe
    from oidc.models import Client

    _app, idp = app_services()
    with idp.db.transaction() as s:
        client = s.get(Client, client_id)
        if client is None:
            raise LookupError(f"no client {client_id}")
        data = describe(client)
    emit(data, as_json, "\n".join(f"{k}: {v}" for k, v in data.items()))


@clients.command("delete")
@click.argument("client_id")
@click.option("--json", "as_json", is_flag=True)
@fail_cleanly
def delete(client_id, as_json):
    """Delete a client with its codes, tokens and consents."""
    from oidc.clients import delete_client

    _app, idp = app_services()
    with idp.db.transaction() as s:
        if not delete_client(s, client_id):
            raise LookupError(f"no client {client_id}")
    emit({"deleted": client_id}, as_json, f"deleted {client_id}")
