"""Localized error pages; never a bare 500 page with a stack trace."""
from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

log = logging.getLogger(__name__)
PROTOCOL_PREFIXES = ("/token", "/userinfo", "/revoke", "/introspect", "/jwks.json", "/.well-known")


def _page(status: int, message: str):
    if request.path.startswith(PROTOCOL_PREFIXES):
        codes = {400: "invalid_request", 404: "not_found", 405: "invalid_request", 413: "invalid_request",
                 429: "slow_down", 500: "server_error",
                 503: "temporarily_unavailable"}
        return jsonify({"error": codes.get(status, "invalid_request"), "error_description": message}), status
    return render_template("error.html", status=status, message=message), status


def unavailable_backend(exc: BaseException) -> str | None:
    """'database' or 'redis' when `exc` means that store cannot be reached."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    if isinstance(exc, (OperationalError, InterfaceError)) or (
            isinstance(exc, DBAPIError) and exc.connection_invalidated):
        return "database"
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError, TimeoutError as RedisTimeout
    except ImportError:  # pragma: no cover
        return None
    if isinstance(exc, (RedisConnectionError, RedisTimeout)):
        return "redis"
    return None


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_exc):
        return _page(400, _("The page was open too long or was sent twice. Please go back and try again."))

    @app.errorhandler(404)
    def _not_found(_exc):
        return _page(404, _("This page does not exist."))

    @app.errorhandler(405)
    def _method(_exc):
        return _page(405, _("This address does not accept that kind of request."))

    @app.errorhandler(413)
    def _too_large(_exc):
        return _page(413, _("What you sent is too large."))

    @app.errorhandler(429)
    def _rate(_exc):
        return _page(429, _("Too many attempts. Please wait a minute and try again."))

    @app.errorhandler(400)
    def _bad(_exc):
        return _page(400, _("The request was not understood."))

    @app.errorhandler(Exception)
    def _unexpected(exc):
        from werkzeug.exceptions import HTTPException

        if isinstance(exc, HTTPException):
            return exc
        backend = unavailable_backend(exc)
        if backend is not None:
            from idp.ops import unavailable_response

            return unavailable_response(backend, lambda: _page(503, _(
                "The service is briefly unavailable. Nothing you entered was lost; please try again in a moment.")),
                exc)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _page(500, _("Something went wrong on our side. Nothing you entered was lost; please try again."))
