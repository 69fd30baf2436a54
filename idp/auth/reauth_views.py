"""`require_recent_login`: the view decorator for sensitive changes.

    from idp.auth.reauth_views import require_recent_login

    @bp.route("/cabinet/security/totp", methods=["GET", "POST"])
    @require_recent_login("substantial", max_age=300)
    def totp_setup(): ...

Without a recent enough login the browser goes to the step-up page
(`/login?why=reauth&level=...&next=<this page>`), which offers the methods
that reach the level for this account and, after success, comes back here.
A GET comes back to the same URL; a POST to the GET URL of the same
endpoint (the form is shown again, nothing is submitted twice). Scripts
(JSON) get 401 with ``{"error": "reauth_required", "redirect": ...}``.
"""
from __future__ import annotations

import functools

from flask import jsonify, redirect, request, url_for
from flask_babel import gettext as _

from idp.auth.continuations_web import local_path
from idp.auth.current import current_login
from idp.auth.levels import LEVELS
from idp.auth.reauth import DEFAULT_MAX_AGE, recent_enough


def reauth_message() -> str:
    return _("For your safety, confirm it is you before changing how you log in.")


def _return_path() -> str:
    if request.method in ("GET", "HEAD"):
        path = request.full_path
        return path[:-1] if path.endswith("?") else path
    return local_path(url_for(request.endpoint, **(request.view_args or {})))


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def require_recent_login(level: str, max_age: int = DEFAULT_MAX_AGE):
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            login = current_login()
            if recent_enough(login, level, max_age):
                return view(*args, **kwargs)
            back = _return_path()
            if login is None:
                target = url_for("auth.login", next=back)
            else:
                target = url_for("auth.login", why="reauth", level=level, next=back)
            if request.method not in ("GET", "HEAD") and _wants_json():
                return jsonify(ok=False, error="reauth_required", message=reauth_message(), redirect=target), 401
            return redirect(target, 302 if request.method in ("GET", "HEAD") else 303)
        wrapper.required_login = (level, max_age)
        return wrapper
    return decorator
