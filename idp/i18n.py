"""Languages: Uzbek (Latin) by default, Russian and English.

Choice order: the OIDC `ui_locales` of the request being served, an explicit
choice (``?lang=`` stored in a cookie), the Accept-Language header, the
default. Protocol errors stay in English (RFC 6749 error descriptions are
ASCII); every page is translated.
"""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, g, request, url_for
from flask_babel import Babel
from werkzeug.routing import BuildError

from idp.config import LOCALES

LANG_COOKIE = "idp_lang"
LANGUAGE_NAMES = {"uz": "O‘zbekcha", "ru": "Русский", "en": "English"}


def pick_ui_locale(ui_locales: str | None) -> str | None:
    """First supported language in a space-separated BCP 47 list."""
    for tag in (ui_locales or "").split()[:10]:
        base = tag.split("-")[0].lower()
        if base in LOCALES:
            return base
    return None


def select_locale() -> str:
    chosen = getattr(g, "ui_locale", None)
    if chosen:
        return chosen
    arg = request.args.get("lang")
    if arg in LOCALES:
        return arg
    from_request = _pending_ui_locale()
    if from_request:
        return from_request
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LOCALES:
        return cookie
    from flask import current_app

    default = current_app.config["IDP_SETTINGS"].default_locale
    return request.accept_languages.best_match(LOCALES, default=default) or default


def _pending_ui_locale() -> str | None:
    """`ui_locales` of the authorization request an interaction page serves."""
    rid = request.args.get("r")  # never the form: an error page may be answering an oversized body
    if not rid:
        return None
    from idp.auth.continuations_web import current_continuation, registry

    ui_locales = registry().describe(current_continuation()).get("ui_locales")
    return pick_ui_locale(ui_locales) if ui_locales else None


def route_path() -> str:
    """The path of the page being shown, rebuilt from its matched route;
    empty (a link to this very page) when no route matched.

    Never the raw request path: ``/%5Cevil.example/x`` decodes to
    ``/\\evil.example/x``, which a browser reads as another host."""
    if request.url_rule is None or request.endpoint is None:
        return ""
    try:
        path = url_for(request.endpoint, **(request.view_args or {}))
    except (BuildError, ValueError, TypeError):
        return ""
    if not path.startswith("/") or path.startswith(("//", "/\\")):
        return ""
    return path


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale, default_domain="messages",
          default_translation_directories="translations")

    @app.after_request
    def _remember_language(response):
        lang = request.args.get("lang")
        if lang in LOCALES and request.cookies.get(LANG_COOKIE) != lang:
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="Lax",
                                secure=app.config["SESSION_COOKIE_SECURE"], httponly=True)
        return response

    @app.context_processor
    def _languages():
        from flask_babel import get_locale

        def lang_url(code: str) -> str:
            args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", code)]
            return route_path() + "?" + urlencode(args)

        from idp.messages import CLAIM_LABELS, LEVEL_LABELS

        return {"languages": LANGUAGE_NAMES, "current_locale": str(get_locale()), "lang_url": lang_url,
                "claim_labels": CLAIM_LABELS, "level_labels": LEVEL_LABELS}
