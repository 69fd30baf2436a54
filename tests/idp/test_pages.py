"""Pages: languages, phone layout, security headers, errors."""
import pytest

PAGES = ["/login", "/register", "/logout"]


@pytest.mark.parametrize("lang,title,label", [
    ("uz", "Kirish", "JShShIR yoki e-pochta"),
    ("ru", "Войти", "ПИНФЛ или e-mail"),
    ("en", "Log in", "PINFL or e-mail"),
])
def test_login_page_in_each_language(http, lang, title, label):
    text = http.get(f"/login?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in text
    assert f"<h1>{title}</h1>" in text and label in text


def test_uzbek_is_the_default_and_the_choice_is_remembered(http):
    assert '<html lang="uz">' in http.get("/login").get_data(as_text=True)
    http.get("/login?lang=ru")
    assert '<html lang="ru">' in http.get("/register").get_data(as_text=True)


def test_accept_language_is_honoured(http):
    text = http.get("/login", headers={"Accept-Language": "ru-RU,ru;q=0.9"}).get_data(as_text=True)
    assert '<html lang="ru">' in text


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_phone_ready_and_carry_security_headers(http, path):
    resp = http.get(path)
    assert resp.status_code == 200
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in resp.get_data(as_text=True)
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in resp.headers  # http issuer in tests


def test_hsts_on_https_issuer(settings_overrides):
    from idp.app import create_app

    app = create_app({**settings_overrides, "issuer": "https://id.example.uz"})
    resp = app.test_client().get("/login")
    assert "max-age=" in resp.headers["Strict-Transport-Security"]
    assert "Secure" in resp.headers.get("Set-Cookie", "Secure")


def test_forms_need_csrf(http, demo):
    resp = http.post("/login", data={"identifier": "31503901234567", "password": "demo-password-2026"})
    assert resp.status_code in (400, 401)
    assert "idp_sid" not in resp.headers.get("Set-Cookie", "")


def test_unknown_page_is_a_localized_404(http):
    resp = http.get("/nope?lang=ru")
    assert resp.status_code == 404 and "Такой страницы не существует." in resp.get_data(as_text=True)


def test_protocol_404_is_json(http):
    resp = http.get("/token")
    assert resp.status_code == 405 and resp.get_json()["error"] == "invalid_request"


def test_cabinet_requires_login(http):
    resp = http.get("/")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")


def test_oversized_posts_get_413_not_500(http):
    page = http.post("/login?lang=en&r=abc", data={"identifier": "x" * 2_000_000})
    assert page.status_code == 413 and "too large" in page.get_data(as_text=True)
    api = http.post("/token", data={"x": "y" * 2_000_000})
    assert api.status_code == 413 and api.get_json()["error"] == "invalid_request"
