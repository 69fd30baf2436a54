"""Who reaches the consular portal: officers with a fresh passkey login only,
each within their own consulate."""
from __future__ import annotations

import time

from soft_authenticator import SoftAuthenticator

from consular_people import AZIZ, PASSWORD, STAFF
from consular_portal import Portal, csrf_in, officer_code


def test_an_officer_who_logged_in_with_a_password_is_sent_to_the_passkey_login(app, world):
    browser = Portal(app.test_client(), SoftAuthenticator(), pinfl=STAFF["officer"][0], password=PASSWORD)
    browser.log_in_with_password()
    response = browser.get("/consular/officer/MOW/queue")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/consular/officer/login?why=passkey_required")
    assert browser.get("/consular/officer/MOW/desk").status_code == 302
    json = browser.http.get("/consular/officer/MOW/visits/x/chip/status", headers={"Accept": "application/json"})
    assert json.status_code == 401 and json.get_json()["error"] == "passkey_required"


def test_without_any_login_the_portal_asks_for_one(app, world):
    response = app.test_client().get("/consular/officer/MOW/queue")
    assert response.status_code == 302 and "why=login_required" in response.headers["Location"]


def test_a_passkey_login_opens_the_portal_at_level_high(portal, audit):
    officer = portal("officer")
    page = officer.page("/consular/officer/MOW/queue?lang=en")
    assert "Remote enrollments to review" in page
    [event] = audit("consular.officer.login")
    assert event.data["sid"]


def test_the_cabinet_passkey_login_alone_does_not_open_the_portal(app, world, portal):
    """A passkey login made elsewhere (the IdP's own login page) reaches level
    high, but the portal session starts only on the portal's login page."""
    officer = portal("officer", log_in=False)
    officer.http.post("/logout-here", data={"csrf_token": officer.csrf()})
    options = officer.post_json("/passkeys/login/options").get_json()
    answer = officer.authenticator.get(options["publicKey"])
    logged_in = officer.post_json("/passkeys/login", {"ceremony": options["ceremony"], "credential": answer})
    assert logged_in.status_code == 200
    response = officer.get("/consular/officer/MOW/queue")
    assert response.status_code == 302 and "why=session_expired" in response.headers["Location"]


def test_a_passkey_without_user_verification_is_refused(portal):
    officer = portal("officer", log_in=False)
    response = officer.portal_login_answer(uv=False)
    assert response.status_code == 401
    assert officer.get("/consular/officer/MOW/queue").status_code == 302


def test_an_account_without_a_role_cannot_log_in_to_the_portal(app, world):
    browser = Portal(app.test_client(), SoftAuthenticator(), pinfl=AZIZ, password=PASSWORD)
    browser.add_passkey()
    response = browser.portal_login_answer()
    assert response.status_code == 403 and response.get_json()["error"] == "not_an_officer"
    assert browser.get("/consular/officer/MOW/queue").status_code == 302


def test_the_portal_session_ends_after_the_idle_timeout(portal, idp):
    officer = portal("officer")
    assert officer.get("/consular/officer/MOW/queue").status_code == 200
    _age_portal_sessions(idp, seen=-(idp.settings.consular_idle_timeout + 5))
    response = officer.get("/consular/officer/MOW/queue")
    assert response.status_code == 302 and "why=session_expired" in response.headers["Location"]
    officer.portal_login()  # the passkey again
    assert officer.get("/consular/officer/MOW/queue").status_code == 200


def test_the_portal_session_has_an_absolute_lifetime(portal, idp):
    officer = portal("officer")
    _age_portal_sessions(idp, started=-(idp.settings.consular_session_lifetime + 5))
    assert officer.get("/consular/officer/MOW/queue").status_code == 302


