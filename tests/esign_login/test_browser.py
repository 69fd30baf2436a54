"""E-signature key login in headless Chromium on a phone-sized screen, against
`idp demo` (which creates the demo CA and its .pfx files under var/esign)."""
from __future__ import annotations

import json
import re

import pytest

from live import LiveIdp
from chromium import CHROMIUM, CHROMIUM_ARGS, PHONE, skip_reason  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]
HIGH = "http://eidas.europa.eu/LoA/high"


if skip_reason():
    pytest.skip(skip_reason(), allow_module_level=True)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """`idp demo` serving the IdP and the demo portal, and its demo CA's manifest."""
    live = LiveIdp.prepare(tmp_path_factory.mktemp("esign-demo"))
    with live.demo() as demo:
        esign_dir = live.workdir / "var" / "esign"
        manifest = json.loads((esign_dir / "manifest.json").read_text())
        keys = {h["slug"]: esign_dir / h["pfx"] for h in manifest["holders"]}
        yield demo, keys, manifest["password"]


@pytest.fixture(scope="module")
def phone(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, args=CHROMIUM_ARGS,
            headless=True, locale="en-US", **PHONE)
        context.set_default_timeout(20_000)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(phone):
    page = phone.new_page()
    page.posts = []
    page.on("request", lambda r: page.posts.append((r.url, r.post_data or "")) if r.method == "POST" else None)
    yield page
    page.close()
    phone.clear_cookies()


def open_key(page, pfx, password: str) -> None:
    page.set_input_files("#esign-pfx", str(pfx))
    page.fill("#esign-password", password)
    page.click("#esign-open")


def test_the_demo_prints_its_keys_and_password(stack):
    demo, keys, password = stack
    log = demo.server.log_path.read_text()
    assert f".pfx password: {password}" in log
    assert str(keys["individual-rsa"]) in log and str(keys["legal-rsa"]) in log


def test_key_login_from_the_portal_on_a_phone_reaches_level_high(page, stack):
    demo, keys, password = stack
    page.goto(demo.portal_url + "/login?level=high")
    page.wait_for_url(re.compile(re.escape(demo.issuer) + r"/login\?"))
    page.click("#esign-login-link")
    page.wait_for_url(re.compile(re.escape(demo.issuer) + r"/login/esign\?"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    open_key(page, keys["individual-rsa"], password)
    page.wait_for_selector("#esign-holder", state="visible")
    assert page.inner_text("#esign-holder-name") == "KARIMOV ALISHER"
    assert page.is_hidden("#esign-holder-org")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.click("#esign-sign")
    page.wait_for_url(re.compile(re.escape(demo.issuer) + r"/authorize/consent"))
    page.click("button[name=decision][value=allow]")
    page.wait_for_url(demo.portal_url + "/")
    assert "Alisher" in page.inner_text("#welcome")
    assert page.inner_text("#acr").strip() == HIGH
    assert "swk" in page.inner_text("#amr").split()

    # Only the signature went to the server: never the password or the key file.
    [(_url, body)] = [(u, b) for u, b in page.posts if "/login/esign" in u and "/challenge" not in u]
    assert set(re.findall(r"(?:^|&)([a-z_]+)=", body)) == {"csrf_token", "why", "challenge_id", "cms"}
    assert password not in body


def test_legal_entity_key_shows_the_organisation_before_signing(page, stack):
    demo, keys, password = stack
    page.goto(demo.issuer + "/login/esign")
    open_key(page, keys["legal-rsa"], password)
    page.wait_for_selector("#esign-holder", state="visible")
    assert page.inner_text("#esign-holder-name") == "TOSHMATOV BOBUR"
    assert page.inner_text("#esign-holder-org") == "DEMO TEXTILE LLC (301234567)"
    page.click("#esign-sign")
    page.wait_for_url(demo.issuer + "/")  # the personal cabinet


def test_wrong_password_is_explained_in_the_page(page, stack):
    demo, keys, _password = stack
    page.goto(demo.issuer + "/login/esign")
    open_key(page, keys["individual-ec"], "not-the-password")
    page.wait_for_selector("#esign-client-error", state="visible")
    assert page.inner_text("#esign-client-error") == \
        "The password does not open this key file. Check it and try again."
    assert not any("/login/esign" in u for u, _ in page.posts)  # nothing was sent


def test_revoked_key_is_refused_by_the_server(page, stack):
    demo, keys, password = stack
    page.goto(demo.issuer + "/login/esign")
    open_key(page, keys["revoked-ec"], password)
    page.wait_for_selector("#esign-holder", state="visible")
    page.click("#esign-sign")
    page.wait_for_selector("#esign-error")
    assert page.inner_text("#esign-error") == "This key has been revoked. Ask your certification centre for a new one."
    assert page.url.startswith(demo.issuer + "/login/esign")
