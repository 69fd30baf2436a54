"""Registering relying parties (operators use `idp clients ...`)."""
from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from idp.audit.log import record
from oidc.claims import SUPPORTED_SCOPES
from oidc.discovery import AUTH_METHODS
from oidc.keys import SUPPORTED_ALGS
from oidc.models import Client, token_hash

PROFILES = ("oidc", "oneid_legacy", "fapi2")
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}$")


class ClientError(ValueError):
    pass


@dataclass(frozen=True)
class NewClient:
    client: Client
    secret: str | None


def _check_uri(uri: str, *, production: bool) -> str:
    parts = urlsplit(uri)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.fragment:
        raise ClientError(f"not an absolute http(s) URI without fragment: {uri}")
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme == "http" and production and not loopback:
        raise ClientError(f"redirect URIs must use https: {uri}")
    return uri


def create_client(session: Session, *, name: str, redirect_uris: list[str], public: bool = False,
                  auth_method: str | None = None, scopes: list[str] | None = None, subject_type: str = "pairwise",
                  alg: str = "ES256", post_logout_redirect_uris: list[str] | None = None,
                  backchannel_logout_uri: str | None = None, jwks: dict | str | None = None,
                  require_pkce: bool | None = None, can_introspect: bool = False, skip_consent: bool = False,
                  client_id: str | None = None, production: bool = False, profile: str = "oidc",
                  client_secret: str | None = None) -> NewClient:
    if profile not in PROFILES:
        raise ClientError(f"profile must be one of {', '.join(PROFILES)}")
    if profile == "oneid_legacy":
        # today's portals: a secret in the form body, no PKCE, and the id and
        # secret they already have (so that only the host name changes)
        if public or auth_method not in (None, "client_secret_post"):
            raise ClientError("a legacy OneID client authenticates with client_secret_post")
        auth_method, require_pkce = "client_secret_post", False
        scopes = scopes or ["openid", "oneid"]
    if profile == "fapi2":
        # FAPI 2.0 Security Profile 5.3.2.1/5.3.3: private_key_jwt (or mTLS), PKCE S256, PAR, DPoP
        if public or auth_method not in (None, "private_key_jwt"):
            raise ClientError("a FAPI 2.0 client authenticates with private_key_jwt")
        auth_method, require_pkce = "private_key_jwt", True
    if client_id is not None and not CLIENT_ID_RE.match(client_id):
        raise ClientError("a client id is 1-64 letters, digits, '.', '_' or '-', and does not start with '-'")
    if client_secret is not None and (profile != "oneid_legacy" or len(client_secret) < 16):
        raise ClientError("an existing secret can be imported only for a legacy OneID client, and is 16+ characters")
    if not name.strip():
        raise ClientError("a name is required")
    if not redirect_uris:
        raise ClientError("at least one redirect URI is required")
    method = "none" if public else (auth_method or "client_secret_basic")
    if method not in AUTH_METHODS:
        raise ClientError(f"auth method must be one of {', '.join(AUTH_METHODS)}")
    if public and auth_method not in (None, "none"):
        raise ClientError("a public client authenticates with 'none'")
    if isinstance(jwks, str):
        jwks = json.loads(jwks)
    if method == "private_key_jwt" and not (jwks and jwks.get("keys")):
        raise ClientError("private_key_jwt needs the client's public keys (--jwks)")
    scopes = scopes or ["openid", "profile"]
    unknown = set(scopes) - set(SUPPORTED_SCOPES)
    if unknown or "openid" not in scopes:
        raise ClientError(f"scopes must include openid and come from {', '.join(SUPPORTED_SCOPES)}")
    if subject_type not in ("pairwise", "public"):
        raise ClientError("subject type is pairwise or public")
    if alg not in SUPPORTED_ALGS:
        raise ClientError(f"ID token algorithm must be one of {', '.join(SUPPORTED_ALGS)}")
    uris = [_check_uri(u, production=production) for u in redirect_uris]
    logout_uris = [_check_uri(u, production=production) for u in post_logout_redirect_uris or []]
    if backchannel_logout_uri:
        _check_uri(backchannel_logout_uri, production=production)
    # hex: an id must never start with "-", which a command line would read as an option
    client_id = client_id or secrets.token_hex(16)
    if session.get(Client, client_id):
        raise ClientError("a client with this id exists")
    secret = None if method in ("none", "private_key_jwt") else (client_secret or secrets.token_urlsafe(32))
    client = Client(client_id=client_id, client_secret_hash=token_hash(secret) if secret else None, name=name.strip(),
                    redirect_uris=uris, post_logout_redirect_uris=logout_uris, token_endpoint_auth_method=method,
                    jwks=jwks, allowed_scopes=scopes, subject_type=subject_type, id_token_signed_response_alg=alg,
                    require_pkce=True if public else bool(require_pkce if require_pkce is not None else True),
                    backchannel_logout_uri=backchannel_logout_uri, can_introspect=can_introspect,
                    skip_consent=skip_consent, profile=profile)
    session.add(client)
    session.flush()
    record(session, "client.created", actor="operator", client=client_id)
    return NewClient(client, secret)


def describe(client: Client) -> dict:
    return {
        "client_id": client.client_id, "name": client.name, "redirect_uris": client.redirect_uris,
        "post_logout_redirect_uris": client.post_logout_redirect_uris,
        "token_endpoint_auth_method": client.token_endpoint_auth_method, "scopes": client.allowed_scopes,
        "subject_type": client.subject_type, "id_token_signed_response_alg": client.id_token_signed_response_alg,
        "require_pkce": client.require_pkce, "backchannel_logout_uri": client.backchannel_logout_uri,
        "can_introspect": client.can_introspect, "profile": client.profile, "created_at": client.created_at.isoformat(),
    }


def list_clients(session: Session) -> list[Client]:
    return list(session.scalars(select(Client).order_by(Client.created_at)))


def delete_client(session: Session, client_id: str) -> bool:
    client = session.get(Client, client_id)
    if client is None:
        return False
    session.delete(client)
    record(session, "client.deleted", actor="operator", client=client_id)
    return True
