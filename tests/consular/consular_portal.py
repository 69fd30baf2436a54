"""A browser (the Flask test client) used by a consular officer: it logs in
with a password, adds the portal passkey with the administrator's one-time
code as passkeys.js would, and logs in to the consular portal with it."""
from __future__ import annotations

import re

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"|'
                  r'data-csrf="([^"]+)"|name="csrf-token" content="([^"]+)"')


def csrf_in(html: str) -> str:
    found = CSRF.search(html)
    if not found:
        raise AssertionError("no CSRF token on the page")
    return next(g for g in found.groups() if g)


class Portal:
    def __init__(self, http, authenticator, *, pinfl: str, password: str):
        self.http, self.authenticator, self.pinfl, self.password = http, authenticator, pinfl, password

    # -- plumbing
    def csrf(self, path: str = "/login?lang=en") -> str:
        return csrf_in(self.http.get(path).get_data(as_text=True))

    def post_json(self, path: str, body: dict | None = None):
        return self.http.post(path, json=body or {}, headers={"X-CSRFToken": self.csrf()})

    def get(self, path: str, **kwargs):
        return self.http.get(path, **kwargs)

    def post(self, path: str, data: dict | None = None, *, csrf_from: str | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf(csrf_from or "/login?lang=en"))
        return self.http.post(path, data=data, **kwargs)

    # -- the officer's account
    def log_in_with_password(self):
        response = self.http.post("/login", data={"identifier": self.pinfl, "password": self.password,
                                                  "csrf_token": self.csrf()})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        return response

    def add_passkey(self):
        self.log_in_with_password()
        options = self.post_json("/cabinet/passkeys/options", {"label": "desk"}).get_json()
        credential = self.authenticator.create(options["publicKey"])
        response = self.post_json("/cabinet/passkeys", {"ceremony": options["ceremony"], "credential": credential,
                                                        "label": "desk"})
        assert response.status_code == 200, response.get_json()

    def add_portal_passkey(self, code: str):
        """The officer's way: the administrator's one-time code, then the passkey."""
        self.log_in_with_password()
        page = self.http.get("/consular/officer/passkey").get_data(as_text=True)
        granted = self.http.post("/consular/officer/passkey", data={"code": code, "csrf_token": csrf_in(page)})
        assert granted.status_code == 200, granted.get_data(as_text=True)[:300]
        options = self.post_json("/consular/officer/passkey/options").get_json()
        assert options.get("ok"), options
        credential = self.authenticator.create(options["publicKey"])
        response = self.post_json("/consular/officer/passkey/verify", {"ceremony": options["ceremony"],
                                                                       "credential": credential})
        assert response.status_code == 200, response.get_json()

    # -- the consular portal
    def portal_login_answer(self, **get):
        options = self.post_json("/consular/officer/login/options").get_json()
        credential = self.authenticator.get(options["publicKey"], **get)
        return self.post_json("/consular/officer/login", {"ceremony": options["ceremony"], "credential": credential})

    def portal_login(self, **get):
        response = self.portal_login_answer(**get)
        assert response.status_code == 200, response.get_json()
        return response

    def page(self, path: str, status: int = 200) -> str:
        response = self.http.get(path)
        assert response.status_code == status, (response.status_code, response.headers.get("Location"),
                                                response.get_data(as_text=True)[:500])
        return response.get_data(as_text=True)

    def action(self, path: str, data: dict | None = None, *, page: str):
        """Post a form found on `page` (the HTML), with the page's CSRF token."""
        data = dict(data or {})
        data.setdefault("csrf_token", csrf_in(page))
        return self.http.post(path, data=data)


def officer_code(app, pinfl: str) -> str:
    """What `idp officers create` prints: the one-time code for the portal passkey."""
    from consular.services import officer_enrollment
    from idp.auth.services import find_account

    idp = app.extensions["idp"]
    with idp.db.transaction() as s:
        account_id = find_account(s, pinfl).id
    return officer_enrollment.issue(idp.state, account_id)
