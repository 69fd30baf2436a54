"""Language and look: the fourth language (Uzbek in Cyrillic script), dates
in the reader's language and zone, the official header band and mark."""
import datetime as dt
import pathlib
import re

import pytest

from idp.demo import DEMO_PASSWORD
from idp.formatting import ago, date_human, datetime_human, number
from idp.i18n import locale_of, pick_ui_locale
from oidc_helpers import RP, csrf_from

PINFL = "31503901234567"
BAND = {"uz": "O‘zbekiston Respublikasining rasmiy xizmati", "uz-Cyrl": "Ўзбекистон Республикасининг расмий хизмати",
        "ru": "Официальный сервис Республики Узбекистан", "en": "An official service of the Republic of Uzbekistan"}


@pytest.mark.parametrize("tag, locale", [
    ("uz-Cyrl", "uz_Cyrl"), ("uz_Cyrl", "uz_Cyrl"), ("uz-cyrl-UZ", "uz_Cyrl"), ("uz-Latn", "uz"), ("uz-UZ", "uz"),
    ("uz", "uz"), ("ru-RU", "ru"), ("en", "en"), ("de", None), ("", None), ("x" * 50, None)])
def test_language_tags_map_to_locales(tag, locale):
    assert locale_of(tag) == locale


def test_ui_locales_picks_the_first_supported():
    assert pick_ui_locale("de uz-Cyrl ru") == "uz_Cyrl"
    assert pick_ui_locale("fr") is None


@pytest.mark.parametrize("lang", ["uz", "uz-Cyrl", "ru", "en"])
def test_every_page_says_it_is_an_official_service_in_its_language(http, lang):
    text = http.get(f"/login?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in text
    assert 'id="gov-band"' in text and BAND[lang] in text
    assert 'rel="icon"' in text and re.search(r"brand/mark\.\w{12}\.svg", text)
    assert re.search(r"brand/favicon-32\.\w{12}\.png", text)


def test_uz_cyrl_is_chosen_by_switcher_cookie_and_accept_language(http):
    text = http.get("/login?lang=uz-Cyrl").get_data(as_text=True)
    assert "<h1>Кириш</h1>" in text
    assert 'hreflang="uz-Cyrl"' not in text  # the current language is not a link
    assert '<html lang="uz-Cyrl">' in http.get("/register").get_data(as_text=True)  # remembered
    http.get("/login?lang=ru")
    assert 'hreflang="uz-Cyrl"' in http.get("/login").get_data(as_text=True)


def test_accept_language_uz_cyrl(app):
    fresh = app.test_client()
    text = fresh.get("/login", headers={"Accept-Language": "uz-Cyrl,ru;q=0.8"}).get_data(as_text=True)
    assert '<html lang="uz-Cyrl">' in text
    text = fresh.get("/login", headers={"Accept-Language": "de,uz-UZ;q=0.8"}).get_data(as_text=True)
    assert '<html lang="uz">' in text


def test_ui_locales_uz_cyrl_reaches_the_login_page(app, http, demo):
    rp = RP(http, app, client_id=demo["client"]["client_id"], secret=demo["client"]["client_secret"],
            redirect_uri="http://rp.example/callback", scope="openid")
    _params, resp = rp.authorize(ui_locales="uz-Cyrl en")
    assert '<html lang="uz-Cyrl">' in http.get(resp.headers["Location"]).get_data(as_text=True)


def test_discovery_lists_uz_cyrl(http):
    assert http.get("/.well-known/openid-configuration").get_json()["ui_locales_supported"] == [
        "uz", "uz-Cyrl", "ru", "en"]


def test_dates_times_and_numbers_follow_the_locale_and_zone():
    moment = dt.datetime(2026, 12, 4, 9, 5)  # UTC, as stored
    assert datetime_human(moment, "uz", "Asia/Tashkent") == "4-dek, 2026, 14:05"
    assert datetime_human(moment, "ru", "Asia/Tashkent") == "4 дек. 2026\u202fг., 14:05"
    assert datetime_human(moment, "en", "Europe/Berlin") == "Dec 4, 2026, 10:05\u202fAM"
    assert "декабр" in date_human(moment, "uz_Cyrl", "Asia/Tashkent")
    assert date_human(dt.date(2031, 3, 12), "en", "UTC") == "March 12, 2031"
    assert ago(moment, "uz", "Asia/Tashkent", now=moment + dt.timedelta(hours=2)) == "2 soat oldin"
    assert ago(moment, "ru", "Asia/Tashkent", now=moment + dt.timedelta(hours=2)) == "2 часа назад"
    assert ago(moment, "en", "UTC", now=moment + dt.timedelta(days=30)) == "Dec 4, 2026, 9:05\u202fAM"
    assert number(12345, "en") == "12,345" and number(12345, "ru") == "12\xa0345"


def test_a_datetime_on_a_consulate_clock_keeps_its_zone():
    from zoneinfo import ZoneInfo

    moscow = dt.datetime(2026, 12, 4, 9, 5, tzinfo=dt.timezone.utc).astimezone(ZoneInfo("Europe/Moscow"))
    assert datetime_human(moscow, "en", "Asia/Tashkent").endswith("12:05\u202fPM")


def test_the_default_zone_is_a_checked_setting():
    from idp.config import ConfigError, load_settings

    assert load_settings({}).timezone == "Asia/Tashkent"
    assert load_settings({"IDP_TIMEZONE": "Europe/Berlin"}).timezone == "Europe/Berlin"
    with pytest.raises(ConfigError, match="IDP_TIMEZONE"):
        load_settings({"IDP_TIMEZONE": "Mars/Olympus"})


def test_cabinet_shows_local_times_never_iso_or_utc(http, demo):
    token = csrf_from(http.get("/login").get_data(as_text=True))
    assert http.post("/login", data={"identifier": PINFL, "password": DEMO_PASSWORD,
                                     "csrf_token": token}).status_code == 302
    for lang in ("en", "uz-Cyrl"):
        text = http.get(f"/?lang={lang}").get_data(as_text=True)
        assert " UTC" not in text
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text), re.search(r".{40}\d{4}-\d{2}-\d{2}.{20}", text)
    assert "ago" in http.get("/?lang=en").get_data(as_text=True)


