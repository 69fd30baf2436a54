"""axe-core (js/a11y, pinned) in Chromium on the pages a citizen and an officer
meet first: no serious or critical violations; and the cabinet home at
390 px in each language, with the official header band."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]
AXE = Path(__file__).resolve().parents[2] / "js" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
PINFL = "31503901234567"  # seeded by `idp demo`
PASSWORD = "demo-password-2026"
LANGS = ("uz", "uz-Cyrl", "ru", "en")


def axe_violations(page) -> list[dict]:
    """Serious and critical violations on the page as it stands."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed: ./run setup installs js/a11y")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))  # the test's own script, not the page's CSP
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                          ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))")
    return [v for v in found if v["impact"] in ("serious", "critical")]


def log_in(page, issuer: str) -> None:
    page.goto(issuer + "/login?lang=en")
    page.fill("#identifier", PINFL)
    page.fill("#password", PASSWORD)
    page.click("form[action*='/login'] button[type=submit]")
    page.wait_for_url(re.compile(re.escape(issuer) + r"/(\?.*)?$"))


@pytest.fixture(scope="module")
def a11y_context(tmp_path_factory, chromium_path):
    from playwright.sync_api import sync_playwright

    from chromium import CHROMIUM_ARGS, PHONE

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(bypass_csp=True, locale="en-US", **PHONE)
        context.set_default_timeout(15_000)
        try:
            yield context
        finally:
            browser.close()


@pytest.fixture
def tab(a11y_context):
    page = a11y_context.new_page()
    yield page
    page.close()
    a11y_context.clear_cookies()


@pytest.mark.parametrize("path", ["/login?lang=en", "/login?lang=uz-Cyrl", "/enroll/?lang=en",
                                  "/consular/officer/login?lang=en"])
def test_public_pages_have_no_serious_accessibility_violations(tab, demo_stack, path):
    tab.goto(demo_stack.issuer + path)
    assert axe_violations(tab) == []


def test_consent_and_cabinet_have_no_serious_accessibility_violations(tab, demo_stack, screenshots):
    tab.goto(demo_stack.portal_url + "/")
    tab.click("#login")
    tab.wait_for_url(re.compile(re.escape(demo_stack.issuer) + r"/login\?"))
    tab.fill("#identifier", PINFL)
    tab.fill("#password", PASSWORD)
    tab.click("form[action*='/login'] button[type=submit]")
    tab.wait_for_url(re.compile(re.escape(demo_stack.issuer) + r"/authorize/consent"))
    assert axe_violations(tab) == [], "consent"
    tab.goto(demo_stack.issuer + "/?lang=en")
    assert axe_violations(tab) == [], "cabinet"


def test_cabinet_home_at_390_px_in_each_language(tab, demo_stack, screenshots):
    log_in(tab, demo_stack.issuer)
    for lang in LANGS:
        tab.goto(f"{demo_stack.issuer}/?lang={lang}")
        assert tab.get_attribute("html", "lang") == lang
        assert tab.is_visible("#gov-band") and tab.inner_text("#gov-band").strip()
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        path = screenshots / f"cabinet-{lang}.png"
        tab.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 5_000
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
