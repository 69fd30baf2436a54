"""Headless Chromium (Debian's /usr/bin/chromium, driven by Playwright)
against `idp demo`: the IdP and the demo portal on free loopback ports."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:  # for the shared `live` helper next to this package
    sys.path.insert(0, str(TESTS))

from live import LiveIdp  # noqa: E402
from chromium import CHROMIUM, CHROMIUM_ARGS, PHONE  # noqa: E402



@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")
    return CHROMIUM


@pytest.fixture(scope="module")
def demo_stack(tmp_path_factory, chromium_path):
    """`idp demo` serving the IdP and the demo portal."""
    with LiveIdp.prepare(tmp_path_factory.mktemp("browser-idp")).demo() as demo:
        yield demo


@pytest.fixture(scope="module")
def phone(tmp_path_factory, chromium_path):
    """A phone-sized browser with a fresh profile."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=chromium_path,
            args=CHROMIUM_ARGS, headless=True, locale="en-US", **PHONE)
        context.set_default_timeout(15_000)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def phone_tab(chromium_path):
    """One phone-sized tab whose pages let axe-core be injected (CSP bypassed)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(bypass_csp=True, locale="en-US", **PHONE)
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            browser.close()


@pytest.fixture
def page(phone):
    page = phone.new_page()
    yield page
    page.close()
    phone.clear_cookies()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """Where screenshots go: $IDP_SCREENSHOT_DIR, or a temporary directory."""
    chosen = os.environ.get("IDP_SCREENSHOT_DIR")
    if chosen:
        Path(chosen).mkdir(parents=True, exist_ok=True)
        return Path(chosen)
    return tmp_path_factory.mktemp("screenshots")
