"""Register correction requests in Chromium at 390 px: the citizen asks for
a correction from the register data page and sees the request in the list,
in each language, with no sideways scrolling and no serious accessibility
violation."""
from __future__ import annotations

import re

import pytest

from browser.test_accessibility import LANGS, axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


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
