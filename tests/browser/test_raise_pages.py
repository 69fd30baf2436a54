"""The pages that raise an identity level, in Chromium at 390 px: the step-up
page a portal's request for a higher identity level leads to, and the page on
verifying in person, in each language, with no sideways scrolling and no
serious or critical accessibility violation (axe-core)."""
from __future__ import annotations

import pytest

from browser.test_accessibility import LANGS, axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _fits_a_phone(tab, what: str) -> None:
    assert tab.evaluate("window.innerWidth") == 390
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390, what


def test_step_up_for_an_identity_level_on_a_phone(phone_tab, demo_stack, screenshots):
    tab = phone_tab
    log_in(tab, demo_stack.issuer)
    for lang in LANGS:
        tab.goto(f"{demo_stack.issuer}/login?why=identity_level&level=substantial&lang={lang}")
        assert tab.locator("#raise-remote").is_visible() and tab.locator("#raise-in-person").is_visible(), lang
        _fits_a_phone(tab, lang)
        tab.screenshot(path=str(screenshots / f"step-up-identity-level-{lang}.png"), full_page=True)
        assert axe_violations(tab) == [], lang
    tab.click("#raise-in-person")
    tab.wait_for_url("**/consular/in-person**")
    _fits_a_phone(tab, "in-person from the step-up page")


def test_verifying_in_person_on_a_phone(phone_tab, demo_stack, screenshots):
    tab = phone_tab
    for lang in LANGS:
        tab.goto(f"{demo_stack.issuer}/consular/in-person?lang={lang}")
        assert tab.locator("a[data-consulate]").count() > 0, lang
        _fits_a_phone(tab, lang)
        tab.screenshot(path=str(screenshots / f"in-person-{lang}.png"), full_page=True)
        assert axe_violations(tab) == [], lang
