"""In-person enrollment: from booking to activation, and the refusals on the way."""
from __future__ import annotations

import datetime as dt

import pytest
from soft_authenticator import SoftAuthenticator

from consular_citizen import Citizen
from consular_desk import Desk
from consular_people import CITIZENS
from consular_portal import csrf_in

ZARINA = CITIZENS[5]


def account_of(idp, pinfl):
    from idp.auth.services import find_account

    with idp.db.transaction() as s:
        account = find_account(s, pinfl)
        return None if account is None else (account.identity_level, account.person.residency,
                                             account.proofing_method, account.email, account.id)


@pytest.fixture
def zarina(app, idp, open_slot):
    """Zarina booked a visit at the Moscow consulate; (citizen, reference)."""
    citizen = Citizen(app, idp, "zarina@example.org", SoftAuthenticator())
    reference, _path = citizen.book("MOW", open_slot("MOW"))
    return citizen, reference


def test_the_journey_from_booking_to_activation_with_the_chip(idp, zarina, portal, passport_of, faces_jpeg, audit,
                                                              outbox):
    citizen, reference = zarina
    desk = Desk(portal("officer"))
    visit = desk.arrive(reference)
    assert desk.record_passport(visit, ZARINA).status_code == 302
    page = desk.visit_page(visit)
    assert "Zarina" in page and ZARINA[0] in page
    assert desk.read_chip(visit, passport_of(ZARINA))["accepted"] is True
    assert desk.photo(visit, faces_jpeg["hopper"]).status_code == 302
    page = desk.visit_page(visit)
    assert 'id="chip-portrait"' in page and 'id="desk-photo"' in page
    assert "Face match: <strong>match</strong>" in page and "data-flag" not in page
    code = desk.printed_code(desk.approve(visit))
    # the citizen is told to activate, without the code (that is on paper)
    notice = outbox("zarina@example.org")[-1]
    assert notice[1] == "Your identity was confirmed at the consulate" and code not in notice[2]
    # the citizen activates on their phone
    response = citizen.enter_code(code.lower().replace("-", " "))
    assert response.status_code == 302 and response.headers["Location"].endswith("/consular/activate/passkey")
    done = citizen.create_passkey()
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["redirect"] == "/consular/activated"
    assert "Identity verified at level" in citizen.page("/consular/activated?lang=en")
    level, residency, method, email, account_id = account_of(idp, ZARINA[0])
    assert (level, residency, method, email) == ("high", "non_resident", "in_person", "zarina@example.org")
    # ... and logs in with the passkey at level high
    citizen.http.post("/logout-here", data={"csrf_token": csrf_in(citizen.page("/"))})
    assert citizen.log_in_with_passkey().status_code == 200
    assert "high" in citizen.page("/?lang=en").split("This login reaches level")[1][:80]
    steps = [e.event for e in audit() if e.event.startswith(("consular.visit", "consular.act", "consular.account"))
             and e.event != "consular.visit.viewed"]
    assert steps == ["consular.visit.opened", "consular.visit.document", "consular.visit.chip", "consular.visit.photo",
                     "consular.visit.approved", "consular.activation_code.issued", "consular.account.created",
                     "consular.activated"]
    assert audit("consular.visit.viewed")  # every page the officer opened about her
    assert audit("consular.activated")[0].subject == account_id


def test_a_passport_without_a_chip_is_recorded_by_hand(idp, zarina, portal, faces_jpeg):
    citizen, reference = zarina
    desk = Desk(portal("officer"))
    visit = desk.arrive(reference)
    desk.record_passport(visit, ZARINA)
    desk.photo(visit, faces_jpeg["hopper"])
    assert "There is no chip portrait to compare the photo with" in desk.visit_page(visit)
    code = desk.printed_code(desk.approve(visit))
    assert citizen.enter_code(code).status_code == 302
    assert citizen.create_passkey().status_code == 200
    assert account_of(idp, ZARINA[0])[:3] == ("high", "non_resident", "in_person")


