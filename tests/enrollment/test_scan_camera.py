"""The passport page scan in headless Chromium on a phone-sized screen
against a real `idp demo`, with the phone camera faked by a video file the
test writes (Chromium's --use-file-for-fake-video-capture):

- live capture with the guide frame: the camera shows the demo citizen's
  data page (tests/docscan's page generator), the page fills the fields from
  the MRZ and the citizen confirms them;
- the camera shows a blank page: the page says, in the citizen's language,
  that the lines at the bottom were not found and how to fix it, and offers
  typing, which works;
- the gallery (a file input without `capture`): the page photo is chosen
  from the phone's pictures, then the register-photo route goes on with the
  selfie (the camera now shows the citizen's face), an officer approves, the
  citizen activates with a passkey (virtual authenticator) and the portal's
  claims say proofing_method=remote_register_photo.
"""
from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import requests

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from chromium import CHROMIUM, PHONE, skip_reason  # noqa: E402

if skip_reason():
    pytest.skip(skip_reason(), allow_module_level=True)

from live import LiveIdp  # noqa: E402
import scan_pages  # noqa: E402
from test_browser import VIRTUAL_PHONE, last_code, moving_face, page_width, phone_browser, write_y4m  # noqa: E402

from enrollment.demo import ABROAD  # noqa: E402
from nfc import check_digit  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(scan_pages.mrz_pages.OCRB is None,
                                 reason="the OCR-B font (Debian fonts-ocr-b) is not installed")]
assert CHROMIUM

PINFL, FAMILY, GIVEN, _P, _FC, _GC, _PC, BIRTH, SEX, NUMBER, EXPIRY = ABROAD


def demo_page(portrait: str = "grace_hopper") -> np.ndarray:
    """The data page of the demo's citizen abroad (in the embedded register)."""
    return scan_pages.flat_page(portrait, seed=21, surname=FAMILY.upper(), given_names=GIVEN.upper(),
                                number=NUMBER, birth=BIRTH.strftime("%y%m%d"), expiry=EXPIRY.strftime("%y%m%d"),
                                sex=SEX, pinfl=PINFL)


def camera_showing(path: Path, frame: np.ndarray) -> Path:
    """A few frames of `frame` with sensor noise (the fake camera loops them)."""
    rng = np.random.default_rng(9)
    frames = [np.clip(frame + rng.normal(0, 2, frame.shape), 0, 255).astype(np.uint8) for _ in range(3)]
    return write_y4m(path, frames, fps=5)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    live = LiveIdp.prepare(tmp_path_factory.mktemp("idp"))
    with live.demo() as running:
        yield live, running


def to_document_step(page, issuer: str, email: str, *, lang: str = "en", route: str = "passport") -> None:
    page.goto(f"{issuer}/enroll/?lang={lang}")
    page.check("#consent")
    page.check(f"input[name=route][value={route}]")
    page.click("form[action$='/enroll/start'] button[type=submit]")
    page.wait_for_url(issuer + "/enroll/contact")
    page.fill("#email", email)
    page.select_option("#residence_country", "KR")
    page.click("form[action$='/enroll/contact'] button[type=submit]")
    page.wait_for_url(issuer + "/enroll/contact/verify")
    page.fill("#code", last_code(issuer, email))
    page.click("form[action$='/enroll/contact/verify'] button[type=submit] >> nth=0")
    page.wait_for_url(issuer + "/enroll/document")


