"""The browser's login session, for views."""
from __future__ import annotations

from flask import current_app, g, request

from idp.auth.models import LoginSession

COOKIE = "idp_sid"


def current_login() -> LoginSession | None:
    if "idp_login" not in g:
        idp = current_app.extensions["idp"]
        login = idp.sessions.load(idp.db.session, request.cookies.get(COOKIE))
        if login is not None and idp.db.session.dirty:
            idp.db.session.commit()
        g.idp_login = login
    return g.idp_login


def set_login_cookie(response, token: str) -> None:
    settings = current_app.config["IDP_SETTINGS"]
    response.set_cookie(COOKIE, token, max_age=settings.session_lifetime, httponly=True,
                        secure=current_app.config["SESSION_COOKIE_SECURE"], samesite="Lax", path="/")


def clear_login_cookie(response) -> None:
    response.delete_cookie(COOKIE, path="/", secure=current_app.config["SESSION_COOKIE_SECURE"],
                           httponly=True, samesite="Lax")