def test_a_used_code_is_refused(idp, zarina, portal, faces_jpeg, app, audit):
    citizen, reference = zarina
    desk = Desk(portal("officer"))
    visit = desk.arrive(reference)
    desk.record_passport(visit, ZARINA)
    desk.photo(visit, faces_jpeg["hopper"])
    code = desk.printed_code(desk.approve(visit))
    citizen.enter_code(code)
    assert citizen.create_passkey().status_code == 200
    again = Citizen(app, idp, "someone@example.org", SoftAuthenticator())
    response = again.enter_code(code)
    assert response.status_code == 400 and "This code is not valid" in response.get_data(as_text=True)
    assert audit("consular.activation.refused")[-1].data["reason"] == "code_used"


def test_an_expired_code_is_refused(idp, zarina, portal, faces_jpeg, audit):
    from consular.models import ActivationCode

    citizen, reference = zarina
    desk = Desk(portal("officer"))
    visit = desk.arrive(reference)
    desk.record_passport(visit, ZARINA)
    desk.photo(visit, faces_jpeg["hopper"])
    code = desk.printed_code(desk.approve(visit))
    assert citizen.enter_code(code).status_code == 302  # valid now
    with idp.db.transaction() as s:
        row = s.query(ActivationCode).one()
        assert row.expires_at - row.created_at == dt.timedelta(hours=72)
        row.expires_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    response = citizen.create_passkey()
    assert response.status_code == 400 and response.get_json()["error"] == "activation_code_invalid"
    assert citizen.enter_code(code).status_code == 400
    assert audit("consular.activation.refused")[-1].data["reason"] == "code_expired"
    assert account_of(idp, ZARINA[0]) is None  # no account without a valid code


def test_a_new_code_revokes_the_earlier_one(zarina, portal, faces_jpeg):
    citizen, reference = zarina
    desk = Desk(portal("officer"))
    visit = desk.arrive(reference)
    desk.record_passport(visit, ZARINA)
    desk.photo(visit, faces_jpeg["hopper"])
    first = desk.printed_code(desk.approve(visit))
    second = desk.printed_code(desk.post(visit, "code"))
    assert first != second
    assert citizen.enter_code(first).status_code == 400
    assert citizen.enter_code(second).status_code == 302


def test_a_face_that_does_not_match_the_chip_needs_a_supervisor(zarina, portal, passport_of, faces_jpeg):
    _citizen, reference = zarina
    officer = portal("officer")
    desk = Desk(officer)
    visit = desk.arrive(reference)
    desk.record_passport(visit, ZARINA)
    desk.read_chip(visit, passport_of(ZARINA))
    desk.photo(visit, faces_jpeg["astronaut"])
    assert 'data-flag="face_no_match"' in desk.visit_page(visit)
    assert desk.approve(visit).status_code == 302  # the first approval
    assert 'id="first-approval"' in desk.visit_page(visit)
    assert desk.approve(visit).status_code == 403  # not twice by the same officer
    assert Desk(portal("officer2")).approve(visit).status_code == 403  # nor by an officer
    code = Desk(portal("supervisor")).printed_code(Desk(portal("supervisor")).approve(visit))
    assert len(code) == 19


def test_a_chip_of_another_passport_is_refused_and_flagged(zarina, portal, passport_of):
    _citizen, reference = zarina
    desk = Desk(portal("officer"))
    visit = desk.arrive(reference)
    desk.record_passport(visit, ZARINA)
    other = passport_of(ZARINA, document_number="FA7777777")
    assert desk.read_chip(visit, other)["accepted"] is False
    page = desk.visit_page(visit)
    assert 'data-flag="chip_refused"' in page and "The chip belongs to another passport" in page