def test_a_disabled_officer_is_refused_at_the_next_request(portal, idp):
    from consular.services import officers

    officer = portal("officer")
    assert officer.get("/consular/officer/MOW/queue").status_code == 200
    with idp.db.transaction() as s:
        assert officers.disable(s, identifier=STAFF["officer"][0]) == 1
    response = officer.get("/consular/officer/MOW/queue")
    assert response.status_code == 302 and "why=not_an_officer" in response.headers["Location"]


def test_an_officer_sees_only_their_own_consulate(portal):
    officer = portal("officer")
    assert officer.get("/consular/officer/IST/queue").status_code == 404
    assert officer.get("/consular/officer/IST/desk").status_code == 404
    istanbul = portal("istanbul")
    assert istanbul.get("/consular/officer/MOW/queue").status_code == 404
    assert istanbul.get("/consular/officer/").headers["Location"].endswith("/consular/officer/IST/queue")


def test_logging_out_ends_the_portal_and_the_login(portal):
    officer = portal("officer")
    page = officer.page("/consular/officer/MOW/queue")
    response = officer.action("/consular/officer/logout", page=page)
    assert response.status_code == 302
    assert officer.get("/consular/officer/MOW/queue").status_code == 302
    assert officer.get("/").status_code == 302  # the cabinet wants a login again


def _age_portal_sessions(idp, *, seen: float = 0, started: float = 0):
    from consular.services.access import PREFIX

    store = idp.state
    for key in store.keys(PREFIX):
        data = store.get(key)
        data["seen"] = time.time() + seen
        data["started"] = time.time() + started
        store.put(key, data, 3600)


def test_a_cabinet_passkey_added_after_a_password_cannot_open_the_portal(app, world):
    """The hole the one-time code closes: a passkey added in a password session
    counts only as a password login, so it does not reach the portal."""
    browser = Portal(app.test_client(), SoftAuthenticator(), pinfl=STAFF["officer"][0], password=PASSWORD)
    browser.add_passkey()
    browser.portal_login_answer()
    response = browser.get("/consular/officer/MOW/queue")
    assert response.status_code == 302 and "passkey_required" in response.headers["Location"]


def test_the_officers_code_works_once_for_that_account_only(app, world, idp):

    code = officer_code(app, STAFF["officer"][0])
    stranger = Portal(app.test_client(), SoftAuthenticator(), pinfl=STAFF["supervisor"][0], password=PASSWORD)
    stranger.log_in_with_password()
    page = stranger.get("/consular/officer/passkey").get_data(as_text=True)

    refused = stranger.http.post("/consular/officer/passkey", data={"code": code, "csrf_token": csrf_in(page)})
    assert refused.status_code == 400
    assert stranger.post_json("/consular/officer/passkey/options").status_code == 403
    officer = Portal(app.test_client(), SoftAuthenticator(), pinfl=STAFF["officer"][0], password=PASSWORD)
    officer.add_portal_passkey(code)
    officer.portal_login()
    assert officer.get("/consular/officer/MOW/queue").status_code == 200
    again = Portal(app.test_client(), SoftAuthenticator(), pinfl=STAFF["officer"][0], password=PASSWORD)
    again.log_in_with_password()
    page = again.get("/consular/officer/passkey").get_data(as_text=True)
    assert again.http.post("/consular/officer/passkey", data={"code": code,
                                                              "csrf_token": csrf_in(page)}).status_code == 400


def test_guessing_the_code_is_throttled_per_account(app, world):
    browser = Portal(app.test_client(), SoftAuthenticator(), pinfl=STAFF["officer"][0], password=PASSWORD)
    browser.log_in_with_password()

    code = officer_code(app, STAFF["officer"][0])
    page = browser.get("/consular/officer/passkey").get_data(as_text=True)
    for _ in range(5):
        browser.http.post("/consular/officer/passkey", data={"code": "AAAA-BBBB-CCCC-DDDD", "csrf_token": csrf_in(page)})
    blocked = browser.http.post("/consular/officer/passkey", data={"code": code, "csrf_token": csrf_in(page)})
    assert blocked.status_code == 400 and "Too many" in blocked.get_data(as_text=True)
