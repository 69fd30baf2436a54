"""Languages: Uzbek in Latin script by default, Uzbek in Cyrillic script
(BCP 47 ``uz-Cyrl``, Babel ``uz_Cyrl``), Russian and English.

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
LANGUAGE_NAMES = {"uz": "O‘zbekcha", "uz_Cyrl": "Ўзбекча", "ru": "Русский", "en": "English"}


def locale_of(tag: str | None) -> str | None:
    """The supported locale a BCP 47 tag (or a Babel identifier) asks for:
    ``uz-Cyrl``, ``uz_Cyrl``, ``uz-Cyrl-UZ`` → ``uz_Cyrl``; ``uz``, ``uz-Latn``,
    ``uz-UZ`` → ``uz``; ``ru-RU`` → ``ru``; anything else → None."""
    parts = (tag or "").replace("_", "-").lower().split("-")
    if not parts[0] or len(parts[0]) > 8:
        return None
    if parts[0] == "uz" and "cyrl" in parts[1:]:
        return "uz_Cyrl"
    return parts[0] if parts[0] in LOCALES else None


def language_tag(locale: str) -> str:
    """The BCP 47 tag of a supported locale (``uz_Cyrl`` → ``uz-Cyrl``)."""
    return locale.replace("_", "-")


STORED_LOCALE_LENGTH = 8  # the locale columns of accounts, cases, appointments and visits (uz_Cyrl fits)


def stored_locale(locale: str) -> str:
    """The request's locale as the database keeps it (eight characters: every
    supported locale, uz_Cyrl included, is kept as it is, so e-mails come in
    the script the person chose)."""
    return locale if len(locale) <= STORED_LOCALE_LENGTH else locale.split("_")[0]


def pick_ui_locale(ui_locales: str | None) -> str | None:
    """First supported language in a space-separated BCP 47 list."""
    for tag in (ui_locales or "").split()[:10]:
        chosen = locale_of(tag)
        if chosen:
            return chosen
    return None


def select_locale() -> str:
    chosen = getattr(g, "ui_locale", None)
    if chosen:
        return chosen
    arg = locale_of(request.args.get("lang"))
    if arg:
        return arg
    from_request = _pending_ui_locale()
    if from_request:
        return from_request
    cookie = locale_of(request.cookies.get(LANG_COOKIE))
    if cookie:
        return cookie
    for tag, _quality in list(request.accept_languages)[:10]:  # best first
        chosen = locale_of(tag)
        if chosen:
            return chosen
    from flask import current_app

    return current_app.config["IDP_SETTINGS"].default_locale


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
    from idp import formatting

    formatting.init_app(app)

    @app.after_request
    def _remember_language(response):
        lang = locale_of(request.args.get("lang"))
        if lang and request.cookies.get(LANG_COOKIE) != lang:
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="Lax",
                                secure=app.config["SESSION_COOKIE_SECURE"], httponly=True)
        return response

    @app.context_processor
    def _languages():
        from flask_babel import get_locale

        def lang_url(code: str) -> str:
            args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", language_tag(code))]
            return route_path() + "?" + urlencode(args)

        from idp.messages import CLAIM_LABELS, LEVEL_LABELS

        current = str(get_locale())
        return {"languages": LANGUAGE_NAMES, "current_locale": current, "current_lang_tag": language_tag(current),
                "language_tag": language_tag, "lang_url": lang_url,
                "claim_labels": CLAIM_LABELS, "level_labels": LEVEL_LABELS}
