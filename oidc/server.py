"""Authlib wiring: the authorization server, its grants and endpoints."""
from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import OAuth2Request, grants
from authlib.oauth2.rfc6749.errors import InvalidClientError, InvalidRequestError
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from idp.audit.log import record
from idp.auth.models import LoginSession
from idp.db import UTCDateTime, utcnow
from idp.people.models import Account, new_id
from oidc.claims import released_claims
from oidc.client_cache import ClientCache
from oidc.client_auth import PrivateKeyJWT, client_secret_basic, explain
from oidc.models import AuthorizationCode, Client, Token, token_hash
from oidc.sender_constraint import bind_token_request
from oidc.subject import subject_for
from oidc.userinfo import LOGIN_CLAIMS, claim_values


@dataclass
class Principal:
    """The user a grant acts for, with what the ID token needs to know."""

    account: Account
    client: Client
    sid: str | None = None
    claims: dict | None = None

    def get_user_id(self) -> str:
        return self.account.id


class OPServer(AuthorizationServer):
    """Holds the application's services for the grants (``self.server.idp``)."""

    idp = None  # set by init_server
    clients: ClientCache = None  # set by init_server

    def query_client(self, client_id):
        """The registered client (a shared, read-only copy: oidc/client_cache.py)."""
        if not isinstance(client_id, str) or len(client_id) > 64:
            return None
        return self.clients.get(self.idp.db.session, client_id)

    def save_token(self, token, request):
        save_token(self.idp, token, request)

    def create_oauth2_request(self, request):
        # A request already built by a facade (oidc/legacy) is used as it is.
        if isinstance(request, OAuth2Request):
            return request
        return super().create_oauth2_request(request)

    def authenticate_client(self, request, methods, endpoint="token"):
        # Quotas per authenticated client; failed authentication per address (idp/ratelimit.py).
        from flask import request as http_request

        from idp.ratelimit import client_authentication

        def authenticate():
            try:
                return super(OPServer, self).authenticate_client(request, methods, endpoint)
            except InvalidClientError as exc:
                raise explain(exc, request, self.query_client) from None

        return client_authentication(self.idp, authenticate, http_request.remote_addr or "")


_ACCOUNT = select(Account).where(Account.id == bindparam("account_id"))


def load_account(session, account_id: str) -> Account | None:
    """The account a grant or token acts for (a statement built once: cheaper than session.get)."""
    return session.scalars(_ACCOUNT, {"account_id": account_id}).first()


def subject(idp, principal: Principal) -> str:
    return subject_for(principal.account.id, subject_type=principal.client.subject_type,
                       sector=principal.client.sector, salt=idp.pairwise_salt)


def generate_token(idp):
    def gen(grant_type, client, user=None, scope=None, expires_in=None, include_refresh_token=True):
        token = {
            "token_type": "Bearer",
            "access_token": secrets.token_urlsafe(32),
            "expires_in": idp.settings.access_token_lifetime,
            "scope": scope or "",
        }
        if include_refresh_token:
            token["refresh_token"] = secrets.token_urlsafe(32)
        return token
    return gen


# Codes and tokens are written as plain rows on the request's transaction
# (Core inserts, compiled once): they are not read back in the request, and
# the ORM's unit of work cost more than the insert itself.
_INSERT_TOKEN = Token.__table__.insert()
_INSERT_CODE = AuthorizationCode.__table__.insert()
# The token endpoint's statements, built once (building one, with its cache
# key, cost more than running it). A code is claimed by the statement that
# finds it, for its own client only; a rotation revokes the rotated access token.
_CLAIM_CODE = (update(AuthorizationCode)
               .where(AuthorizationCode.code_hash == bindparam("digest"),
                      AuthorizationCode.client_id == bindparam("for_client"), AuthorizationCode.used_at.is_(None))
               .values(used_at=bindparam("now")).returning(AuthorizationCode)
               .execution_options(synchronize_session=False))