def test_the_reader_token_is_single_use_and_bound_to_the_visit(zarina, portal, passport_of):
    from consular_desk import upload_for

    _citizen, reference = zarina
    desk = Desk(portal("officer"))
    visit = desk.arrive(reference)
    desk.record_passport(visit, ZARINA)
    reader = desk.start_reader(visit)
    http = desk.officer.http
    assert http.get(reader["endpoint"] + "/challenge").status_code == 401
    wrong = reader["endpoint"].replace(visit, "0" * 36)
    assert http.get(wrong + "/challenge", headers={"Authorization": f"Bearer {reader['token']}"}).status_code == 401
    auth = {"Authorization": f"Bearer {reader['token']}"}
    nonce = bytes.fromhex(http.get(reader["endpoint"] + "/challenge", headers=auth).get_json()["nonce"])
    payload = upload_for(passport_of(ZARINA), nonce)
    assert http.post(reader["endpoint"], json={"format": "nonsense"}, headers=auth).status_code == 400
    assert http.post(reader["endpoint"], json=payload, headers=auth).status_code == 202
    assert http.post(reader["endpoint"], json=payload, headers=auth).status_code == 401  # used


def test_the_passport_must_be_checked_and_in_the_register(zarina, portal):
    _citizen, reference = zarina
    desk = Desk(portal("officer"))
    visit = desk.arrive(reference)
    response = desk.record_passport(visit, ZARINA, checked=False)
    assert response.status_code == 400 and 'data-problem="passport_not_checked"' in response.get_data(as_text=True)
    response = desk.record_passport(visit, ZARINA, number="FA9999999")
    assert 'data-problem="register_no_match"' in response.get_data(as_text=True)
    assert desk.approve(visit).status_code == 409


def test_a_photo_without_a_face_is_refused(zarina, portal):
    import io

    from PIL import Image

    _citizen, reference = zarina
    desk = Desk(portal("officer"))
    visit = desk.arrive(reference)
    desk.record_passport(visit, ZARINA)
    blank = io.BytesIO()
    Image.new("RGB", (640, 480), (128, 128, 128)).save(blank, "JPEG")
    response = desk.photo(visit, blank.getvalue())
    assert response.status_code == 422 and 'id="photo-problem" data-reason="no_face"' in response.get_data(as_text=True)
    assert desk.approve(visit).status_code == 409


def test_a_refusal_closes_the_visit(zarina, portal, audit):
    _citizen, reference = zarina
    desk = Desk(portal("officer"))
    visit = desk.arrive(reference)
    desk.record_passport(visit, ZARINA)
    assert desk.post(visit, "refuse", {"reason": "person_mismatch"}).status_code == 302
    assert 'id="visit-refused"' in desk.visit_page(visit)
    assert desk.approve(visit).status_code == 409
    assert audit("consular.visit.refused")[0].data["reason"] == "person_mismatch"


def test_another_consulate_cannot_open_the_visit(zarina, portal):
    _citizen, reference = zarina
    visit = Desk(portal("officer")).arrive(reference)
    istanbul = portal("istanbul")
    assert istanbul.get(f"/consular/officer/IST/visits/{visit}").status_code == 404
    assert istanbul.get(f"/consular/officer/MOW/visits/{visit}").status_code == 404
    assert "appointment_not_found" in istanbul.page(f"/consular/officer/IST/desk?ref={reference}") or \
        "No appointment with this reference" in istanbul.page(f"/consular/officer/IST/desk?ref={reference}&lang=en")


def test_a_citizen_without_an_appointment_is_enrolled_at_the_desk(app, idp, portal, faces_jpeg, audit):
    from consular_portal import csrf_in

    officer = portal("officer")
    page = officer.page("/consular/officer/MOW/desk?lang=en")
    response = officer.http.post("/consular/officer/MOW/visits", data={"csrf_token": csrf_in(page), "locale": "ru"})
    assert response.status_code == 302
    visit = response.headers["Location"].rsplit("/", 1)[-1]
    desk = Desk(officer)
    desk.record_passport(visit, ZARINA)
    desk.photo(visit, faces_jpeg["hopper"])
    code = desk.printed_code(desk.approve(visit))
    citizen = Citizen(app, idp, "unused@example.org", SoftAuthenticator())
    assert citizen.enter_code(code).status_code == 302
    assert citizen.create_passkey().status_code == 200
    level, residency, _method, email, _id = account_of(idp, ZARINA[0])
    assert (level, residency, email) == ("high", "non_resident", None)  # no unverified address
    assert audit("consular.visit.opened")[0].data["walk_in"] is True
