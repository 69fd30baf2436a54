"""Binding tokens to the client's DPoP key, at the token endpoint and at
userinfo (RFC 9449 sections 5-7), on top of the pure checks in oidc/dpop.py.

- A token request with a valid `DPoP` proof gets tokens of type `DPoP`
  bound to the key's thumbprint; a refresh of bound tokens needs a proof by
  the same key. FAPI 2.0 clients must send one, with this server's nonce.
- Each proof is accepted once (its `jti` is kept in the short-lived state
  store, shared by every instance, for as long as its `iat` is acceptable).
"""
from __future__ import annotations

from authlib.oauth2.rfc6749.errors import OAuth2Error

from oidc import dpop


class DPoPProblem(OAuth2Error):
    """invalid_dpop_proof or use_dpop_nonce (RFC 9449 12.2), with a fresh nonce."""

    status_code = 400

    def __init__(self, description: str, error: str, nonce: str | None = None):
        super().__init__(description=description)
        self.error, self.nonce = error, nonce

    def get_headers(self):
        headers = super().get_headers()
        if self.nonce:
            headers.append(("DPoP-Nonce", self.nonce))
        return headers


def nonce_secret(idp) -> bytes:
    return idp.mac_key("dpop-nonce")


def current_nonce(idp) -> str:
    return dpop.nonce(nonce_secret(idp))


def accept_proof(idp, proof: str | None, *, method: str, url: str, require_nonce: bool,
                 access_token: str | None = None) -> dpop.Proof:
    try:
        checked = dpop.check_proof(proof, method=method, url=url, access_token=access_token,
                                   nonce_secret=nonce_secret(idp) if require_nonce else None)
    except dpop.DPoPError as exc:
        raise DPoPProblem(exc.description, exc.error, current_nonce(idp)) from None
    if not idp.state.add(f"dpop:{checked.jkt}:{checked.jti}", {}, ttl=2 * dpop.IAT_WINDOW + 5):
        raise DPoPProblem("This DPoP proof was used before.", "invalid_dpop_proof", current_nonce(idp))
    return checked


def bind_token_request(idp, request, *, bound_to: str | None = None) -> str | None:
    """The thumbprint to bind the new tokens to, or None for bearer tokens.
    `bound_to`: the key the presented refresh token is bound to."""
    proof = request.headers.get("DPoP")
    fapi = getattr(request.client, "profile", "oidc") == "fapi2"
    if not proof:
        if fapi or bound_to:
            raise DPoPProblem("A DPoP proof is required for this client.", "invalid_dpop_proof",
                              current_nonce(idp))
        return None
    checked = accept_proof(idp, proof, method="POST", url=idp.settings.issuer + "/token", require_nonce=fapi)
    if bound_to and checked.jkt != bound_to:
        raise DPoPProblem("The DPoP proof is not by the key these tokens are bound to.", "invalid_dpop_proof",
                          current_nonce(idp))
    return checked.jkt
