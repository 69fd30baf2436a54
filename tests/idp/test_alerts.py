"""Alerts to the citizen (idp/cabinet/alerts.py): a login from a new device,
a portal receiving their data for the first time, a change to how they log
in; each in the account's language, with the cabinet link under the issuer,
and never at the cost of the action it reports."""
from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select, update

from idp.demo import DEMO_PASSWORD
from oidc_helpers import RP, csrf_from

PINFL = "31503901234567"  # Aziz Karimov, verified e-mail aziz@example.uz
NO_EMAIL_PINFL = "42207851234568"  # Dilnoza Yusupova, no e-mail address
ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Mobile Safari/537.36")
EVIL = "http://evil.example"


def messages(idp, to, channel="email"):
    from idp.notify.models import OutboxMessage

    with idp.db.transaction() as s:
        return [(m.subject, m.body) for m in s.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == to, OutboxMessage.channel == channel)
            .order_by(OutboxMessage.created_at))]


def set_account(idp, pinfl=PINFL, **values):
    from idp.people.models import Account, Person

    with idp.db.transaction() as s:
        account_id = s.scalars(select(Account.id).join(Person).where(Person.pinfl == pinfl)).one()
        s.execute(update(Account).where(Account.id == account_id).values(**values))


def log_in(http, pinfl=PINFL, *, base_url="http://localhost", user_agent=ANDROID_CHROME):
    page = http.get("/login", base_url=base_url, headers={"User-Agent": user_agent}).get_data(as_text=True)
    response = http.post("/login", data={"identifier": pinfl, "password": DEMO_PASSWORD, "csrf_token": csrf_from(page)},
                         base_url=base_url, headers={"User-Agent": user_agent})
    assert response.status_code == 302 and "/login" not in response.headers["Location"], \
        response.get_data(as_text=True)[:300]
    return response


def same_device(app, http):
    """Another visit from the same browser: its known-device cookie, no login."""
    again = app.test_client()
    again.set_cookie("idp_dev", http.get_cookie("idp_dev").value)
    return again


def test_a_new_device_alerts_once_and_a_known_device_does_not(app, idp, demo):
    set_account(idp, locale="en")
    first = app.test_client()
    log_in(first)
    assert messages(idp, "aziz@example.uz") == []  # the account's very first login is no news
    phone = app.test_client()
    log_in(phone)
    [(subject, body)] = messages(idp, "aziz@example.uz")
    assert subject == "New login to your OneID account"
    assert "Chrome on Android" in body and "Not you? End all sessions at http://localhost/" in body
    assert "change your password" in body
    assert not re.search(r"\d{4}-\d{2}-\d{2}|UTC", body)  # the time reads as a person writes it
    log_in(same_device(app, phone))  # the same browser again, a new session: no alert
    log_in(same_device(app, first))
    assert len(messages(idp, "aziz@example.uz")) == 1


def test_the_alert_is_in_the_accounts_language(app, idp, demo):
    log_in(app.test_client())
    set_account(idp, locale="ru")
    log_in(app.test_client())
    set_account(idp, locale="uz_Cyrl")
    log_in(app.test_client())
    set_account(idp, locale="uz")
    log_in(app.test_client())
    (ru_subject, ru_body), (cyr_subject, cyr_body), (uz_subject, uz_body) = messages(idp, "aziz@example.uz")
    assert ru_subject == "Вход в аккаунт OneID с нового устройства" and "Это были не вы?" in ru_body
    assert "Chrome" in ru_body and "Android" in ru_body
    assert cyr_subject == "OneID ҳисобингизга янги қурилмадан кирилди"
    assert uz_subject == "OneID hisobingizga yangi qurilmadan kirildi" and "Bu siz emasmisiz?" in uz_body


def test_the_cabinet_link_comes_from_the_issuer_not_the_host_header(app, idp, demo):
    set_account(idp, locale="en")
    log_in(app.test_client())
    log_in(app.test_client(), base_url=EVIL)
    [(_subject, body)] = messages(idp, "aziz@example.uz")
    assert "evil.example" not in body and re.findall(r"https?://[^\s]+", body) == ["http://localhost/"]


def test_without_a_verified_e_mail_the_alert_is_a_short_sms(app, idp, demo):
    set_account(idp, pinfl=NO_EMAIL_PINFL, phone="+998901234567", phone_verified=True, locale="en")
    log_in(app.test_client(), NO_EMAIL_PINFL)
    log_in(app.test_client(), NO_EMAIL_PINFL)
    [(_subject, text)] = messages(idp, "+998901234567", channel="sms")
    assert text.startswith("OneID: Someone logged in") and "Chrome on Android" in text
    assert text.endswith("Not you? http://localhost/") and len(text) < 200


def test_a_failed_delivery_does_not_break_the_login(app, idp, demo, monkeypatch, caplog):
    from idp.notify.senders import SmtpEmailSender

    set_account(idp, locale="en")
    log_in(app.test_client())
    # a mail server that does not answer (nothing listens on port 1)
    monkeypatch.setattr(idp, "email", SmtpEmailSender("smtp://127.0.0.1:1", sender="OneID <no-reply@id.example>",
                                                      timeout=2))
    browser = app.test_client()
    with caplog.at_level(logging.WARNING):
        log_in(browser)
    assert browser.get("/?lang=en").status_code == 200  # logged in
    assert any("alert new_device_login not delivered" in r.getMessage() for r in caplog.records)
    assert not any("aziz" in r.getMessage() or PINFL in r.getMessage() for r in caplog.records)