_BY_REFRESH_HASH = select(Token).where(Token.refresh_token_hash == bindparam("digest"))
_ROTATE = (update(Token).where(Token.id == bindparam("token_id"), Token.rotated_at.is_(None))
           .values(rotated_at=bindparam("now"), revoked_at=func.coalesce(Token.revoked_at,
                                                                         bindparam("now", type_=UTCDateTime())))
           .execution_options(synchronize_session=False))


def save_token(idp, token: dict, request) -> None:
    session = idp.db.session
    now = utcnow()
    principal: Principal = request.user
    code: AuthorizationCode | None = getattr(request, "authorization_code", None)
    parent: Token | None = getattr(request, "refresh_token", None)
    source = code or parent
    token_id = new_id()
    refresh = token.get("refresh_token")
    dpop_jkt = getattr(request, "dpop_jkt", None)
    session.execute(_INSERT_TOKEN, {
        "id": token_id, "family_id": parent.family_id if parent else token_id,
        "client_id": request.client.client_id, "account_id": principal.account.id,
        "code_id": code.id if code else (parent.code_id if parent else None),
        "sid": code.sid if code else (parent.sid if parent else None),
        "access_token_hash": token_hash(token["access_token"]),
        "refresh_token_hash": token_hash(refresh) if refresh else None,
        "scope": token.get("scope", ""), "claims": source.claims, "auth_time": source.auth_time,
        "acr": source.acr, "amr": list(source.amr or []), "issued_at": now,
        "access_expires_at": now + dt.timedelta(seconds=idp.settings.access_token_lifetime),
        "refresh_expires_at": ((parent.refresh_expires_at if parent else
                                now + dt.timedelta(seconds=idp.settings.refresh_token_lifetime)) if refresh else None),
        "rotated_at": None, "revoked_at": None, "dpop_jkt": dpop_jkt,
    })
    if dpop_jkt:
        token["token_type"] = "DPoP"


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none", "private_key_jwt"]

    def generate_authorization_code(self):
        # Portals written for today's id.gov.uz parse the code as a UUID.
        if getattr(self.request.client, "profile", "oidc") == "oneid_legacy":
            return str(uuid.uuid4())
        return super().generate_authorization_code()

    def save_authorization_code(self, code, request):
        idp = self.server.idp
        ctx = request.idp_context  # set by the authorization view
        payload = request.payload
        idp.db.session.execute(_INSERT_CODE, {
            "id": new_id(), "code_hash": token_hash(code), "client_id": request.client.client_id,
            "account_id": request.user.account.id, "redirect_uri": payload.redirect_uri,
            "scope": request.client.get_allowed_scope(payload.scope), "nonce": payload.data.get("nonce"),
            "claims": ctx["claims"], "sid": ctx["sid"], "auth_time": ctx["auth_time"], "acr": ctx["acr"],
            "amr": ctx["amr"], "code_challenge": payload.data.get("code_challenge"),
            "code_challenge_method": payload.data.get("code_challenge_method"),
            "expires_at": utcnow() + dt.timedelta(seconds=idp.settings.code_lifetime), "used_at": None,
        })

    def query_authorization_code(self, code, client):
        session = self.server.idp.db.session
        if not isinstance(code, str) or len(code) > 200:
            return None
        # DPoP first: a proof refused (or a nonce asked for) must not use up the code.
        self.request.dpop_jkt = bind_token_request(self.server.idp, self.request)
        digest, now = token_hash(code), utcnow()
        # Claim the code atomically, in the statement that finds it: a second use finds used_at set.
        row = session.scalars(_CLAIM_CODE, {"digest": digest, "for_client": client.client_id, "now": now}).first()
        if row is None:
            row = session.scalars(select(AuthorizationCode).where(AuthorizationCode.code_hash == digest)).first()
            if row is None or row.client_id != client.client_id or row.used_at is None:
                return None  # unknown, another client's (not used up), or claimed by nobody
            # RFC 6749 4.1.2: reuse revokes every token issued from this code.
            session.execute(update(Token).where(Token.code_id == row.id, Token.revoked_at.is_(None))
                            .values(revoked_at=now))
            record(session, "oidc.code_reuse", actor=client.client_id, subject=row.account_id)
            return None
        if row.expires_at <= now:
            return None
        return row

    def delete_authorization_code(self, authorization_code):
        pass  # kept, marked used, so that reuse can be detected until expiry

    def authenticate_user(self, authorization_code):
        account = load_account(self.server.idp.db.session, authorization_code.account_id)
        if account is None or not account.active:
            return None
        return Principal(account, self.request.client, authorization_code.sid, authorization_code.claims)


