"""A pending authorization request while the user logs in or consents.

The first visit to /authorize stores the original query under a random id
``r`` (30 minutes); interaction pages send the browser back to
``/authorize?<original query>&r=<id>``. The stored query must match, so ``r``
cannot be moved to another request. ``received_at`` lets `prompt=login`
know whether a login is fresh.

A pending request is bound to the browser that started it (the SHA-256 of a
random value in that browser's session cookie): from another browser ``r``
does not exist. Once a login exists it is also bound to that login session
and account. What happened during the interaction (account confirmed, lower
level accepted) counts only for the login it is bound to, and consent only
for the account that gave it (`consented_by`): when the browser's login
changes outside this request's own login pages, the interaction starts over.

It is also the ``authorize`` continuation (`AuthorizeContinuation`): a login
page carries ``r``, and a completed login binds the request to itself.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
import secrets
import time
from dataclasses import asdict, dataclass, field
from urllib.parse import parse_qsl, urlencode

from idp.auth.continuations import ContinuationKind, browser_hash, same_browser

TTL = 30 * 60
RID_RE = re.compile(r"^[A-Za-z0-9_-]+$")
AUTHORIZE_PATH = "/authorize"


def params_hash(params: list[tuple[str, str]]) -> str:
    clean = sorted((k, v) for k, v in params if k != "r")
    return hashlib.sha256(urlencode(clean).encode()).hexdigest()


@dataclass
class Pending:
    id: str
    query: str
    hash: str
    client_id: str
    redirect_uri: str
    state: str | None
    received_at: float
    browser: str = ""  # SHA-256 of the browser binding
    login_id: str | None = None  # the login session it is bound to
    account_id: str | None = None
    consented_by: str | None = None  # the account that consented on this request
    selected: bool = False
    lower_acr_ok: bool = False
    extra: dict = field(default_factory=dict)

    def resume_url(self, base: str) -> str:
        return f"{base}?{self.query}&r={self.id}" if self.query else f"{base}?r={self.id}"

    def in_browser(self, browser: str) -> bool:
        return same_browser(self.browser, browser)

    def bound_to(self, login_id: str) -> bool:
        return self.login_id is not None and self.login_id == login_id

    def forget_interactions(self) -> None:
        self.consented_by, self.selected, self.lower_acr_ok = None, False, False

    def bind_login(self, login_id: str, account_id: str, *, completed_here: bool = False) -> bool:
        """Bind to a login; True when anything changed. A login that changed
        elsewhere (another account, or a session not made on these pages)
        voids what was recorded; a login completed on this request's own
        pages keeps it for the same account (consent stays per account)."""
        if self.login_id == login_id and self.account_id == account_id:
            return False
        if self.account_id is not None and (self.account_id != account_id or not completed_here):
            self.forget_interactions()
        self.login_id, self.account_id = login_id, account_id
        return True

    def unbind_login(self) -> None:
        """The user chose to log in with another account on this request."""
        self.login_id = self.account_id = None


_FIELDS = {f.name for f in dataclasses.fields(Pending)}


class PendingRequests:
    def __init__(self, store):
        self.store = store

    def create(self, params: list[tuple[str, str]], client_id: str, redirect_uri: str, state: str | None, *,
               browser: str, login_id: str | None = None, account_id: str | None = None,
               save: bool = True) -> Pending:
        """A new pending request; with save=False it is stored only if the
        caller later needs an interaction (a request answered at once leaves
        nothing behind)."""
        clean = [(k, v) for k, v in params if k != "r"]
        pending = Pending(id=secrets.token_urlsafe(16), query=urlencode(clean), hash=params_hash(clean),
                          client_id=client_id, redirect_uri=redirect_uri, state=state, received_at=time.time(),
                          browser=browser_hash(browser), login_id=login_id, account_id=account_id)
        if save:
            self.save(pending)
        return pending

    def save(self, pending: Pending) -> None:
        self.store.put("authz:" + pending.id, asdict(pending), TTL)

    def get(self, rid: str | None, *, browser: str) -> Pending | None:
        """The pending request `rid` when it was started in this browser."""
        if not rid or len(rid) > 64 or not RID_RE.match(rid):
            return None
        data = self.store.get("authz:" + rid)
        if not data:
            return None
        pending = Pending(**{k: v for k, v in data.items() if k in _FIELDS})
        return pending if pending.in_browser(browser) else None

    def matching(self, rid: str | None, params: list[tuple[str, str]], *, browser: str) -> Pending | None:
        pending = self.get(rid, browser=browser)
        if pending and pending.hash == params_hash(params):
            return pending
        return None

    def finish(self, pending: Pending) -> None:
        self.store.delete("authz:" + pending.id)

    def claim(self, pending: Pending) -> bool:
        """Take the request for issuing its code: atomic, so one resume wins."""
        return self.store.take("authz:" + pending.id) is not None


class AuthorizeContinuation(ContinuationKind):
    """The paused authorization request as a login's continuation."""

    kind = "authorize"
    param = "r"

    def __init__(self, store, client_name=None, path: str = AUTHORIZE_PATH):
        self.requests = PendingRequests(store)
        self.client_name = client_name  # client_id -> display name
        self.path = path

    def accept(self, raw: str, browser: str) -> str | None:
        pending = self.requests.get(raw, browser=browser)
        return pending.id if pending is not None else None

    def _load(self, value: str) -> Pending | None:
        if not value or len(value) > 64 or not RID_RE.match(value):
            return None
        data = self.requests.store.get("authz:" + value)
        return Pending(**{k: v for k, v in data.items() if k in _FIELDS}) if data else None

    def target(self, value: str) -> str | None:
        pending = self._load(value)
        return pending.resume_url(self.path) if pending else None

    def on_login(self, value: str, login_id: str, account_id: str) -> None:
        pending = self._load(value)
        if pending is not None and pending.bind_login(login_id, account_id, completed_here=True):
            self.requests.save(pending)

    def describe(self, value: str) -> dict:
        pending = self._load(value)
        name = self.client_name(pending.client_id) if pending and self.client_name else None
        ui_locales = dict(parse_qsl(pending.query)).get("ui_locales") if pending else None
        return {"pending": pending, "client_name": name, "ui_locales": ui_locales}
