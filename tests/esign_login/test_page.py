"""The e-signature login page: what it offers, that the key never leaves the
browser, strict CSP, and a message in every language for every outcome."""
from __future__ import annotations

import re

import pytest

from idp.esign import ALL_REASONS
from idp.esign.views import CLIENT_MESSAGES, SERVER_MESSAGES

LOGIN_REASONS = {"challenge_expired", "no_account", "other_person"}
# What IdpEsign.EsignClientError can throw (docs/esign.md, "Browser signing").
BUNDLE_CODES = {"not_pkcs12", "bad_password", "unsupported_pfx", "no_key", "unsupported_key", "no_webcrypto"}


def test_page_asks_for_the_key_file_and_password_and_posts_neither(http):
    page = http.get("/login/esign?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "You need your e-signature key file (.pfx or .p12)" in html
    file_input = re.search(r'<input type="file" id="esign-pfx"[^>]*>', html).group(0)
    password_input = re.search(r'<input type="password" id="esign-password"[^>]*>', html).group(0)
    # Inputs without a name are never part of a form post.
    assert "name=" not in file_input and "name=" not in password_input
    form = html.split('id="esign-form"')[1].split("</form>")[0]
    posted = set(re.findall(r'<input type="hidden" name="([^"]+)"', form))
    assert posted == {"csrf_token", "why", "challenge_id", "cms"}


def test_page_runs_only_scripts_from_our_origin(http):
    page = http.get("/login/esign")
    html = page.get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert sorted(re.sub(r"\.[0-9a-f]{12}\.js$", ".js", re.search(r'src="([^"]+)"', attrs).group(1))
                  for attrs, _ in scripts) == ["/static/esign/esign.js", "/static/esign/login.js"]  # content-hashed names
    assert all(body.strip() == "" for _, body in scripts)
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert re.search(r'<meta name="csrf-token" content="[^"]+">', html)
    assert http.get("/static/esign/login.js").status_code == 200


@pytest.mark.parametrize("lang, title", [("uz", "Elektron imzo kaliti bilan kirish"),
                                         ("ru", "Войти с ключом ЭЦП"),
                                         ("en", "Log in with an e-signature key")])
def test_page_speaks_each_language(http, lang, title):
    html = http.get(f"/login/esign?lang={lang}").get_data(as_text=True)
    assert f"<h1>{title}</h1>" in html


def test_uzbek_is_the_default(http):
    html = http.get("/login/esign").get_data(as_text=True)
    assert "<h1>Elektron imzo kaliti bilan kirish</h1>" in html


def test_login_page_offers_the_key(http):
    html = http.get("/login?lang=en").get_data(as_text=True)
    link = re.search(r'id="esign-login-link" href="([^"]+)">\s*([^<]+?)\s*</a>', html)
    assert link.group(1) == "/login/esign" and link.group(2) == "Log in with an e-signature key"


def test_page_carries_the_pending_request_on(http, holders):
    from oidc_helpers import RP

    rp = RP(http, None, client_id=holders["client"]["client_id"], secret=holders["client"]["client_secret"],
            redirect_uri="http://rp.example/callback")
    _params, response = rp.authorize()
    rid = re.search(r"r=([^&]+)", response.headers["Location"]).group(1)
    login = http.get(response.headers["Location"] + "&lang=en").get_data(as_text=True)
    assert f'href="/login/esign?r={rid}&amp;why=no_session"' in login
    page = http.get(f"/login/esign?r={rid}&why=no_session&lang=en").get_data(as_text=True)
    assert f'action="/login/esign?r={rid}"' in page
    assert "to continue to my.gov.uz (demo portal)" in page
    assert "Cancel and return to the service" in page


def test_every_refusal_has_a_message():
    assert set(ALL_REASONS) | LOGIN_REASONS <= set(SERVER_MESSAGES)
    assert BUNDLE_CODES <= set(CLIENT_MESSAGES)


@pytest.mark.parametrize("lang", ["uz", "ru"])
def test_every_message_is_translated(app, lang):
    messages = list(SERVER_MESSAGES.values()) + list(CLIENT_MESSAGES.values())
    with app.test_request_context("/?lang=en"):
        english = [str(m) for m in messages]
    with app.test_request_context(f"/?lang={lang}"):
        translated = [str(m) for m in messages]
    assert [e for e, t in zip(english, translated) if e == t] == []


def test_client_messages_reach_the_page_in_the_chosen_language(http):
    html = http.get("/login/esign?lang=ru").get_data(as_text=True)
    assert 'data-msg-bad-password="Этот пароль не открывает файл ключа. Проверьте его и попробуйте снова."' in html
