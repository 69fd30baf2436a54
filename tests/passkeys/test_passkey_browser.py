"""Headless Chromium with a virtual authenticator (CDP WebAuthn domain) against
a real `idp demo` server: log in with a password, add a passkey in the
cabinet, log out, log in with the passkey and no user name.

The pages are opened at http://localhost:<port>: WebAuthn refuses an IP
address as RP ID, and `idp demo` derives its issuer (and so the RP ID) from
"localhost".
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from live import LiveIdp
from chromium import CHROMIUM, CHROMIUM_ARGS, PHONE, skip_reason  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PINFL = "31503901234567"
PASSWORD = "demo-password-2026"
VIRTUAL_PHONE = {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
                 "hasUserVerification": True, "isUserVerified": True}


if skip_reason():
    pytest.skip(skip_reason(), allow_module_level=True)


@pytest.fixture(scope="module")
def idp_url(tmp_path_factory):
    with LiveIdp.prepare(tmp_path_factory.mktemp("passkeys-idp")).demo() as demo:
        yield demo.issuer.replace("127.0.0.1", "localhost")


@pytest.fixture
def browser(tmp_path):
    """A phone-sized Chromium with a fresh profile, a page, and a CDP session
    holding a virtual platform authenticator with user verification."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            locale="en-US", **PHONE)
        context.set_default_timeout(15_000)
        try:
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("WebAuthn.enable", {"enableUI": False})
            authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": VIRTUAL_PHONE})["authenticatorId"]
            yield page, cdp, authenticator
        finally:
            context.close()


def stored_credentials(cdp, authenticator) -> list[dict]:
    return cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]


@pytest.fixture
def screenshots(tmp_path):
    """Where screenshots go: $IDP_SCREENSHOT_DIR, or the test's temporary directory."""
    chosen = os.environ.get("IDP_SCREENSHOT_DIR")
    path = Path(chosen) if chosen else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def level_locator(page):
    return page.locator("dt", has_text="This login reaches level").locator("xpath=following-sibling::dd[1]")


def level_shown(page) -> str:
    return level_locator(page).inner_text()


def add_passkey_then_log_out(page, cdp, authenticator, idp_url, label, screenshots) -> dict:
    """Log in with the password, add a passkey in the cabinet, log out; the credential."""
    page.goto(idp_url + "/login")
    page.fill("#identifier", PINFL)
    page.fill("#password", PASSWORD)
    page.click("form[action*='/login'] button[type=submit]")
    page.wait_for_url(idp_url + "/")
    assert level_shown(page) == "low"

    page.goto(idp_url + "/cabinet/passkeys")
    page.fill("#passkey-label", label)
    page.click("#passkey-add-button")
    page.wait_for_url(re.compile(re.escape(idp_url) + r"/cabinet/passkeys\?added="))
    assert page.is_visible("#passkey-added")
    assert label in page.locator("#passkeys .passkey-name").all_inner_texts()
    [credential] = stored_credentials(cdp, authenticator)
    assert credential["isResidentCredential"] is True and credential["rpId"] == "localhost"
    assert page_width(page) <= PHONE["viewport"]["width"]
    page.screenshot(path=screenshots / "passkeys-cabinet.png", full_page=True)

    page.goto(idp_url + "/")
    page.locator("li", has_text="this device").locator("button[type=submit]").click()
    return credential


def test_register_a_passkey_then_log_in_with_the_button_and_no_user_name(browser, idp_url, screenshots):
    page, cdp, authenticator = browser
    # A browser without autofill for passkeys (conditional mediation), so that
    # only the button can start the login.
    page.add_init_script("PublicKeyCredential.isConditionalMediationAvailable = async () => false;")
    credential = add_passkey_then_log_out(page, cdp, authenticator, idp_url, "Chromium phone", screenshots)
    page.wait_for_url(re.compile(re.escape(idp_url) + r"/login"))
    assert page.input_value("#identifier") == "" and page.is_visible("#passkey-login-button")
    assert page_width(page) <= PHONE["viewport"]["width"]
    page.screenshot(path=screenshots / "passkeys-login.png", full_page=True)
    page.click("#passkey-login-button")
    page.wait_for_url(idp_url + "/")
    # Added from a password-only session, the passkey gives no more than that session had.
    assert "Aziz" in page.inner_text("h1") and level_shown(page) == "low"
    [after] = stored_credentials(cdp, authenticator)
    assert after["signCount"] > credential["signCount"]


def test_autofill_offers_the_passkey_in_the_identifier_field(browser, idp_url, screenshots):
    """Conditional mediation: the login page asks for a passkey as soon as it
    opens, through the identifier field's autofill; Chromium's virtual
    authenticator picks the passkey as a person would from the suggestions."""
    from playwright.sync_api import expect

    page, cdp, authenticator = browser
    credential = add_passkey_then_log_out(page, cdp, authenticator, idp_url, "Autofill phone", screenshots)
    # Logged out, the browser lands on the login page and is logged in again
    # with no click and no typing (at the level of the session that added the passkey).
    expect(page.locator("h1")).to_contain_text("Aziz")
    assert page.url == idp_url + "/" and level_shown(page) == "low"
    [after] = stored_credentials(cdp, authenticator)
    assert after["signCount"] > credential["signCount"]
