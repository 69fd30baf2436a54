"""Helpers for driving the OpenID Provider in tests as a relying party would."""
from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def query_of(location: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def csrf_from(html: str) -> str:
    marker = 'name="csrf_token" type="hidden" value="'
    if marker not in html:
        marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


class RP:
    """A relying party driving a Flask test client."""

    def __init__(self, client, app, *, client_id, secret=None, redirect_uri, scope="openid profile"):
        self.http, self.app = client, app
        self.client_id, self.secret, self.redirect_uri, self.scope = client_id, secret, redirect_uri, scope
        self.verifier = None

    def authorize_params(self, **extra) -> dict:
        self.verifier, challenge = pkce_pair()
        params = {"response_type": "code", "client_id": self.client_id, "redirect_uri": self.redirect_uri,
                  "scope": self.scope, "state": secrets.token_urlsafe(8), "nonce": secrets.token_urlsafe(8),
                  "code_challenge": challenge, "code_challenge_method": "S256"}
        params.update({k: v for k, v in extra.items() if v is not None})
        return {k: v for k, v in params.items() if v is not ...}

    def authorize(self, **extra):
        params = self.authorize_params(**extra)
        return params, self.http.get("/authorize?" + urlencode(params))

    def login(self, identifier, password, location):
        page = self.http.get(location)
        token = csrf_from(page.get_data(as_text=True))
        return self.http.post(location, data={"identifier": identifier, "password": password, "csrf_token": token})

    def follow_to_code(self, response, *, identifier=None, password=None, consent=True, max_hops=10):
        """Follow redirects through login and consent until the client's redirect URI."""
        for _ in range(max_hops):
            location = response.headers.get("Location", "")
            if location.startswith(self.redirect_uri):
                return query_of(location)
            if response.status_code != 302:
                raise AssertionError(f"stuck at {response.status_code}: {response.get_data(as_text=True)[:500]}")
            path = location.replace("http://localhost", "")
            if path.startswith("/login"):
                response = self.login(identifier, password, path)
            elif path.startswith("/authorize/consent"):
                page = self.http.get(path)
                token = csrf_from(page.get_data(as_text=True))
                response = self.http.post(path, data={"csrf_token": token, "remember": "1",
                                                      "decision": "allow" if consent else "deny"})
            else:
                response = self.http.get(path)
        raise AssertionError("too many redirects")

    def token(self, code, *, verifier=None, auth="basic", **extra):
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri,
                "code_verifier": verifier or self.verifier}
        data.update(extra)
        return self.post_token(data, auth=auth)

    def post_token(self, data, *, auth="basic"):
        headers = {}
        data = {k: v for k, v in data.items() if v is not None}
        if auth == "basic" and self.secret:
            raw = f"{self.client_id}:{self.secret}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(raw).decode()
        elif auth == "post":
            data.update(client_id=self.client_id, client_secret=self.secret)
        elif auth == "none":
            data["client_id"] = self.client_id
        return self.http.post("/token", data=data, headers=headers)

    def refresh(self, refresh_token, auth="basic"):
        return self.post_token({"grant_type": "refresh_token", "refresh_token": refresh_token}, auth=auth)

    def decode_id_token(self, id_token):
        jwks = self.http.get("/jwks.json").get_json()
        return jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=["ES256", "RS256"])
