"""Booking a visit with nothing but a verified e-mail address: capacity,
one upcoming appointment per address, cancellation, reminders."""
from __future__ import annotations

import re

from consular_citizen import Citizen


def booked_count(idp, slot_id):
    from consular.models import Slot

    with idp.db.transaction() as s:
        return s.get(Slot, slot_id).booked


def test_booking_needs_a_verified_e_mail_address(app, idp, open_slot, outbox):
    slot = open_slot("IST")
    citizen = Citizen(app, idp, "ali@example.org")
    assert 'data-consulate="IST"' in citizen.page("/consular/book?lang=en")
    page = citizen.page("/consular/book/IST?lang=en")
    assert 'id="booking-email"' in page and "data-slot" not in page
    # choosing a time before the address is verified leads back to the address
    response = citizen.choose("IST", slot)
    assert response.status_code == 302 and booked_count(idp, slot) == 0
    citizen.post("/consular/book/IST/email", {"email": "ali@example.org"}, page="/consular/book/IST")
    wrong = citizen.post("/consular/book/IST/code", {"code": "000000"}, page="/consular/book/IST")
    assert wrong.status_code == 400 and booked_count(idp, slot) == 0
    citizen.post("/consular/book/IST/code", {"code": citizen.last_code()}, page="/consular/book/IST")
    assert f'data-slot="{slot}"' in citizen.page("/consular/book/IST")
    response = citizen.choose("IST", slot)
    assert response.status_code == 302 and "/consular/appointment/" in response.headers["Location"]
    page = citizen.page(response.headers["Location"])
    reference = re.search(r'id="reference">([A-Z0-9]+)<', page).group(1)
    assert "Türkiye Time" in page and booked_count(idp, slot) == 1
    _to, subject, body = outbox("ali@example.org")[-1]
    assert reference in subject and reference in body and "Bring your passport" in body
    manage = re.search(r"(http://localhost/consular/appointment/\S+)", body).group(1)
    assert manage.endswith(response.headers["Location"].split("?")[0])


def test_the_last_place_goes_to_one_citizen_only(app, idp, open_slot):
    slot = open_slot("MOW", capacity=1)
    first, second = Citizen(app, idp, "one@example.org"), Citizen(app, idp, "two@example.org")
    first.verify_email("MOW")
    second.verify_email("MOW")
    assert first.choose("MOW", slot).status_code == 302
    refused = second.choose("MOW", slot)
    assert refused.status_code == 409 and "booked the last place a moment ago" in refused.get_data(as_text=True)
    assert booked_count(idp, slot) == 1


def test_one_upcoming_appointment_per_address(app, idp, open_slot):
    citizen = Citizen(app, idp, "ali@example.org")
    citizen.book("MOW", open_slot("MOW", hours_ahead=30))
    citizen.verify_email("MOW")
    response = citizen.choose("MOW", open_slot("MOW", hours_ahead=50))
    assert response.status_code == 409 and "already has an upcoming appointment" in response.get_data(as_text=True)


def test_cancelling_frees_the_place(app, idp, open_slot, outbox):
    slot = open_slot("MOW", capacity=1)
    citizen = Citizen(app, idp, "ali@example.org")
    _reference, path = citizen.book("MOW", slot)
    response = citizen.post(path + "/cancel", {}, page=path)
    assert response.status_code == 302 and booked_count(idp, slot) == 0
    assert 'id="cancelled"' in citizen.page(response.headers["Location"])
    assert "cancelled as you asked" in outbox("ali@example.org")[-1][2]
    assert citizen.post(path + "/cancel", {}, page="/consular/activate").status_code == 409  # once
    other = Citizen(app, idp, "bob@example.org")
    other.book("MOW", slot)
    assert booked_count(idp, slot) == 1


def test_an_unknown_appointment_link_is_not_found(app):
    assert app.test_client().get("/consular/appointment/" + "a" * 64).status_code == 404