def test_a_case_started_in_uz_cyrl_keeps_its_script(app):
    """The locale columns hold uz_Cyrl (PostgreSQL refused it in five characters),
    so e-mails to the person come in Cyrillic script."""
    from enrollment.models import EnrollmentCase
    from idp.i18n import stored_locale

    assert stored_locale("uz_Cyrl") == "uz_Cyrl" and stored_locale("ru") == "ru"
    client = app.test_client()
    html = client.get("/enroll/?lang=uz-Cyrl").get_data(as_text=True)
    assert '<html lang="uz-Cyrl">' in html
    resp = client.post("/enroll/start", data={"purpose": "enroll", "route": "passport", "consent": "y",
                                              "csrf_token": csrf_from(html)})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    with app.extensions["idp"].db.transaction() as s:
        assert [c.locale for c in s.query(EnrollmentCase)] == ["uz_Cyrl"]


def test_static_files_have_hashed_names_compressed_and_cached_a_year(app, http):
    import gzip

    with app.test_request_context():
        from flask import render_template_string, url_for

        url = url_for("static", filename="esign/esign.js")
        assert render_template_string("{{ static_url('esign/esign.js') }}") == url
    assert re.fullmatch(r"/static/esign/esign\.[0-9a-f]{12}\.js", url)
    plain = (pathlib.Path(app.static_folder) / "esign" / "esign.js").read_bytes()
    resp = http.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    assert resp.status_code == 200
    assert resp.headers["Content-Encoding"] == "gzip" and resp.headers["Vary"] == "Accept-Encoding"
    assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert resp.headers["Content-Type"].startswith("text/javascript")
    assert gzip.decompress(resp.data) == plain and len(resp.data) < len(plain) / 2
    identity = http.get(url, headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in identity.headers and identity.data == plain
    again = http.get(url, headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304


def test_pages_link_hashed_assets_and_old_names_still_work(http):
    text = http.get("/login").get_data(as_text=True)
    assert re.search(r'href="/static/idp\.[0-9a-f]{12}\.css"', text)
    assert re.search(r'href="/static/brand/mark\.[0-9a-f]{12}\.svg"', text)
    old = http.get("/static/idp.css")
    assert old.status_code == 200 and old.headers["Cache-Control"] == "public, max-age=3600"
    assert http.get("/static/../idp/app.py").status_code == 404
    assert http.get("/static/idp.000000000000.css").status_code == 404


def test_reason_codes_read_as_sentences_on_officer_pages(app):
    from flask import render_template_string

    with app.test_request_context("/?lang=en"):
        text = render_template_string("{{ codes|map('reason')|join(' ') }}|{{ none|reason }}",
                                      codes=["no_face", "no_chip_portrait", "dsc_chain_invalid"], none=None)
    assert "no_face" not in text and "no_chip_portrait" not in text and "dsc_chain" not in text
    assert text.endswith("|") and len(text) > 40
    templates = pathlib.Path(app.root_path) / "templates" / "consular"
    for name in ("case.html", "visit.html"):
        source = (templates / name).read_text()
        assert "reasons|join(" not in source and "{{ c.code }}" not in source, name
