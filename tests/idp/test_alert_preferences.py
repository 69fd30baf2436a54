"""What the owner can choose about alerts, and what the new-device alert says.

The new-portal alert ("a new service received your data") can be turned off
on the cabinet's security page, by the logged-in owner only, with the CSRF
token; it is then not sent, and the choice is in the data export. Security
alerts (new device, login method, contact, identity level, officer opening a
case) cannot be turned off. The new-device alert names the place the login
came from when the offline place database knows it, never the address."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from idp.demo import DEMO_PASSWORD
from oidc_helpers import RP, csrf_from

PINFL = "31503901234567"  # Aziz Karimov, verified e-mail aziz@example.uz
OTHER_PINFL = "42207851234568"  # Dilnoza Yusupova
EMAIL = "aziz@example.uz"
ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Mobile Safari/537.36")
BERLIN_ADDRESS = "85.214.132.117"


def write_database(path) -> str:
    """A tiny DB-IP-style city database with one Berlin network."""
    mmdb_writer = pytest.importorskip("mmdb_writer", reason="mmdb-writer is a test dependency")
    from netaddr import IPSet

    writer = mmdb_writer.MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="DBIP-City-Lite",
                                    languages=["en"], description={"en": "test"})
    writer.insert_network(IPSet(["85.214.0.0/16"]), {"city": {"names": {"en": "Berlin", "ru": "Берлин"}},
                                                     "country": {"iso_code": "DE"}})
    target = str(path / "places.mmdb")
    writer.to_db_file(target)
    return target


@pytest.fixture
def settings_overrides(settings_overrides, tmp_path):
    return {**settings_overrides, "geoip_database": write_database(tmp_path)}


def messages(idp, to=EMAIL):
    from idp.notify.models import OutboxMessage

    with idp.db.transaction() as s:
        return [(m.subject, m.body) for m in s.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == to, OutboxMessage.channel == "email")
            .order_by(OutboxMessage.created_at))]


def account(idp, pinfl=PINFL):
    from idp.auth.services import find_account

    with idp.db.transaction() as s:
        found = find_account(s, pinfl)
        s.expunge(found)
        return found


def set_locale(idp, locale, pinfl=PINFL):
    from idp.auth.services import find_account

    with idp.db.transaction() as s:
        find_account(s, pinfl).locale = locale


def log_in(http, pinfl=PINFL, *, address="127.0.0.1"):
    environ = {"REMOTE_ADDR": address}
    page = http.get("/login", headers={"User-Agent": ANDROID_CHROME}, environ_base=environ).get_data(as_text=True)
    response = http.post("/login", data={"identifier": pinfl, "password": DEMO_PASSWORD, "csrf_token": csrf_from(page)},
                         headers={"User-Agent": ANDROID_CHROME}, environ_base=environ)
    assert response.status_code == 302 and "/login" not in response.headers["Location"]
    return http


def choose(http, value, *, token=True):
    page = http.get("/cabinet/security/?lang=en").get_data(as_text=True)
    data = {"new_portal": value}
    if token:
        data["csrf_token"] = csrf_from(page)
    return http.post("/cabinet/security/alerts?lang=en", data=data)


@pytest.fixture
def rp(app, demo):
    return RP(app.test_client(), app, client_id=demo["client"]["client_id"], secret=demo["client"]["client_secret"],
              redirect_uri="http://rp.example/callback", scope="openid profile")


# -- the place in the new-device alert -----------------------------------------------
@pytest.mark.parametrize("locale,place", [("en", "Chrome on Android, near Berlin, Germany"),
                                          ("ru", "примерное место: Берлин, Германия")])
def test_the_new_device_alert_names_the_place_never_the_address(app, idp, demo, locale, place):
    set_locale(idp, locale)
    log_in(app.test_client())
    log_in(app.test_client(), address=BERLIN_ADDRESS)
    [(_subject, body)] = messages(idp)
    assert place in body
    assert BERLIN_ADDRESS not in body and "85.214" not in body


def test_without_a_known_place_the_alert_names_the_device_only(app, idp, demo):
    set_locale(idp, "en")
    log_in(app.test_client())
    log_in(app.test_client(), address="10.1.2.3")  # private: never looked up
    [(_subject, body)] = messages(idp)
    assert "from Chrome on Android." in body and "near" not in body


# -- turning the new-portal alert off ------------------------------------------------
def test_the_new_portal_alert_is_on_until_the_owner_turns_it_off(app, idp, demo, rp):
    assert account(idp).alert_new_portal is True
    owner = log_in(app.test_client())
    page = owner.get("/cabinet/security/?lang=en").get_data(as_text=True)
    assert 'id="new-portal-on" checked' in page and "cannot be turned off" in page
    response = choose(owner, "off")
    assert response.status_code == 200 and "Your alert settings are saved." in response.get_data(as_text=True)
    assert account(idp).alert_new_portal is False
    set_locale(idp, "en")
    _params, answer = rp.authorize()
    assert "code" in rp.follow_to_code(answer, identifier=PINFL, password=DEMO_PASSWORD)
    assert [s for s, _b in messages(idp) if s == "A new service received your OneID data"] == []


def test_turned_back_on_the_alert_is_sent_again(app, idp, demo, rp):
    owner = log_in(app.test_client())
    choose(owner, "off")
    choose(owner, "on")
    assert account(idp).alert_new_portal is True
    set_locale(idp, "en")
    _params, answer = rp.authorize()
    assert "code" in rp.follow_to_code(answer, identifier=PINFL, password=DEMO_PASSWORD)
    assert "A new service received your OneID data" in [s for s, _b in messages(idp)]


def test_security_alerts_stay_on(app, idp, demo):
    from idp.cabinet import alerts

    owner = log_in(app.test_client())
    choose(owner, "off")
    set_locale(idp, "en")
    log_in(app.test_client())  # a new device
    assert [s for s, _b in messages(idp)] == ["New login to your OneID account"]
    for kind in (alerts.NEW_DEVICE_LOGIN, alerts.LOGIN_METHOD_CHANGED, alerts.CONTACT_CHANGED,
                 alerts.OFFICER_VIEWED_CASE):
        assert kind in alerts.SECURITY and alerts.wanted(account(idp), kind)
        with idp.db.transaction() as s, pytest.raises(ValueError):
            alerts.set_optional(s, account(idp), kind, False)
    assert set(alerts.KINDS) - alerts.SECURITY == set(alerts.OPTIONAL)


def test_the_choice_needs_the_csrf_token_a_login_and_a_clear_answer(app, idp, demo):
    anonymous = app.test_client()
    page = anonymous.get("/login?lang=en").get_data(as_text=True)
    response = anonymous.post("/cabinet/security/alerts", data={"new_portal": "off", "csrf_token": csrf_from(page)})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    owner = log_in(app.test_client())
    assert choose(owner, "off", token=False).status_code == 400
    assert account(idp).alert_new_portal is True
    bad = choose(owner, "maybe")
    assert bad.status_code == 400 and "Choose whether to receive this alert." in bad.get_data(as_text=True)
    assert account(idp).alert_new_portal is True


def audit_events(idp, event):
    from idp.audit.models import AuditEvent

    with idp.db.transaction() as s:
        rows = list(s.scalars(select(AuditEvent).where(AuditEvent.event == event).order_by(AuditEvent.seq)))
        s.expunge_all()
        return rows


def test_only_the_logged_in_account_changes(app, idp, demo):
    owner = log_in(app.test_client())
    page = owner.get("/cabinet/security/?lang=en").get_data(as_text=True)
    other_id = account(idp, OTHER_PINFL).id
    owner.post("/cabinet/security/alerts", data={"new_portal": "off", "account_id": other_id,
                                                 "csrf_token": csrf_from(page)})
    assert account(idp).alert_new_portal is False
    assert account(idp, OTHER_PINFL).alert_new_portal is True
    [event] = audit_events(idp, "account.alert_preference")
    assert event.subject == account(idp).id and event.data == {"alert": "new_portal", "on": False}


@pytest.mark.parametrize("lang,words", [("uz", "Xabarnomalar"), ("uz_Cyrl", "Хабарномалар"), ("ru", "Уведомления"),
                                        ("en", "Alerts")])
def test_the_setting_reads_in_each_language(app, idp, demo, lang, words):
    owner = log_in(app.test_client())
    page = owner.get(f"/cabinet/security/?lang={lang}").get_data(as_text=True)
    assert words in page and 'id="alert-settings"' in page
    if lang != "en":
        assert "Alert when a new service receives your data" not in page


def test_the_export_includes_the_choice(app, idp, demo):
    owner = log_in(app.test_client())
    choose(owner, "off")
    data = owner.get("/cabinet/export.json").get_json()
    assert data["account"]["alerts"] == {"new_portal": False}
    page = owner.get("/cabinet/export?lang=en").get_data(as_text=True)
    assert 'id="export-alert-new-portal">Off<' in page
