"""Ordered checks of an authorization request, after Authlib's own
validation (client, redirect URI, response_type, scope, PKCE, nonce).

Each check either passes, raises one typed OAuth2 error (sent back to the
client's redirect URI), or asks for one interaction with the user. The first
interaction wins; with ``prompt=none`` an interaction becomes its error
(OpenID Connect Core 3.1.2.6).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from authlib.oauth2.rfc6749.errors import InvalidRequestError, InvalidScopeError
from authlib.oidc.core.errors import AccountSelectionRequiredError, ConsentRequiredError, LoginRequiredError
from sqlalchemy import bindparam, select

from idp.auth.levels import LEVELS, acr_uri, level_of, lower, rank
from idp.auth.models import LoginSession
from oidc.claims import ClaimsParameterError, consent_claims, parse_claims_parameter, requested_acr
from oidc.errors import (InteractionRequiredError, RequestNotSupportedError, RequestUriNotSupportedError,
                         UnmetAuthenticationRequirementsError)
from oidc.models import Client, Consent
from oidc.pending import Pending

PROMPTS = {"none", "login", "consent", "select_account"}


@dataclass
class AuthzContext:
    session: object  # SQLAlchemy session
    client: Client
    params: dict
    redirect_uri: str
    pending: Pending
    login: LoginSession | None
    now: float = field(default_factory=time.time)
    prompts: set = field(default_factory=set)
    claims: dict = field(default_factory=dict)
    max_age: int | None = None
    required_level: str | None = None
    acr_essential: bool = False
    consent_claims: list = field(default_factory=list)

    def error(self, cls, description=None):
        return cls(description=description, redirect_uri=self.redirect_uri, state=self.params.get("state"))

    @property
    def session_level(self) -> str:
        login = self.login
        return lower(login.account.identity_level, login.auth_level) if login else "low"


@dataclass(frozen=True)
class Interaction:
    kind: str  # login, step_up, consent, select_account
    reason: str = ""


def check_request_objects(ctx: AuthzContext):
    if ctx.params.get("request"):
        raise ctx.error(RequestNotSupportedError, "Request objects are not supported; send plain parameters.")
    if ctx.params.get("request_uri"):
        raise ctx.error(RequestUriNotSupportedError, "'request_uri' is not supported.")


def check_openid_scope(ctx: AuthzContext):
    if "openid" not in (ctx.params.get("scope") or "").split():
        raise ctx.error(InvalidScopeError, "The 'openid' scope is required.")


def check_prompt(ctx: AuthzContext):
    prompts = set((ctx.params.get("prompt") or "").split())
    unknown = prompts - PROMPTS
    if unknown:
        raise ctx.error(InvalidRequestError, "Unsupported 'prompt' value.")
    if "none" in prompts and len(prompts) > 1:
        raise ctx.error(InvalidRequestError, "'prompt=none' cannot be combined with other values.")
    ctx.prompts = prompts


def check_claims_parameter(ctx: AuthzContext):
    try:
        ctx.claims = parse_claims_parameter(ctx.params.get("claims"))
    except ClaimsParameterError as exc:
        raise ctx.error(InvalidRequestError, str(exc)) from None


def check_max_age(ctx: AuthzContext):
    raw = ctx.params.get("max_age")
    if raw in (None, ""):
        return
    if not raw.isdigit() or len(raw) > 10:
        raise ctx.error(InvalidRequestError, "'max_age' must be a non-negative integer.")
    ctx.max_age = int(raw)


def check_acr_request(ctx: AuthzContext):
    """The level asked for: the lowest of the recognised values (any of them
    satisfies the client); unknown values are ignored."""
    values, essential = requested_acr(ctx.claims)
    values = values + (ctx.params.get("acr_values") or "").split()
    levels = [lvl for lvl in (level_of(v) for v in values) if lvl]
    if levels:
        ctx.required_level = min(levels, key=rank)
    ctx.acr_essential = essential


def check_session(ctx: AuthzContext):
    login = ctx.login
    if login is None:
        return Interaction("login", "no_session")
    auth_time = login.auth_time.timestamp()
    fresh = auth_time >= ctx.pending.received_at  # logged in while serving this very request
    if "login" in ctx.prompts and not fresh:
        return Interaction("login", "prompt_login")
    if ctx.max_age is not None and ctx.now - auth_time > ctx.max_age and not fresh:
        return Interaction("login", "max_age")
    hint = (ctx.params.get("login_hint") or "").strip()
    if hint and hint != login.account.person.pinfl and hint.lower() != (login.account.email or "").lower():
        return Interaction("login", "login_hint")
    return None


def check_assurance(ctx: AuthzContext):
    needed = ctx.required_level
    if not needed or rank(ctx.session_level) >= rank(needed):
        return None
    identity = ctx.login.account.identity_level
    if rank(identity) < rank(needed):
        # No login method can raise identity assurance: explain, or refuse.
        if ctx.acr_essential:
            raise ctx.error(UnmetAuthenticationRequirementsError,
                            f"The account's identity is proofed at {acr_uri(identity)}.")
        return None if ctx.pending.lower_acr_ok else Interaction("step_up", "identity_level")
    if ctx.pending.lower_acr_ok and not ctx.acr_essential:
        return None
    return Interaction("step_up", "authentication_level")


def check_account_selection(ctx: AuthzContext):
    if "select_account" in ctx.prompts and not ctx.pending.selected:
        return Interaction("select_account")
    return None


# built once (every authorization runs it)
_CONSENTS = select(Consent).where(Consent.account_id == bindparam("account_id"),
                                  Consent.client_id == bindparam("client_id"), Consent.revoked_at.is_(None))


def check_consent(ctx: AuthzContext):
    ctx.consent_claims = consent_claims(ctx.params.get("scope") or "", ctx.claims, ctx.client.allowed_scopes)
    if ctx.pending.consented_by is not None and ctx.pending.consented_by == ctx.login.account_id:
        return None  # consent given on this very request, by this account
    if "consent" in ctx.prompts:
        return Interaction("consent", "prompt_consent")
    if ctx.client.skip_consent:
        return None
    scopes = set(ctx.client.get_allowed_scope(ctx.params.get("scope") or "").split())
    grants = ctx.session.scalars(_CONSENTS, {"account_id": ctx.login.account_id, "client_id": ctx.client.client_id})
    for grant in grants:
        if scopes <= set(grant.scopes) and set(ctx.consent_claims) <= set(grant.claims):
            return None
    return Interaction("consent", "not_granted")


CHECKS = (check_request_objects, check_openid_scope, check_prompt, check_claims_parameter, check_max_age,
          check_acr_request, check_session, check_assurance, check_account_selection, check_consent)

PROMPT_NONE_ERRORS = {
    "login": LoginRequiredError,
    "step_up": InteractionRequiredError,
    "select_account": AccountSelectionRequiredError,
    "consent": ConsentRequiredError,
}


def run_checks(ctx: AuthzContext) -> Interaction | None:
    for check in CHECKS:
        interaction = check(ctx)
        if interaction is not None:
            if "none" in ctx.prompts:
                raise ctx.error(PROMPT_NONE_ERRORS[interaction.kind])
            return interaction
    return None


__all__ = ["AuthzContext", "Interaction", "run_checks", "LEVELS"]
