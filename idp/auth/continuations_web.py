"""The view side of continuations: this browser's binding, the continuation
a login page carries, and the query parameters that carry it on."""
from __future__ import annotations

import secrets

from flask import current_app, g, request, session

from idp.auth.continuations import Continuation, Continuations, registry_of

BROWSER_KEY = "browser_binding"


def registry() -> Continuations:
    return registry_of(current_app.extensions)


def browser_binding(*, create: bool = False) -> str:
    """This browser's random value, kept in its signed session cookie. Objects
    that must stay in this browser (a paused authorization request) store its hash."""
    value = session.get(BROWSER_KEY)
    if not isinstance(value, str) and create:
        value = session[BROWSER_KEY] = secrets.token_urlsafe(24)
    return value if isinstance(value, str) else ""


def current_continuation() -> Continuation | None:
    """The continuation this request carries in its query string (never the
    body: pages post to their own URL), checked against this browser."""
    if "idp_continuation" not in g:
        g.idp_continuation = registry().from_params(request.args, browser_binding())
    return g.idp_continuation


def continuation_args(continuation: Continuation | None = None, **extra) -> dict:
    """Query parameters that carry the continuation (this request's by default), then `extra`."""
    args: dict = registry().params(continuation if continuation is not None else current_continuation())
    return {**args, **extra}


def local_path(url: str) -> str:
    """A URL built with `url_for`, relative to the application root."""
    root = request.script_root
    return url[len(root):] if root and url.startswith(root + "/") else url


def init_app(app) -> None:
    @app.context_processor
    def _continuation_helpers():
        return {"continuation_args": continuation_args}
