"""Register correction requests in Chromium at 390 px: the citizen asks for
a correction from the register data page and sees the request in the list,
in each language, with no sideways scrolling and no serious accessibility
violation."""
from __future__ import annotations

import re

import pytest

from browser.test_accessibility import LANGS, axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def phone_tab(tmp_path_factory, chromium_path):
    from playwright.sync_api import sync_playwright

    from chromium import CHROMIUM_ARGS, PHONE

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(bypass_csp=True, locale="en-US", **PHONE)
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            browser.close()


def test_request_a_correction_on_a_phone(phone_tab, demo_stack, screenshots):
    tab = phone_tab
    log_in(tab, demo_stack.issuer)
    tab.goto(demo_stack.issuer + "/cabinet/corrections?lang=en")
    tab.click("a[href*='field=patronymic_cyr']")
    tab.wait_for_url(re.compile(r"/cabinet/corrections/new\?field=patronymic_cyr"))
    assert axe_violations(tab) == [], "form"
    tab.fill("#value", "Рустамович-" + "ўғли" * 20)  # a long value must not widen the page
    tab.fill("#explanation", "The birth certificate spells it so.")
    tab.click("form.correction button[type=submit]")
    tab.wait_for_url(re.compile(r"/cabinet/corrections\?done=sent"))
    assert "Your request was sent" in tab.inner_text("main")
    for lang in LANGS:
        tab.goto(f"{demo_stack.issuer}/cabinet/corrections?lang={lang}")
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390, lang
        tab.screenshot(path=str(screenshots / f"corrections-{lang}.png"), full_page=True)
    assert axe_violations(tab) == [], "list"
    tab.click("ul.correction li a[href*='/cabinet/corrections/']:not([href*='new'])")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(tab) == [], "request"
