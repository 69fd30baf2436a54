"""Scopes, the claims they release, and the `claims` request parameter
(OpenID Connect Core 5.4 and 5.5)."""
from __future__ import annotations

import json

SCOPE_CLAIMS: dict[str, tuple[str, ...]] = {
    "openid": ("sub",),
    "profile": ("name", "given_name", "family_name", "middle_name", "birthdate", "gender", "nationality"),
    "email": ("email", "email_verified"),
    "phone": ("phone_number", "phone_number_verified"),
    "pinfl": ("pinfl", "residency", "proofing_method"),
    "document": ("document",),
    # The organisation a person acts for after an e-signature login with a legal entity's key.
    "legal_entity": ("user_type", "legal_info"),
    # Field names that OneID's existing relying parties read, for a gradual migration.
    "oneid": ("pin", "sur_name", "first_name", "mid_name", "birth_date", "pport_no", "user_type",
              "legal_info", "auth_method"),
}
SUPPORTED_SCOPES = tuple(SCOPE_CLAIMS)
SESSION_CLAIMS = ("acr", "amr", "auth_time", "sid")
CLAIM_SCOPE: dict[str, str] = {}
for _scope, _claims in SCOPE_CLAIMS.items():
    for _claim in _claims:
        CLAIM_SCOPE.setdefault(_claim, _scope)
SUPPORTED_CLAIMS = tuple(CLAIM_SCOPE) + SESSION_CLAIMS


class ClaimsParameterError(ValueError):
    pass


def parse_claims_parameter(raw: str | None) -> dict:
    """Validate the `claims` parameter; unknown claims are kept (and later
    ignored), a malformed structure is an `invalid_request`."""
    if not raw:
        return {}
    if len(raw) > 4096:
        raise ClaimsParameterError("The 'claims' parameter is too long.")
    try:
        value = json.loads(raw)
    except ValueError:
        raise ClaimsParameterError("The 'claims' parameter is not valid JSON.") from None
    if not isinstance(value, dict):
        raise ClaimsParameterError("The 'claims' parameter must be a JSON object.")
    result = {}
    for member in ("id_token", "userinfo"):
        section = value.get(member)
        if section is None:
            continue
        if not isinstance(section, dict):
            raise ClaimsParameterError(f"'claims.{member}' must be an object.")
        clean = {}
        for name, spec in section.items():
            if spec is not None and not isinstance(spec, dict):
                raise ClaimsParameterError(f"'claims.{member}.{name}' must be null or an object.")
            spec = spec or {}
            if "values" in spec and not isinstance(spec["values"], list):
                raise ClaimsParameterError(f"'claims.{member}.{name}.values' must be an array.")
            clean[str(name)] = spec
        result[member] = clean
    return result


def requested_acr(claims: dict) -> tuple[list[str], bool]:
    """acr values asked for through the claims parameter, and whether essential."""
    spec = claims.get("id_token", {}).get("acr") or {}
    values = list(spec.get("values") or ([spec["value"]] if "value" in spec else []))
    return [v for v in values if isinstance(v, str)], bool(spec.get("essential"))


def released_claims(scope: str, claims: dict, member: str, allowed_scopes: list[str]) -> set[str]:
    """Which person claims go to `member` (id_token or userinfo).

    Scope claims go to userinfo (Core 5.4, since we always issue an access
    token); individually requested claims go where they were asked, but only
    if the client is registered for the scope that covers them."""
    names: set[str] = set()
    scopes = set(scope.split())
    if member == "userinfo":
        for s in scopes:
            names.update(SCOPE_CLAIMS.get(s, ()))
    for name in claims.get(member, {}):
        owners = {scope for scope, members in SCOPE_CLAIMS.items() if name in members}
        if owners & set(allowed_scopes):
            names.add(name)
    names.discard("sub")
    return names


def consent_claims(scope: str, claims: dict, allowed_scopes: list[str]) -> list[str]:
    """Every person claim the client could receive from this request."""
    names = released_claims(scope, claims, "userinfo", allowed_scopes) | released_claims(scope, claims, "id_token", allowed_scopes)
    order = list(CLAIM_SCOPE)
    return sorted(names, key=order.index)