def test_a_slot_too_soon_or_of_another_consulate_cannot_be_booked(app, idp, open_slot):
    citizen = Citizen(app, idp, "ali@example.org")
    citizen.verify_email("MOW")
    assert citizen.choose("MOW", open_slot("MOW", hours_ahead=1)).status_code == 409  # inside the lead time
    assert citizen.choose("MOW", open_slot("IST")).status_code == 409


def test_reminders_are_sent_once_for_appointments_starting_soon(app, idp, open_slot, outbox):
    from consular.services.reminders import send_due

    soon, later = open_slot("MOW", hours_ahead=20), open_slot("IST", hours_ahead=60)
    Citizen(app, idp, "soon@example.org", lang="ru").book("MOW", soon)
    Citizen(app, idp, "later@example.org").book("IST", later)
    svc = app.extensions["consular"]
    with app.app_context():
        assert send_due(idp, svc, within_hours=24) == {"due": 1, "sent": 1, "failed": 0}
        assert send_due(idp, svc, within_hours=24) == {"due": 0, "sent": 0, "failed": 0}
    _to, subject, body = outbox("soon@example.org")[-1]
    assert subject.startswith("Напоминание") and "/consular/appointment/" in body
    assert not any(s.startswith("Reminder") for _t, s, _b in outbox("later@example.org"))


def test_a_reminder_that_cannot_be_delivered_is_tried_again(app, idp, open_slot, monkeypatch):
    from idp.notify.senders import DeliveryError

    from consular.services.reminders import send_due

    Citizen(app, idp, "soon@example.org").book("MOW", open_slot("MOW", hours_ahead=20))
    svc = app.extensions["consular"]

    def broken(*_args):
        raise DeliveryError("email")

    with app.app_context():
        monkeypatch.setattr(idp.email, "send", broken)
        assert send_due(idp, svc, within_hours=24)["failed"] == 1
        monkeypatch.undo()
        assert send_due(idp, svc, within_hours=24)["sent"] == 1


def test_the_desk_sees_the_days_appointments_with_masked_addresses(app, idp, open_slot, portal):
    citizen = Citizen(app, idp, "zarina.m@example.org")
    reference, _path = citizen.book("MOW", open_slot("MOW", hours_ahead=30))
    officer = portal("officer")
    found = officer.page(f"/consular/officer/MOW/desk?ref={reference.lower()}&lang=en")
    assert f'data-reference="{reference}"' in found and "z•••@example.org" in found
    assert "zarina.m@example.org" not in found



def test_a_chosen_time_is_confirmed_in_words_before_it_is_booked(app, idp, open_slot, outbox):
    slot = open_slot("IST")
    citizen = Citizen(app, idp, "ali@example.org")
    citizen.post("/consular/book/IST/email", {"email": "ali@example.org"}, page="/consular/book/IST?lang=en")
    citizen.post("/consular/book/IST/code", {"code": citizen.last_code()}, page="/consular/book/IST")
    page = citizen.page("/consular/book/IST?lang=en")
    assert "Türkiye Time" in page and "Europe/Istanbul" not in page  # the zone in words, not its id
    confirm = citizen.page(f"/consular/book/IST/confirm?slot={slot}&lang=en")
    assert "Confirm your appointment" in confirm and 'id="booking-confirm"' in confirm
    when = confirm.split('id="booking-when">', 1)[1].split("<", 1)[0]
    assert "(Türkiye Time)" in when and not re.search(r"\d{4}-\d{2}-\d{2}", when)  # in words, no ISO date
    assert booked_count(idp, slot) == 0  # looking books nothing
    gone = citizen.get("/consular/book/IST/confirm?slot=no-such-slot&lang=en")
    html = gone.get_data(as_text=True)
    assert gone.status_code == 409 and 'id="booking-error"' in html and 'id="booking-confirm"' not in html
    booked = citizen.choose("IST", slot)
    assert booked.status_code == 302 and "booked=1" in booked.headers["Location"] and booked_count(idp, slot) == 1
