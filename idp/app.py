"""The composition root: the only place that knows every blueprint."""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from idp.config import Settings, load_settings
from idp.db import Database
from idp.services import Idp, build_services
from idp.state.secrets import dev_secret

csrf = CSRFProtect()


def create_app(config: dict[str, Any] | Settings | None = None) -> Flask:
    settings = config if isinstance(config, Settings) else load_settings(overrides=config or {})
    from idp import logs

    logs.configure(settings.log_level, settings.log_format, settings.production)
    app = Flask(__name__)
    database = Database(settings.database_url)
    secret = settings.secret_key
    if "SECRET_KEY" in settings.generated:
        secret = _persisted_secret(database) or secret
    https = settings.issuer.startswith("https://")
    app.config.update(
        SECRET_KEY=secret,
        SESSION_COOKIE_NAME="idp_flow",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=https,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=1024 * 1024,
        WTF_CSRF_TIME_LIMIT=3600,
        WTF_CSRF_SSL_STRICT=https,
        PREFERRED_URL_SCHEME="https" if https else "http",
        IDP_SETTINGS=settings,
    )
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies)

    idp = build_services(settings, database)
    idp.secret_key = secret
    idp.warm()
    app.extensions["idp"] = idp
    if settings.esign_trust_anchors:
        from idp.esign import EsignSettings, EsignVerifier

        app.extensions["esign_verifier"] = EsignVerifier(EsignSettings.from_mapping(settings.values),
                                                         environ={"IDP_ENV": settings.env})

    @app.before_request
    def _start_background_work():
        idp.audit_sealer.ensure_started()  # in the serving process, after any fork

    @app.teardown_appcontext
    def _remove_session(_exc):
        database.session.remove()

    from idp import assets, i18n, ratelimit, security

    assets.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    security.init_app(app)

    from idp.auth.factor_views import bp as factors_bp
    from idp.auth.views import bp as auth_bp
    from idp.cabinet.security import bp as security_bp
    from idp.notify.views import bp as outbox_bp
    from idp.cabinet.views import bp as cabinet_bp
    from idp.esign.views import bp as esign_login_bp
    from idp.passkeys.views import bp as passkeys_bp
    from idp.people.views import bp as people_bp
    from oidc.views import init_app as init_oidc

    app.register_blueprint(auth_bp)
    app.register_blueprint(factors_bp)
    app.register_blueprint(security_bp)
    if not settings.production:
        app.register_blueprint(outbox_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(cabinet_bp)
    app.register_blueprint(passkeys_bp)
    app.register_blueprint(esign_login_bp)
    from enrollment import init_app as init_enrollment

    init_enrollment(app, idp)
    from consular import init_app as init_consular

    init_consular(app, idp)
    init_oidc(app, idp)
    from oidc.legacy import init_app as init_oneid_legacy

    init_oneid_legacy(app, idp)
    from oidc.fapi import init_app as init_fapi

    init_fapi(app, idp)
    ratelimit.init_app(app)
    from idp import errors, ops

    ops.init_app(app)
    errors.init_app(app)
    return app


def _persisted_secret(database: Database) -> str | None:
    try:
        return dev_secret(database, "secret_key")
    except Exception:  # tables not created yet (before `idp db upgrade`)
        return None


def services() -> Idp:
    """The current app's services, for views."""
    return current_app.extensions["idp"]