class PkceS256(CodeChallenge):
    """PKCE with S256 only (RFC 9700 2.1.1); required for public clients and
    for confidential clients registered with ``require_pkce``."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant, redirect_uri):
        request = grant.request
        data = request.payload.data
        if data.get("code_challenge") and not data.get("code_challenge_method"):
            raise InvalidRequestError("'code_challenge_method' must be S256.", redirect_uri=redirect_uri)
        if not data.get("code_challenge") and request.client.require_pkce:
            raise InvalidRequestError("PKCE with code_challenge_method=S256 is required for this client.",
                                      redirect_uri=redirect_uri)
        try:
            super().validate_code_challenge(grant, redirect_uri)
        except InvalidRequestError as exc:
            exc.redirect_uri = redirect_uri
            raise

    def get_authorization_code_challenge(self, authorization_code):
        return authorization_code.code_challenge

    def get_authorization_code_challenge_method(self, authorization_code):
        return authorization_code.code_challenge_method


class IdpOpenIDCode(OpenIDCode):
    def __init__(self, idp):
        super().__init__(require_nonce=False)
        self.idp = idp

    def exists_nonce(self, nonce, request):
        return False  # nonces are bound to codes; replay is caught by single-use codes

    def resolve_client_private_key(self, client):
        return self.idp.keys.signing_key(self.idp.db.session, client.id_token_signed_response_alg).private

    def get_client_algorithm(self, client):
        return client.id_token_signed_response_alg

    def get_encode_header(self, client):
        key = self.idp.keys.signing_key(self.idp.db.session, client.id_token_signed_response_alg)
        return {"alg": key.alg, "kid": key.kid, "typ": "JWT"}

    def get_client_claims(self, client):
        now = int(utcnow().timestamp())
        return {"iss": self.idp.settings.issuer, "aud": [client.client_id], "iat": now,
                "exp": now + self.idp.settings.id_token_lifetime}

    def get_authorization_code_claims(self, authorization_code):
        claims = super().get_authorization_code_claims(authorization_code)
        if authorization_code.sid:
            claims["sid"] = authorization_code.sid
        return claims

    def generate_user_info(self, user: Principal, scope):
        names = released_claims(scope, user.claims or {}, "id_token", user.client.allowed_scopes)
        info = UserInfo(sub=subject(self.idp, user))
        login = self.idp.db.session.get(LoginSession, user.sid) if user.sid and names & LOGIN_CLAIMS else None
        info.update(claim_values(user.account, names, login))
        return info


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none", "private_key_jwt"]
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token):
        session = self.server.idp.db.session
        if not isinstance(refresh_token, str) or len(refresh_token) > 200:
            return None
        row = session.scalars(_BY_REFRESH_HASH, {"digest": token_hash(refresh_token)}).first()
        if row is None or row.client_id != self.request.client.client_id:
            return None
        # DPoP before rotation: a refused proof must not use up the refresh token.
        self.request.dpop_jkt = bind_token_request(self.server.idp, self.request, bound_to=row.dpop_jkt)
        if row.revoked_at is not None and row.rotated_at is None:
            return None  # revoked, not rotated: nothing more to do
        # Rotate: the refresh token is used up, and its access token stops working
        # with it (so revoke_old_credential has nothing left to write).
        now = utcnow()
        claimed = session.execute(_ROTATE, {"token_id": row.id, "now": now}).rowcount
        if not claimed:
            # A rotated refresh token came back: revoke this family only.
            session.execute(update(Token).where(Token.family_id == row.family_id, Token.revoked_at.is_(None))
                            .values(revoked_at=now))
            record(session, "oidc.refresh_reuse", actor=row.client_id, subject=row.account_id)
            return None
        set_committed_value(row, "rotated_at", now)  # as written, without writing it again
        set_committed_value(row, "revoked_at", row.revoked_at or now)
        if row.refresh_expires_at is None or row.refresh_expires_at <= now:
            return None
        return row

    def authenticate_user(self, refresh_token):
        account = load_account(self.server.idp.db.session, refresh_token.account_id)
        if account is None or not account.active:
            return None
        return Principal(account, self.request.client, refresh_token.sid, refresh_token.claims)

    def revoke_old_credential(self, refresh_token):
        # The old access token stopped working when its refresh token was
        # rotated (authenticate_refresh_token revokes it in the same statement).
        pass


def _find_token(session, token_string, token_type_hint):
    if not isinstance(token_string, str) or len(token_string) > 200:
        return None
    digest = token_hash(token_string)
    if token_type_hint != "refresh_token":
        row = session.scalars(select(Token).where(Token.access_token_hash == digest)).first()
        if row:
            return row
    return session.scalars(select(Token).where(Token.refresh_token_hash == digest)).first()


class Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none", "private_key_jwt"]

    def query_token(self, token_string, token_type_hint):
        return _find_token(self.server.idp.db.session, token_string, token_type_hint)

    def revoke_token(self, token, request):
        now = utcnow()
        if request.form.get("token_type_hint") == "access_token" and token.access_token_hash == token_hash(request.form.get("token", "")):
            token.revoked_at = token.revoked_at or now
            return
        # Revoking a refresh token ends its whole family (RFC 7009 2.1).
        self.server.idp.db.session.execute(update(Token).where(
            Token.family_id == token.family_id, Token.revoked_at.is_(None)).values(revoked_at=now))


class Introspection(IntrospectionEndpoint):
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt"]

    def query_token(self, token_string, token_type_hint):
        return _find_token(self.server.idp.db.session, token_string, token_type_hint)

    def check_permission(self, token, client, request):
        return bool(client.can_introspect)

    def introspect_token(self, token):
        idp = self.server.idp
        if token.revoked_at is not None or token.access_expires_at <= utcnow():
            return {"active": False}
        client = self.server.query_client(token.client_id)
        account = idp.db.session.get(Account, token.account_id)
        return {
            "active": True, "client_id": token.client_id, "scope": token.scope, "token_type": "Bearer",
            "sub": subject(idp, Principal(account, client)), "iss": idp.settings.issuer,
            "exp": int(token.access_expires_at.timestamp()), "iat": int(token.issued_at.timestamp()),
            "acr": token.acr, "amr": token.amr, "auth_time": token.auth_time,
        }


def init_server(app, idp) -> OPServer:
    server = OPServer()
    server.idp = idp
    server.clients = ClientCache()
    server.init_app(app)
    server.register_token_generator("default", generate_token(idp))
    server.register_grant(AuthorizationCodeGrant, [PkceS256(required=True), IdpOpenIDCode(idp)])
    server.register_grant(RefreshTokenGrant)
    server.register_client_auth_method(PrivateKeyJWT.CLIENT_AUTH_METHOD, PrivateKeyJWT(idp))
    server.register_client_auth_method("client_secret_basic", client_secret_basic)
    server.register_endpoint(Revocation)
    server.register_endpoint(Introspection)
    return server
