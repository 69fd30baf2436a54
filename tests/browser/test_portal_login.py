"""A citizen on a phone logs in to the demo portal through the real IdP
pages in headless Chromium, sees their claims, and logs out through the IdP."""
from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PINFL = "31503901234567"  # seeded by `idp demo`
PASSWORD = "demo-password-2026"
LOW = "http://eidas.europa.eu/LoA/low"
LOGIN_BUTTON = "form[action*='/login'] button[type=submit]"
PHONE_WIDTH = 390  # CSS pixels, the viewport in conftest.PHONE


def page_width(page) -> int:
    """The laid-out width of the page. A mobile browser widens its layout
    viewport to fit content that overflows, so compare with the phone's
    width rather than ``window.innerWidth``."""
    return page.evaluate("document.documentElement.scrollWidth")


def log_in_on_idp(page, issuer: str) -> None:
    page.wait_for_url(re.compile(re.escape(issuer) + r"/login\?"))
    page.fill("#identifier", PINFL)
    page.fill("#password", PASSWORD)
    page.click(LOGIN_BUTTON)


def test_login_through_idp_shows_claims_then_logout(page, demo_stack, screenshots):
    page.goto(demo_stack.portal_url + "/")
    page.click("#login")

    log_in_on_idp(page, demo_stack.issuer)
    page.wait_for_url(re.compile(re.escape(demo_stack.issuer) + r"/authorize/consent"))
    assert page_width(page) <= PHONE_WIDTH
    page.screenshot(path=screenshots / "consent.png", full_page=True)
    page.click("button[name=decision][value=allow]")

    page.wait_for_url(demo_stack.portal_url + "/")
    welcome = page.inner_text("#welcome")
    assert "Aziz" in welcome and "Karimov" in welcome
    assert page.inner_text("#acr").strip() == LOW
    assert "pwd" in page.inner_text("#amr").split()
    assert page.inner_text('#claims [data-claim="pinfl"]').strip() == PINFL
    assert page.inner_text('#claims [data-claim="given_name"]').strip() == "Aziz"
    assert page_width(page) <= PHONE_WIDTH
    page.screenshot(path=screenshots / "portal-logged-in.png", full_page=True)

    page.click("form[action$='/logout'] button[type=submit]")
    page.wait_for_url(demo_stack.portal_url + "/logged-out")
    assert page.is_visible("#logged-out")

    # The IdP session ended too: logging in again asks for the password.
    page.click("#login")
    page.wait_for_url(re.compile(re.escape(demo_stack.issuer) + r"/login\?"))
    assert page.is_visible("#password")


def test_login_page_fits_a_phone(page, demo_stack, screenshots):
    page.goto(demo_stack.portal_url + "/")
    page.click("#login")
    page.wait_for_url(re.compile(re.escape(demo_stack.issuer) + r"/login\?"))
    assert page.is_visible("#identifier") and page.is_visible("#password")
    box = page.locator(LOGIN_BUTTON).bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH
    assert page_width(page) <= PHONE_WIDTH
    page.screenshot(path=screenshots / "login.png", full_page=True)


def test_portal_fits_a_phone(page, demo_stack, screenshots):
    page.goto(demo_stack.portal_url + "/")
    page.screenshot(path=screenshots / "portal-home.png", full_page=True)
    assert page_width(page) <= PHONE_WIDTH


def test_login_page_in_english(page, demo_stack):
    page.goto(demo_stack.issuer + "/login?lang=en")
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1").strip() == "Log in"
    assert page.title().startswith("Log in")


def test_login_page_in_russian(page, demo_stack, screenshots):
    page.goto(demo_stack.issuer + "/login?lang=ru")
    assert page.get_attribute("html", "lang") == "ru"
    page.screenshot(path=screenshots / "login-ru.png", full_page=True)
    heading = page.inner_text("h1").strip()
    assert heading == "Войти"
    assert page.title().startswith(heading)


def test_ui_locales_from_the_portal_reaches_the_login_page(page, demo_stack):
    page.goto(demo_stack.portal_url + "/login?lang=ru")  # the portal sends ui_locales=ru
    page.wait_for_url(re.compile(re.escape(demo_stack.issuer) + r"/login\?"))
    assert page.get_attribute("html", "lang") == "ru"
