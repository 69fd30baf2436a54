"""Rate limits (Flask-Limiter), one limiter per application.

Counters live in memory for a single process and in Redis when
``IDP_REDIS_URL`` is set, so that every instance shares them. Limits apply
per client address to the endpoints that check secrets: login posts and the
token, revocation and introspection endpoints.
"""
from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

LIMITED = {
    "auth.login": "ratelimit_login",
    "people.register": "ratelimit_login",
    "factors.verify": "ratelimit_login",
    "factors.code_login": "ratelimit_login",
    "esign_login.verify": "ratelimit_login",
    "passkeys.login_options": "ratelimit_login",
    "passkeys.login_verify": "ratelimit_login",
    "passkeys.step_up_verify": "ratelimit_login",
    "esign_login.challenge": "ratelimit_login",
    "oidc.token": "ratelimit_token",
    "oidc.revoke": "ratelimit_token",
    "oidc.introspect": "ratelimit_token",
}


def init_app(app: Flask) -> Limiter:
    settings = app.config["IDP_SETTINGS"]
    limiter = Limiter(get_remote_address, app=app, storage_uri=settings.redis_url or "memory://",
                      strategy="moving-window", headers_enabled=True)
    for endpoint, setting in LIMITED.items():
        view = app.view_functions.get(endpoint)
        if view is not None:
            limit = getattr(settings, setting)
            app.view_functions[endpoint] = limiter.limit(limit, methods=["POST"])(view)
    app.extensions["idp_limiter"] = limiter
    return limiter
