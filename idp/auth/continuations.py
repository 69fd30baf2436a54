"""Continuations: what a login resumes into once it completes.

A continuation is a kind plus a value: ``authorize`` (a paused OpenID
Connect authorization request; registered by `oidc`, so `idp` never imports
it), ``return`` (a local path, e.g. back to a cabinet page after
re-authentication), ``officer`` (the consular portal). Each kind registers
once per application; login methods never know which kinds exist.

A kind may be carried from page to page in one query parameter (``param``),
and must then check the raw value itself: that a path stays on this site, or
that a paused request belongs to this browser (`browser` is this browser's
random binding, never the raw cookie of another one). Flask-free: the view
side (`continuations_web`) reads the request and the browser binding.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Mapping

EXTENSION = "idp_continuations"
MAX_PATH = 2000


@dataclass(frozen=True)
class Continuation:
    kind: str
    value: str


class ContinuationKind:
    """One kind of continuation. Subclasses override what they need."""

    kind: str = ""
    param: str | None = None  # query parameter that carries it between pages; None: built only in code

    def accept(self, raw: str, browser: str) -> str | None:
        """The value carried in `param`, when it is valid for this browser; else None."""
        return None

    def target(self, value: str) -> str | None:
        """Where the browser goes after the login: a path relative to the application root."""
        return None

    def on_login(self, value: str, login_id: str, account_id: str) -> None:
        """Bind the continuation to the login that completed (after the login is committed)."""

    def describe(self, value: str) -> dict:
        """Template context for login pages (e.g. the name of the service)."""
        return {}


def safe_return_path(value: str | None) -> str | None:
    """A same-site path: one leading "/", never "//" or "/\\" (a host to the
    browser), no backslash, whitespace or control character (browsers drop
    tabs and newlines, which turns "/\\t/evil" into "//evil")."""
    if not isinstance(value, str) or not value.startswith("/") or len(value) > MAX_PATH:
        return None
    if value.startswith("//") or "\\" in value or any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in value):
        return None
    return value


class ReturnKind(ContinuationKind):
    """Back to a local page, e.g. the cabinet page that asked to re-authenticate."""

    kind = "return"
    param = "next"

    def accept(self, raw: str, browser: str) -> str | None:
        return safe_return_path(raw)

    def target(self, value: str) -> str | None:
        return safe_return_path(value)


def browser_hash(browser: str) -> str:
    """What a stored object keeps of a browser binding: its SHA-256."""
    return hashlib.sha256(browser.encode()).hexdigest() if browser else ""


def same_browser(stored_hash: str | None, browser: str) -> bool:
    return bool(stored_hash and browser) and hmac.compare_digest(stored_hash, browser_hash(browser))


class Continuations:
    """The registry of continuation kinds of one application."""

    def __init__(self) -> None:
        self._kinds: dict[str, ContinuationKind] = {}

    def register(self, kind: ContinuationKind) -> None:
        if not kind.kind or kind.kind in self._kinds:
            raise ValueError(f"continuation kind {kind.kind!r} is empty or already registered")
        if kind.param and any(k.param == kind.param for k in self._kinds.values()):
            raise ValueError(f"query parameter {kind.param!r} is already taken")
        self._kinds[kind.kind] = kind

    def kind(self, name: str) -> ContinuationKind:
        return self._kinds[name]

    def make(self, kind: str, value: str) -> Continuation:
        if kind not in self._kinds:
            raise KeyError(kind)
        return Continuation(kind, value)

    def from_params(self, params: Mapping[str, str], browser: str) -> Continuation | None:
        """The first registered kind whose parameter is present and valid."""
        for kind in self._kinds.values():
            raw = params.get(kind.param) if kind.param else None
            if raw:
                value = kind.accept(raw, browser)
                if value is not None:
                    return Continuation(kind.kind, value)
        return None

    def params(self, continuation: Continuation | None) -> dict[str, str]:
        """Query parameters that carry the continuation to the next login page."""
        if continuation is None:
            return {}
        param = self._kinds[continuation.kind].param
        return {param: continuation.value} if param else {}

    def target(self, continuation: Continuation | None) -> str | None:
        return self._kinds[continuation.kind].target(continuation.value) if continuation else None

    def on_login(self, continuation: Continuation | None, login_id: str, account_id: str) -> None:
        if continuation is not None:
            self._kinds[continuation.kind].on_login(continuation.value, login_id, account_id)

    def describe(self, continuation: Continuation | None) -> dict:
        return self._kinds[continuation.kind].describe(continuation.value) if continuation else {}


def registry_of(extensions: dict) -> Continuations:
    """The application's registry (kept in ``app.extensions``), made with the
    idp's own ``return`` kind on first use."""
    registry = extensions.get(EXTENSION)
    if registry is None:
        registry = extensions[EXTENSION] = Continuations()
        registry.register(ReturnKind())
    return registry
