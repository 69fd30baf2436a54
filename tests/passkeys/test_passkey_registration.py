"""Adding a passkey from the personal cabinet."""
from __future__ import annotations

from conftest import PINFL
from soft_authenticator import SoftAuthenticator, b64u


def test_options_ask_for_a_discoverable_passkey_without_personal_data_in_the_handle(browser):
    browser.log_in_with_password()
    options = browser.registration_options()["publicKey"]
    assert options["rp"] == {"id": "localhost", "name": "OneID"}
    selection = options["authenticatorSelection"]
    assert selection["residentKey"] == "required" and selection["requireResidentKey"] is True
    assert selection["userVerification"] == "preferred"
    assert options["attestation"] == "none" and options["extensions"] == {"credProps": True}
    assert options["pubKeyCredParams"][0] == {"type": "public-key", "alg": -7}
    assert options["user"]["name"] == PINFL and options["user"]["displayName"] == "Aziz Rustamovich Karimov"
    assert PINFL not in options["user"]["id"] and b64u(PINFL.encode()) not in options["user"]["id"]
    assert options["excludeCredentials"] == []


def test_a_registered_passkey_is_stored_listed_and_audited(registered, phone, passkey_rows, audit):
    [row] = passkey_rows()
    assert row.label == "My phone" and row.credential_id in phone.credentials
    assert row.data["sign_count"] == 0 and row.data["discoverable"] is True and row.data["user_verified"] is True
    assert row.data["transports"] == ["hybrid", "internal"] and row.data["backup_eligible"] is False
    assert set(row.data) >= {"public_key", "user_handle", "aaguid"} and "review" not in row.data
    page = registered.http.get("/cabinet/passkeys?lang=en").get_data(as_text=True)
    assert "My phone" in page and "not used yet" in page
    events = [e for e, _ in audit()]
    assert "passkey.registered" in events


def test_registered_passkeys_are_excluded_from_new_registrations(registered, phone):
    options = registered.registration_options()["publicKey"]
    assert [c["id"] for c in options["excludeCredentials"]] == [b64u(c) for c in phone.credentials]
    try:
        phone.create(options)
    except ValueError as exc:  # the authenticator refuses, as a browser's InvalidStateError
        assert "excluded" in str(exc)
    else:
        raise AssertionError("the phone made a second passkey for the same account")


def test_the_same_credential_cannot_be_registered_twice(registered, phone, passkey_rows):
    copied = SoftAuthenticator()  # ignores excludeCredentials and reuses the credential ID
    response = registered.register(copied, credential_id=next(iter(phone.credentials)))
    assert response.status_code == 400 and response.get_json()["error"] == "already_registered"
    assert len(passkey_rows()) == 1


def test_a_second_device_can_be_added(registered, passkey_rows):
    assert registered.register(SoftAuthenticator(backup_eligible=True), "Laptop").status_code == 200
    rows = sorted(passkey_rows(), key=lambda r: r.label)
    assert [r.label for r in rows] == ["Laptop", "My phone"] and rows[0].data["backup_eligible"] is True


def test_registration_from_a_wrong_origin_is_refused(browser, phone, passkey_rows, audit):
    browser.log_in_with_password()
    response = browser.register(phone, origin="https://id-gov-uz.example")
    assert response.status_code == 400 and response.get_json()["error"] == "wrong_origin"
    assert passkey_rows() == []
    assert ("passkey.registration.failed", {"reason": "wrong_origin"}) in audit()


def test_registration_for_a_wrong_rp_id_is_refused(browser, phone, passkey_rows):
    browser.log_in_with_password()
    response = browser.register(phone, rp_id="example.com")
    assert response.get_json()["error"] == "wrong_rp_id" and passkey_rows() == []


def test_a_registration_challenge_is_single_use(browser, phone, passkey_rows):
    browser.log_in_with_password()
    options = browser.registration_options()
    assert browser.register(phone, options=options).status_code == 200
    replay = browser.register(SoftAuthenticator(), options=options)
    assert replay.status_code == 400 and replay.get_json()["error"] == "challenge_expired"
    assert len(passkey_rows()) == 1


def test_an_expired_registration_challenge_is_refused(browser, phone, passkey_rows, expire):
    browser.log_in_with_password()
    options = browser.registration_options()
    expire(options["ceremony"])
    response = browser.register(phone, options=options)
    assert response.get_json()["error"] == "challenge_expired" and passkey_rows() == []


def test_a_challenge_answered_from_another_browser_is_refused(browser, new_browser, phone, passkey_rows):
    browser.log_in_with_password()
    options = browser.registration_options()
    other = new_browser()
    other.log_in_with_password()  # the same person, but not the browser that asked
    response = other.register(phone, options=options)
    assert response.get_json()["error"] == "challenge_not_bound" and passkey_rows() == []


def test_registration_needs_a_login_and_a_csrf_token(browser, phone):
    assert browser.post_json("/cabinet/passkeys/options").status_code == 401
    assert browser.http.get("/cabinet/passkeys").headers["Location"].startswith("/login")
    browser.log_in_with_password()
    refused = browser.post_json("/cabinet/passkeys/options", csrf=False)
    assert refused.status_code == 400 and refused.get_json()["error"] == "csrf"


def test_a_name_longer_than_100_characters_is_refused_before_a_key_is_made(browser):
    browser.log_in_with_password()
    response = browser.post_json("/cabinet/passkeys/options", {"label": "x" * 101})
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_label"


def test_failure_messages_are_translated(browser, phone):
    browser.log_in_with_password()
    options = browser.registration_options()
    credential = phone.create(options["publicKey"], origin="https://evil.example")
    response = browser.http.post("/cabinet/passkeys?lang=ru", json={"ceremony": options["ceremony"], "credential": credential},
                                 headers={"X-CSRFToken": browser.csrf()})
    assert response.get_json()["error"] == "wrong_origin"
    assert "OneID" in response.get_json()["message"] and "website" not in response.get_json()["message"]
