"""A citizen's browser (the Flask test client) booking a visit and
activating an account with a printed code and a passkey."""
from __future__ import annotations

import re

from sqlalchemy import select

from consular_portal import csrf_in

CODE = re.compile(r"\b(\d{6})\b")


class Citizen:
    def __init__(self, app, idp, email: str, authenticator=None, *, lang: str = "en"):
        self.http, self.idp, self.email, self.lang = app.test_client(), idp, email, lang
        self.authenticator = authenticator

    def get(self, path: str, **kwargs):
        return self.http.get(path, **kwargs)

    def page(self, path: str) -> str:
        response = self.http.get(path)
        assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:300])
        return response.get_data(as_text=True)

    def post(self, path: str, data: dict, *, page: str):
        return self.http.post(path, data={**data, "csrf_token": csrf_in(self.page(page))})

    def last_code(self) -> str:
        from idp.notify.models import OutboxMessage

        with self.idp.db.transaction() as s:
            message = s.scalars(select(OutboxMessage).where(OutboxMessage.recipient == self.email)
                                .order_by(OutboxMessage.created_at.desc())).first()
            return CODE.search(message.body).group(1)

    # -- booking
    def verify_email(self, consulate: str):
        page = f"/consular/book/{consulate}?lang={self.lang}"
        assert self.post(f"/consular/book/{consulate}/email", {"email": self.email}, page=page).status_code == 302
        response = self.post(f"/consular/book/{consulate}/code", {"code": self.last_code()}, page=page)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]

    def choose(self, consulate: str, slot_id: str):
        """Pick a time, and book it on the confirmation page (where the
        address is not verified yet, that page leads back to the address)."""
        confirm = self.http.get(f"/consular/book/{consulate}/confirm?slot={slot_id}")
        page = f"/consular/book/{consulate}/confirm?slot={slot_id}" if confirm.status_code == 200 \
            else f"/consular/book/{consulate}"
        return self.post(f"/consular/book/{consulate}", {"slot": slot_id}, page=page)

    def book(self, consulate: str, slot_id: str) -> tuple[str, str]:
        """(reference, path of the appointment page)."""
        self.verify_email(consulate)
        response = self.choose(consulate, slot_id)
        assert response.status_code == 302, response.get_data(as_text=True)[:800]
        path = response.headers["Location"].split("?")[0]
        page = self.page(path)
        reference = re.search(r'id="reference">([A-Z0-9]+)<', page).group(1)
        return reference, path

    # -- activation
    def enter_code(self, code: str):
        path = f"/consular/activate?lang={self.lang}"
        return self.post(path, {"code": code}, page=path)

    def create_passkey(self, **create):
        token = csrf_in(self.page("/consular/activate"))  # the session's token, as the passkey page has
        options = self.http.post("/consular/activate/passkey/options", json={"label": "phone"},
                                 headers={"X-CSRFToken": token})
        if options.status_code != 200:
            return options
        body = options.get_json()
        credential = self.authenticator.create(body["publicKey"], **create)
        return self.http.post("/consular/activate/passkey",
                              json={"ceremony": body["ceremony"], "credential": credential},
                              headers={"X-CSRFToken": token})

    def log_in_with_passkey(self):
        token = csrf_in(self.page("/login?lang=en"))
        options = self.http.post("/passkeys/login/options", json={}, headers={"X-CSRFToken": token}).get_json()
        credential = self.authenticator.get(options["publicKey"])
        return self.http.post("/passkeys/login", json={"ceremony": options["ceremony"], "credential": credential},
                              headers={"X-CSRFToken": token})
