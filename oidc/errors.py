"""OpenID Connect error classes not in Authlib (one class per error code)."""
from __future__ import annotations

from authlib.oauth2.rfc6749.errors import OAuth2Error


class InteractionRequiredError(OAuth2Error):
    error = "interaction_required"


class UnmetAuthenticationRequirementsError(OAuth2Error):
    """OpenID Connect Core Unmet Authentication Requirements 1.0."""

    error = "unmet_authentication_requirements"


class RequestNotSupportedError(OAuth2Error):
    error = "request_not_supported"


class RequestUriNotSupportedError(OAuth2Error):
    error = "request_uri_not_supported"
