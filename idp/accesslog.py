"""Access logs without secrets.

Request targets carry bearer secrets: appointment manage links and activation
links have a token in the path; `/authorize` and `/logout` carry
`id_token_hint`, `login_hint` (a PINFL), `state`, codes. An access log line
keeps the method, the path with every secret replaced, the status, the size
and the duration; query values are dropped except for a few harmless ones.

* The application tags each routed request (``init_app``) with its path
  rebuilt from the matched route, secret arguments replaced by ``:name``.
* A request no route matched (404, 405) is logged with long segments and
  PINFL-like digit runs replaced.
* :class:`GunicornLogger` (``idp serve``) and :class:`DevRequestHandler`
  (``idp demo``) write only these redacted targets.
"""
from __future__ import annotations

import re
import time
from urllib.parse import parse_qsl, quote, urlsplit

from gunicorn.glogging import Logger
from werkzeug.serving import WSGIRequestHandler

ENVIRON_KEY = "idp.access_path"
# Route arguments that are bearer secrets.
SECRET_ARGS = frozenset({"token"})
# Query parameters whose values are kept (identifiers of public things, UI choices).
SAFE_PARAMS = frozenset({"lang", "client_id", "response_type", "response_mode", "scope", "prompt",
                         "ui_locales", "code_challenge_method", "max_age", "acr_values", "booked",
                         "cancelled", "day", "why", "page"})
REDACTED = "-"
FORMAT = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
# Request headers a custom format may show; every other header atom is blank.
SAFE_HEADERS = frozenset({"user-agent", "content-type", "content-length", "accept-language", "x-request-id"})

_SECRETISH = re.compile(r"\d{9,}")


def redact_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='') if k in SAFE_PARAMS else REDACTED}"
                    for k, v in pairs)


def redact_unrouted_path(path: str) -> str:
    """A path no route matched: segments that may be secrets are replaced."""
    parts = []
    for segment in path.split("/"):
        if len(segment) > 24 or _SECRETISH.search(segment):
            segment = ":redacted"
        parts.append(quote(segment, safe="!$&'()*+,;=:@%-._~"))
    return "/".join(parts)


def target(environ: dict) -> str:
    """The request target as an access log may show it."""
    path = environ.get(ENVIRON_KEY) or redact_unrouted_path(
        (environ.get("SCRIPT_NAME") or "") + (environ.get("PATH_INFO") or "/"))
    query = environ.get("QUERY_STRING") or ""
    return path + ("?" + redact_query(query) if query else "")


def redact_url(url: str) -> str:
    """A Referer: its path and query, redacted as a request target."""
    if not url or url == "-":
        return "-"
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    return origin + redact_unrouted_path(parts.path or "/") + ("?" + redact_query(parts.query) if parts.query else "")


def init_app(app) -> None:
    """Tag each routed request with its loggable path (read by the loggers
    after the response is sent)."""
    from flask import request, url_for

    @app.teardown_request
    def _tag(_exc=None):
        if request.url_rule is None or request.endpoint is None:
            return
        args = {k: (":" + k if k in SECRET_ARGS else v) for k, v in (request.view_args or {}).items()}
        try:
            request.environ[ENVIRON_KEY] = url_for(request.endpoint, **args)
        except Exception:  # a converter refused the placeholder: fall back to the generic rule
            request.environ.pop(ENVIRON_KEY, None)


class GunicornLogger(Logger):
    """gunicorn's logger with secrets taken out of the request atoms."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        shown = target(environ)
        path, _, query = shown.partition("?")
        atoms["r"] = f"{environ.get('REQUEST_METHOD', '-')} {shown} {environ.get('SERVER_PROTOCOL', '-')}"
        atoms["U"], atoms["q"] = path, query
        atoms["f"] = redact_url(environ.get("HTTP_REFERER", "-"))
        for key in list(atoms):
            if key.startswith("{") and key[-2:] in ("}i", "}o", "}e") and key[1:-2] not in SAFE_HEADERS:
                atoms[key] = "-"
        return atoms


class DevRequestHandler(WSGIRequestHandler):
    """The development server's request log, redacted the same way."""

    def run_wsgi(self) -> None:
        self._started = time.perf_counter()
        super().run_wsgi()

    def log_request(self, code="-", size="-") -> None:
        environ = getattr(self, "environ", None)
        if environ is None:
            return  # no parsed request: nothing safe to show
        took = (time.perf_counter() - getattr(self, "_started", time.perf_counter())) * 1000
        self.log("info", '"%s %s %s" %s %s %.0fms', environ.get("REQUEST_METHOD", "-"), target(environ),
                 environ.get("SERVER_PROTOCOL", "-"), code, size, took)

    def log_error(self, format: str, *args) -> None:
        # http.server puts the raw request line (with its query) into errors.
        self.log("error", "%s", (format % args).split("'", 1)[0].strip())