def camera_running(page, timeout: float = 15.0) -> None:
    """Wait until the video shows the camera's picture (polled from here:
    the page's CSP forbids the string evaluation wait_for_function uses)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate("document.getElementById('scan-video').videoWidth > 0"):
        assert time.monotonic() < deadline, "the camera did not start"
        page.wait_for_timeout(100)


def assert_filled_from_the_page(page) -> None:
    assert page.input_value("#number") == NUMBER
    assert page.input_value("#number_digit") == check_digit(NUMBER)
    assert page.input_value("#birth_date") == BIRTH.isoformat()
    assert page.input_value("#birth_digit") == check_digit(BIRTH.strftime("%y%m%d"))
    assert page.input_value("#expiry_date") == EXPIRY.isoformat()
    assert page.input_value("#expiry_digit") == check_digit(EXPIRY.strftime("%y%m%d"))
    shown = page.inner_text(".scanned")
    assert FAMILY.upper() in shown and GIVEN.upper() in shown and PINFL in shown


def test_live_capture_with_the_guide_frame_fills_the_fields_and_the_citizen_confirms_them(demo, tmp_path):
    from playwright.sync_api import sync_playwright

    _live, running = demo
    issuer = running.issuer
    video = camera_showing(tmp_path / "page.y4m", scan_pages.framed(demo_page()))
    with sync_playwright() as playwright:
        context = phone_browser(playwright, tmp_path / "profile", video)
        try:
            page = context.new_page()
            to_document_step(page, issuer, "camera@example.org", route="register_photo")
            assert page.is_visible("#scan-gallery") and page.get_attribute("#scan-gallery", "capture") is None
            page.click("#scan-camera")
            page.wait_for_selector("#scan-live", state="visible")
            assert page.is_visible(".scan-guide span")  # the guide frame over the picture
            camera_running(page)
            page.click("#scan-shoot")
            page.wait_for_url(issuer + "/enroll/document/scan")
            assert_filled_from_the_page(page)
            assert page_width(page) <= PHONE["viewport"]["width"]
            page.click("form[action$='/enroll/document'] button[type=submit]")
            page.wait_for_url(re.compile(re.escape(issuer) + r"/enroll/register"))
            assert "Check my passport" in page.inner_text("main")
        finally:
            context.close()


def test_a_blank_page_in_the_camera_says_what_to_do_in_russian_and_offers_typing(demo, tmp_path):
    from playwright.sync_api import sync_playwright

    _live, running = demo
    issuer = running.issuer
    video = camera_showing(tmp_path / "blank.y4m", scan_pages.blank_page())
    with sync_playwright() as playwright:
        context = phone_browser(playwright, tmp_path / "profile", video)
        try:
            page = context.new_page()
            to_document_step(page, issuer, "blank@example.org", lang="ru")
            page.click("#scan-camera")
            camera_running(page)
            page.click("#scan-shoot")
            page.wait_for_url(issuer + "/enroll/document/scan")
            message = page.inner_text("#document-error")
            assert "Мы не нашли две строки из букв и знаков < внизу страницы." in message, message
            assert page.input_value("#number") == ""
            page.click("#scan-type-instead")
            assert page.evaluate("document.activeElement.id") == "number"
            page.fill("#number", NUMBER)
            page.fill("#number_digit", check_digit(NUMBER))
            page.fill("#birth_date", BIRTH.isoformat())
            page.fill("#birth_digit", check_digit(BIRTH.strftime("%y%m%d")))
            page.fill("#expiry_date", EXPIRY.isoformat())
            page.fill("#expiry_digit", check_digit(EXPIRY.strftime("%y%m%d")))
            page.click("form[action$='/enroll/document'] button[type=submit]")
            page.wait_for_url(issuer + "/enroll/chip")
        finally:
            context.close()


def test_a_photo_from_the_gallery_then_selfie_approval_and_passkey_give_the_register_photo_proofing(
        demo, tmp_path):
    from playwright.sync_api import sync_playwright

    live, running = demo
    issuer = running.issuer
    photo = tmp_path / "IMG_0412.jpg"
    photo.write_bytes(scan_pages.jpeg(scan_pages.framed(demo_page(), (1600, 1200))))
    with sync_playwright() as playwright:
        context = phone_browser(playwright, tmp_path / "profile", moving_face(tmp_path / "face.y4m"))
        try:
            page = context.new_page()
            email = "gallery@example.org"
            to_document_step(page, issuer, email, route="register_photo")
            page.set_input_files("#scan-gallery", str(photo))  # sent as soon as it is chosen
            page.wait_for_url(issuer + "/enroll/document/scan")
            assert_filled_from_the_page(page)
            page.click("form[action$='/enroll/document'] button[type=submit]")
            page.wait_for_url(re.compile(re.escape(issuer) + r"/enroll/register"))
            page.click("form[action$='/enroll/register'] button[type=submit]")
            page.wait_for_url(issuer + "/enroll/selfie")
            page.click("#selfie-start")
            page.wait_for_selector("#selfie-next", state="visible", timeout=40_000)
            page.click("#selfie-next")
            page.wait_for_url(issuer + "/enroll/review")
            page.check("#truthful")
            page.click("form[action$='/enroll/review'] button[type=submit]")
            page.wait_for_url(issuer + "/enroll/status")

            [case] = [c for c in json.loads(live.cli("enrollment", "list", "--json"))
                      if c["status"] == "awaiting_review"]
            assert case["reasons"] == ["register_photo_route"]  # the page portrait matched: nothing flagged
            shown = json.loads(live.cli("enrollment", "show", case["id"], "--json"))
            assert shown["route"] == "register_photo"
            assert [(r["accepted"], r["mrz_source"]) for r in shown["register_checks"]] == [(True, "scan")]
            assert shown["register_checks"][0]["face_match"] == {"register_photo": "match", "page_portrait": "match"}
            live.cli("enrollment", "approve", case["id"])
            mail = requests.get(issuer + "/dev/outbox", timeout=10).text
            link = re.search(r"/enroll/activate/[A-Za-z0-9_-]+", mail[mail.index(email):]).group(0)

            cdp = context.new_cdp_session(page)
            cdp.send("WebAuthn.enable", {"enableUI": False})
            authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": VIRTUAL_PHONE})["authenticatorId"]
            page.goto(issuer + link)
            page.wait_for_url(issuer + "/enroll/activate")
            page.click("#passkey-create")
            page.wait_for_url(issuer + "/enroll/done")
            [credential] = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
            assert credential["isResidentCredential"]

            page.add_init_script("PublicKeyCredential.isConditionalMediationAvailable = async () => false;")
            context.clear_cookies()
            page.goto(running.portal_url + "/")
            page.click("#login")
            page.wait_for_url(re.compile(re.escape(issuer) + r"/login\?"))
            page.click("#passkey-login-button")
            page.wait_for_url(re.compile(re.escape(issuer) + r"/authorize/consent"))
            page.click("button[name=decision][value=allow]")
            page.wait_for_url(running.portal_url + "/")
            assert page.inner_text('#claims [data-claim="proofing_method"]').strip() == "remote_register_photo"
            assert page.inner_text('#claims [data-claim="pinfl"]').strip() == PINFL
            assert page.inner_text('#claims [data-claim="residency"]').strip() == "non_resident"
        finally:
            context.close()
