"""Changing the e-mail address or phone number in the cabinet: a code confirms
the one address it was sent to, and the account changes only then."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, select

from oidc_helpers import csrf_from

PINFL = "31503901234567"  # Aziz Karimov, verified e-mail aziz@example.uz
OTHER_PINFL = "42207851234568"  # Dilnoza Yusupova, no e-mail yet
PASSWORD = "demo-password-2026"


class Citizen:
    """A browser of a logged-in citizen, with the outbox as their inboxes."""

    def __init__(self, http, idp):
        self.http, self.idp = http, idp

    def post(self, path, data, page="/cabinet/security/"):
        token = csrf_from(self.http.get(page).get_data(as_text=True))
        return self.http.post(path, data={**data, "csrf_token": token})

    def log_in(self, pinfl=PINFL):
        response = self.post("/login?lang=en", {"identifier": pinfl, "password": PASSWORD}, page="/login?lang=en")
        assert response.status_code == 302, response.get_data(as_text=True)[:300]

    def confirm_with_email_code(self):
        """Step the session up with a code to the verified address (password + code: substantial)."""
        self.post("/login/verify", {"action": "send_email"}, page="/login/verify")
        response = self.post("/login/verify", {"action": "email", "code": self.code_sent_to("aziz@example.uz")},
                             page="/login/verify")
        assert response.status_code == 302, response.get_data(as_text=True)[:300]

    def ask_code(self, channel, value):
        return self.post(f"/cabinet/security/contact/{channel}?lang=en", {"value": value})

    def confirm(self, channel, code):
        return self.post(f"/cabinet/security/contact/{channel}?lang=en", {"action": "confirm", "code": code})

    def messages_to(self, recipient):
        from idp.notify.models import OutboxMessage

        with self.idp.db.transaction() as s:
            return [m.body for m in s.scalars(select(OutboxMessage).where(OutboxMessage.recipient == recipient)
                                               .order_by(OutboxMessage.created_at))]

    def code_sent_to(self, recipient):
        return re.search(r"\b(\d{6})\b", self.messages_to(recipient)[-1]).group(1)


def account(idp, pinfl=PINFL):
    from idp.people.models import Account, Person

    with idp.db.transaction() as s:
        row = s.scalars(select(Account).join(Person).where(Person.pinfl == pinfl)).one()
        return {"email": row.email, "email_verified": row.email_verified, "phone": row.phone,
                "phone_verified": row.phone_verified}


def cool_down_passes(idp):
    """Let the minute between two codes go by."""
    from idp.state.models import ShortLivedState

    with idp.db.transaction() as s:
        s.execute(delete(ShortLivedState).where(ShortLivedState.key.like("%cool%")))


@pytest.fixture
def aziz(app, idp, demo):
    citizen = Citizen(app.test_client(), idp)
    citizen.log_in()
    citizen.confirm_with_email_code()
    return citizen


def test_another_address_within_the_cool_down_is_refused_and_not_swapped_in(aziz, idp):
    assert aziz.ask_code("email", "aziz.new@example.uz").status_code == 200
    own_code = aziz.code_sent_to("aziz.new@example.uz")
    swap = aziz.ask_code("email", "dilnoza@example.uz")
    assert swap.status_code == 400 and aziz.messages_to("dilnoza@example.uz") == []
    assert aziz.confirm("email", own_code).status_code == 302
    assert account(idp)["email"] == "aziz.new@example.uz" and account(idp)["email_verified"]
    notice = aziz.messages_to("aziz@example.uz")[-1]  # the old address hears of it, in the owner's language
    assert "OneID" in notice and "aziz.new" not in notice and not re.search(r"\b\d{6}\b", notice)
    page = swap.get_data(as_text=True)
    assert "We sent a code to another address a moment ago" in page
    assert "We sent a code to aziz.new@example.uz" in page  # the waiting address is still the first


def test_a_code_does_not_confirm_an_address_asked_for_later(aziz, idp):
    aziz.ask_code("email", "aziz.new@example.uz")
    first_code = aziz.code_sent_to("aziz.new@example.uz")
    cool_down_passes(idp)
    assert aziz.ask_code("email", "stranger@example.org").status_code == 200
    stale = aziz.confirm("email", first_code)
    assert stale.status_code == 400 and "The code is not right" in stale.get_data(as_text=True)
    assert account(idp)["email"] == "aziz@example.uz"  # nothing changed
    assert aziz.confirm("email", aziz.code_sent_to("stranger@example.org")).status_code == 302
    assert account(idp)["email"] == "stranger@example.org"


def test_the_account_changes_only_when_the_code_is_confirmed(aziz, idp):
    aziz.ask_code("email", "aziz.new@example.uz")
    assert account(idp) == {"email": "aziz@example.uz", "email_verified": True, "phone": None, "phone_verified": False}


def test_an_address_of_another_account_is_refused_at_confirmation(aziz, app, idp):
    from idp.people.models import Account, Person

    aziz.ask_code("email", "Dilnoza@example.uz")
    with idp.db.transaction() as s:  # Dilnoza verified her address after Aziz asked for a code to it
        s.scalars(select(Account).join(Person).where(Person.pinfl == OTHER_PINFL)).one().email = "dilnoza@example.uz"
    taken = aziz.confirm("email", aziz.code_sent_to("Dilnoza@example.uz"))
    assert taken.status_code == 400 and "belongs to another account" in taken.get_data(as_text=True)
    assert account(idp)["email"] == "aziz@example.uz"


def test_a_phone_number_is_bound_to_its_code_too(aziz, idp):
    assert aziz.ask_code("sms", "+998 90 123 45 67").status_code == 200
    own_code = aziz.code_sent_to("+998901234567")
    swap = aziz.ask_code("sms", "+7 912 345-67-89")
    assert swap.status_code == 400 and aziz.messages_to("+79123456789") == []
    assert account(idp)["phone"] is None
    assert aziz.confirm("sms", own_code).status_code == 302
    assert account(idp)["phone"] == "+998901234567" and account(idp)["phone_verified"]


def test_asking_again_for_the_same_address_keeps_its_code(aziz, idp):
    aziz.ask_code("email", "aziz.new@example.uz")
    code = aziz.code_sent_to("aziz.new@example.uz")
    again = aziz.ask_code("email", "aziz.new@example.uz")
    assert again.status_code == 400 and "You can ask for a new one in" in again.get_data(as_text=True)
    assert len(aziz.messages_to("aziz.new@example.uz")) == 1
    assert aziz.confirm("email", code).status_code == 302


def test_confirming_without_a_code_asked_for_is_a_clear_error(aziz, idp):
    response = aziz.confirm("email", "123456")
    assert response.status_code == 400 and "expired or was already used" in response.get_data(as_text=True)
    assert aziz.post("/cabinet/security/contact/fax", {"value": "1"}).status_code == 404
