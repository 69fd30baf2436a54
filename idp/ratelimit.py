"""Request rate limits, on the one attempt counter (idp/state/counters.py).

The counters live in the database, or in Redis when ``IDP_REDIS_URL`` is set,
so every worker and instance shares them, and each request is counted in
one atomic step before it is served. A window starts at the first request.

- Login and sign-up posts: per client address and endpoint
  (``IDP_RATELIMIT_LOGIN``).
- Token, revocation and introspection: an authenticated confidential
  client has its own quota (``IDP_RATELIMIT_TOKEN``, or its entry in
  ``IDP_RATELIMIT_CLIENTS``), whatever address its backend sends from; a
  public client counts per client and address. Failed client
  authentication counts per address (``IDP_RATELIMIT_CLIENT_AUTH``); once an
  address is over it, its requests are refused before any secret is checked.
"""
from __future__ import annotations

import functools
import hashlib
from typing import Callable

from authlib.oauth2.rfc6749.errors import InvalidClientError, OAuth2Error
from flask import Flask, current_app, request
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import TooManyRequests

LIMITED = {
    "auth.login": "ratelimit_login",
    "people.register": "ratelimit_login",
    "factors.verify": "ratelimit_login",
    "factors.code_login": "ratelimit_login",
    "esign_login.verify": "ratelimit_login",
    "passkeys.login_options": "ratelimit_login",
    "passkeys.login_verify": "ratelimit_login",
    "passkeys.step_up_verify": "ratelimit_login",
    "esign_login.challenge": "ratelimit_login",
}


def parse_limits(text: str) -> list[RateLimitItem]:
    """``10/minute;100/hour`` as limit items; ValueError when malformed."""
    return list(_parsed(text))


@functools.lru_cache(maxsize=64)
def _parsed(text: str) -> tuple[RateLimitItem, ...]:
    # settings do not change while the process runs: parse each text once
    return tuple(parse_many(text))


@functools.lru_cache(maxsize=16)
def _client_limits(text: str) -> dict[str, str]:
    return parse_client_limits(text)


def parse_client_limits(text: str) -> dict[str, str]:
    """``IDP_RATELIMIT_CLIENTS``: ``client_id=limits`` entries separated by
    spaces or commas, e.g. ``a1b2=100/second;20000/hour c3d4=10/second``."""
    entries = {}
    for entry in text.replace(",", " ").split():
        client_id, sep, limits = entry.partition("=")
        if not sep or not client_id or not limits:
            raise ValueError(f"expected client_id=limits, got {entry!r}")
        parse_limits(limits)
        entries[client_id] = limits
    return entries


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]  # no addresses in the store


def _key(scope: str, digest: str, item: RateLimitItem) -> str:
    return f"rl:{scope}:{digest}:{item.amount}/{item.get_expiry()}"


def over_limit(counters, scope: str, subject: str, limits: list[RateLimitItem] | tuple) -> int:
    """Count one request against every limit (in one round trip to the
    store); the seconds to wait if any is exceeded, else 0."""
    digest = _digest(subject)
    hits = counters.hits([(_key(scope, digest, item), item.get_expiry()) for item in limits])
    wait = 0
    for item, hit in zip(limits, hits):
        if hit.count > item.amount:
            wait = max(wait, hit.reset_in)
    return wait


def _too_many(wait: int):
    response = current_app.make_response(current_app.handle_user_exception(TooManyRequests()))
    response.headers["Retry-After"] = str(wait)
    return response


def _limited(view: Callable, endpoint: str, limits: list[RateLimitItem]) -> Callable:
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if request.method == "POST":
            wait = over_limit(current_app.extensions["idp"].state, endpoint, request.remote_addr or "", limits)
            if wait:
                return _too_many(wait)
        return view(*args, **kwargs)
    return wrapper


def init_app(app: Flask) -> None:
    settings = app.config["IDP_SETTINGS"]
    for endpoint, setting in LIMITED.items():
        view = app.view_functions.get(endpoint)
        if view is not None:
            app.view_functions[endpoint] = _limited(view, endpoint, parse_limits(getattr(settings, setting)))


class SlowDown(OAuth2Error):
    """HTTP 429 on a protocol endpoint (the code errors.py gives every 429 there)."""

    error = "slow_down"
    status_code = 429

    def __init__(self, wait: int):
        super().__init__(description="Too many requests. Retry after the number of seconds in Retry-After.")
        self.wait = wait

    def get_headers(self):
        return super().get_headers() + [("Retry-After", str(self.wait))]


def client_authentication(idp, authenticate: Callable, address: str):
    """Run ``authenticate`` (Authlib's client authentication) under the
    client limits: refuse an address over its failure limit before checking
    anything, count a failure against the address, and count a success
    against the client. Raises SlowDown (429)."""
    settings, counters = idp.settings, idp.state
    failures = _parsed(settings.ratelimit_client_auth)
    digest = _digest(address)
    counted = counters.counts([_key("client-auth", digest, item) for item in failures])
    for item, count in zip(failures, counted):
        if count >= item.amount:
            raise SlowDown(item.get_expiry())
    try:
        client = authenticate()
    except InvalidClientError:
        over_limit(counters, "client-auth", address, failures)
        raise
    overrides = _client_limits(settings.ratelimit_clients)
    limits = _parsed(overrides.get(client.client_id, settings.ratelimit_token))
    subject = client.client_id
    if getattr(client, "token_endpoint_auth_method", None) == "none":
        subject += " " + address  # anyone can name a public client: its quota is per address
    wait = over_limit(counters, "client", subject, limits)
    if wait:
        raise SlowDown(wait)
    return client