@pytest.fixture
def rp(app, demo):
    return RP(app.test_client(), app, client_id=demo["client"]["client_id"], secret=demo["client"]["client_secret"],
              redirect_uri="http://rp.example/callback", scope="openid profile")


def test_the_first_portal_to_receive_the_data_alerts_and_the_next_login_does_not(app, idp, rp):
    set_account(idp, locale="en")
    _params, response = rp.authorize()
    assert "code" in rp.follow_to_code(response, identifier=PINFL, password=DEMO_PASSWORD)
    [(subject, body)] = messages(idp, "aziz@example.uz")
    assert subject == "A new service received your OneID data"
    assert "my.gov.uz (demo portal) received your data from OneID for the first time" in body
    assert "withdraw the service's access" in body and "http://localhost/" in body
    _params, response = rp.authorize()  # the same portal again: consent remembered, no alert
    assert "code" in rp.follow_to_code(response)
    assert len(messages(idp, "aziz@example.uz")) == 1


def test_a_portal_asked_without_remembering_consent_alerts_only_once(app, idp, rp):
    """Consent not remembered is asked again; the portal is still not new."""
    set_account(idp, locale="en")
    for _ in range(2):
        _params, response = rp.authorize(prompt="consent")
        assert "code" in rp.follow_to_code(response, identifier=PINFL, password=DEMO_PASSWORD)
    assert [s for s, _b in messages(idp, "aziz@example.uz")] == ["A new service received your OneID data"]


def test_a_change_of_login_method_says_how_to_react(app, idp, demo):
    set_account(idp, locale="en")
    http = app.test_client()
    log_in(http)
    # a recent substantial login (password + code to the address) may set a new password
    page = http.get("/login/verify").get_data(as_text=True)
    http.post("/login/verify", data={"action": "send_email", "csrf_token": csrf_from(page)})
    code = re.search(r"\b(\d{6})\b", messages(idp, "aziz@example.uz")[-1][1]).group(1)
    http.post("/login/verify", data={"action": "email", "code": code, "csrf_token": csrf_from(page)})
    page = http.get("/cabinet/security/").get_data(as_text=True)
    done = http.post("/cabinet/security/password", data={"current_password": DEMO_PASSWORD,
                                                         "new_password": "a new long passphrase 42",
                                                         "csrf_token": csrf_from(page)})
    assert done.status_code == 200
    subject, body = messages(idp, "aziz@example.uz")[-1]
    assert subject == "Your OneID login settings were changed"
    assert "The password was set or changed." in body and "Not you? End all sessions at http://localhost/" in body


def test_an_alert_sent_once_goes_out_once_from_parallel_instances(app, idp, demo, settings_overrides):
    """Two instances sharing the database claim the key atomically: one sends."""
    from concurrent.futures import ThreadPoolExecutor

    from idp.app import create_app
    from idp.cabinet import alerts

    other = create_app(settings_overrides)
    recipient = alerts.Recipient(email="aziz@example.uz", phone=None, locale="en")

    def send(instance):
        with instance.app_context():
            return alerts.send(recipient, alerts.OFFICER_VIEWED_CASE, once="case-1:officer-1",
                               consulate="Consulate General of Uzbekistan in Moscow")
    try:
        with ThreadPoolExecutor(6) as pool:
            sent = list(pool.map(send, [app, other] * 3))
    finally:
        worker = other.extensions.get("oidc_backchannel")
        if worker is not None:
            worker.stop()
        other.extensions["idp"].db.dispose()
    assert sent.count(True) == 1
    assert len(messages(idp, "aziz@example.uz")) == 1


def test_an_existing_oneid_portal_through_the_legacy_facade_is_a_new_portal_too(app, idp, demo):
    from urllib.parse import urlencode

    from oidc.clients import create_client

    redirect = "https://portal.example.uz/oneid/callback"
    with idp.db.transaction() as s:
        create_client(s, name="Old portal", redirect_uris=[redirect], profile="oneid_legacy",
                      client_id="old_portal.uz", client_secret="portal-secret-from-the-old-oneid-1234",
                      scopes=["openid", "oneid", "pinfl"])
    set_account(idp, locale="en")
    http = app.test_client()
    sign_in = "/sso/oauth/Authorization.do?" + urlencode({"response_type": "one_code", "client_id": "old_portal.uz",
                                                          "redirect_uri": redirect, "scope": "old_portal.uz"})
    for _ in range(2):
        response = http.get(sign_in)
        for _hop in range(12):
            location = response.headers.get("Location", "")
            if location.startswith(redirect):
                break
            path = location.replace("http://localhost", "")
            if path.startswith("/login"):
                page = http.get(path).get_data(as_text=True)
                response = http.post(path, data={"identifier": PINFL, "password": DEMO_PASSWORD,
                                                 "csrf_token": csrf_from(page)})
            elif path.startswith("/authorize/consent"):
                page = http.get(path).get_data(as_text=True)
                response = http.post(path, data={"csrf_token": csrf_from(page), "decision": "allow", "remember": "1"})
            else:
                response = http.get(path)
        assert "code=" in location
    [(subject, body)] = messages(idp, "aziz@example.uz")
    assert subject == "A new service received your OneID data" and body.startswith("Old portal received")
