"""Headless Chromium against a real `idp demo`: the demo officer adds the portal
passkey with the administrator's one-time code (Chromium's virtual authenticator), logs in to the consular portal
with it, opens a remote case from the queue and approves it; the citizen
activates the account from the e-mailed link on their phone with a passkey
and logs in to the demo portal.

Pages are opened at http://localhost:<port>: WebAuthn refuses an IP address
as RP ID, and `idp demo` derives its issuer (and so the RP ID) from it.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from live import LiveIdp  # noqa: E402
from chromium import CHROMIUM, CHROMIUM_ARGS, PHONE, skip_reason  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
VIRTUAL_AUTHENTICATOR = {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
                         "hasUserVerification": True, "isUserVerified": True}
OFFICER = "31105851234561"  # the demo officer at MOW (consular/demo.py)
PASSWORD = "demo-password-2026"
# Bobur Rahimov: in the demo register, without an account (idp/demo.py)
CITIZEN = ("30101701234569", "Rahimov", "Bobur", "1970-01-01", "M", "AC1112223")


if skip_reason():
    pytest.skip(skip_reason(), allow_module_level=True)


@pytest.fixture
def screenshots(tmp_path):
    chosen = os.environ.get("IDP_SCREENSHOT_DIR")
    path = Path(chosen) if chosen else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


def seed_remote_case(live, issuer: str, faces) -> str:
    """A case in review, as the remote journey leaves it, in the live database."""
    from consular_cases import make_case
    from idp.app import create_app

    app = create_app({"env": "development", "database_url": live.env["IDP_DATABASE_URL"],
                      "secret_key": live.env["IDP_SECRET_KEY"], "issuer": issuer,
                      "argon2_memory_kib": 1024, "argon2_time_cost": 1})
    idp = app.extensions["idp"]
    try:
        return make_case(idp, app.extensions["enrollment"].cipher, faces, citizen=CITIZEN,
                         email="bobur@example.org", phone="+79161234567", images=True)
    finally:
        idp.db.dispose()


def browser(playwright, profile: Path, device: dict):
    context = playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, locale="en-US", **device)
    context.set_default_timeout(20_000)
    page = context.new_page()
    # no passkey autofill: only the buttons start a ceremony
    page.add_init_script("PublicKeyCredential.isConditionalMediationAvailable = async () => false;")
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": VIRTUAL_AUTHENTICATOR})
    return context, page, cdp, authenticator["authenticatorId"]


def test_an_officer_approves_with_a_passkey_and_the_citizen_logs_in_to_the_portal(tmp_path, screenshots):
    from playwright.sync_api import sync_playwright

    from consular_faces import load_faces

    live = LiveIdp.prepare(tmp_path / "idp")
    with live.demo() as demo, sync_playwright() as playwright:
        idp_url = demo.issuer.replace("127.0.0.1", "localhost")
        case = seed_remote_case(live, idp_url, load_faces())

        # -- the officer, at a desktop
        context, page, cdp, authenticator = browser(playwright, tmp_path / "officer", DESKTOP)
        try:
            page.goto(idp_url + "/consular/officer/MOW/queue?lang=en")
            page.wait_for_url(re.compile(re.escape(idp_url) + r"/consular/officer/login\?"))
            page.goto(idp_url + "/login?lang=en")
            page.fill("#identifier", OFFICER)
            page.fill("#password", PASSWORD)
            page.click("form[action*='/login'] button[type=submit]")
            page.wait_for_url(idp_url + "/")
            # the administrator's one-time code, then the portal passkey
            code = live.cli_json("officers", "passkey-code", "--identifier", OFFICER)["passkey_code"]
            page.goto(idp_url + "/consular/officer/passkey")
            page.fill("#officer-code", code)
            page.click("form[action*='/consular/officer/passkey'] button[type=submit]")
            page.click("#officer-passkey-create")
            page.wait_for_url(re.compile(re.escape(idp_url) + r"/consular/officer/login"))
            # a password login does not open the portal; the passkey does
            page.goto(idp_url + "/consular/officer/MOW/queue")
            page.wait_for_url(re.compile(r"/consular/officer/login\?why=passkey_required"))
            assert page.is_visible("#portal-why")
            page.screenshot(path=screenshots / "consular-login.png", full_page=True)
            page.click("#portal-login-button")
            page.wait_for_url(idp_url + "/consular/officer/MOW/queue")
            assert page.locator(f'tr[data-case="{case}"]').count() == 1
            page.screenshot(path=screenshots / "consular-queue.png", full_page=True)
            page.click(f'tr[data-case="{case}"] a')
            page.wait_for_url(idp_url + f"/consular/officer/MOW/cases/{case}")
            assert page.is_visible("#chip-portrait") and page.is_visible("#best-frame")
            assert "Bobur" in page.inner_text("#person")
            page.screenshot(path=screenshots / "consular-case.png", full_page=True)
            page.click("#approve")
            page.wait_for_selector("#decision-outcome")
            assert "Approved" in page.inner_text("#decision-outcome")
        finally:
            context.close()

        # -- the citizen, on their phone, with the link from the e-mail
        mail = live_outbox(live, "bobur@example.org")
        link = re.search(r"/enroll/activate/[A-Za-z0-9_-]+", mail).group(0)
        context, page, cdp, authenticator = browser(playwright, tmp_path / "citizen", PHONE)
        try:
            page.goto(idp_url + link)
            page.wait_for_url(idp_url + "/enroll/activate")
            page.click("#passkey-create")
            page.wait_for_url(idp_url + "/enroll/done")
            context.clear_cookies()
            page.goto(demo.portal_url + "/")
            page.click("#login")
            page.wait_for_url(re.compile(re.escape(idp_url) + r"/login\?"))
            page.click("#passkey-login-button")
            page.wait_for_url(re.compile(re.escape(idp_url) + r"/authorize/consent"))
            page.click("button[name=decision][value=allow]")
            page.wait_for_url(demo.portal_url + "/")
            assert "Bobur" in page.inner_text("#welcome")
            assert page.inner_text('#claims [data-claim="pinfl"]').strip() == CITIZEN[0]
            assert page.inner_text("#acr").strip() == "http://eidas.europa.eu/LoA/substantial"
            page.screenshot(path=screenshots / "consular-citizen-portal.png", full_page=True)
        finally:
            context.close()


def live_outbox(live, recipient: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(live.env["IDP_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("select body from outbox_message where recipient = :r order by created_at"),
                                {"r": recipient}).all()
    finally:
        engine.dispose()
    assert rows, f"no e-mail to {recipient}"
    return rows[-1][0]
