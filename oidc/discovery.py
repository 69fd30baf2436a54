"""OpenID Provider metadata (Discovery 1.0, RFC 8414, RFC 9207)."""
from __future__ import annotations

from idp.auth.levels import ACR_VALUES
from oidc.claims import SUPPORTED_CLAIMS, SUPPORTED_SCOPES
from oidc.keys import SUPPORTED_ALGS

AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]


def metadata(issuer: str) -> dict:
    return {
        "issuer": issuer,
        "authorization_endpoint": issuer + "/authorize",
        "token_endpoint": issuer + "/token",
        "userinfo_endpoint": issuer + "/userinfo",
        "jwks_uri": issuer + "/jwks.json",
        "revocation_endpoint": issuer + "/revoke",
        "introspection_endpoint": issuer + "/introspect",
        "end_session_endpoint": issuer + "/logout",
        "scopes_supported": list(SUPPORTED_SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["pairwise", "public"],
        "id_token_signing_alg_values_supported": list(SUPPORTED_ALGS),
        "userinfo_signing_alg_values_supported": [],
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "token_endpoint_auth_signing_alg_values_supported": ["ES256", "RS256", "PS256"],
        "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
        "introspection_endpoint_auth_methods_supported": AUTH_METHODS[:3],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": list(dict.fromkeys(["sub", "iss", "aud", "exp", "iat", "nonce", *SUPPORTED_CLAIMS])),
        "claims_parameter_supported": True,
        "claim_types_supported": ["normal"],
        # signed request objects (RFC 9101) are accepted through PAR only
        "request_parameter_supported": False,
        "request_uri_parameter_supported": True,
        "request_object_signing_alg_values_supported": ["ES256", "PS256", "RS256"],
        "pushed_authorization_request_endpoint": issuer + "/par",
        "require_pushed_authorization_requests": False,  # per client: FAPI 2.0 clients must
        "dpop_signing_alg_values_supported": ["ES256", "ES384", "PS256", "RS256", "EdDSA"],
        "require_request_uri_registration": False,
        "acr_values_supported": list(ACR_VALUES),
        "ui_locales_supported": ["uz", "uz-Cyrl", "ru", "en"],
        "claims_locales_supported": ["uz", "ru", "en"],
        "prompt_values_supported": ["none", "login", "consent", "select_account"],
        "authorization_response_iss_parameter_supported": True,
        "frontchannel_logout_supported": False,
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
    }
