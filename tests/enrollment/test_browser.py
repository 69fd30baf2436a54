"""Headless Chromium with a phone viewport and a fake camera against a real
`idp demo`: a citizen abroad enrolls the demo's synthetic passport (read by
`idp-reader --simulate`), takes the selfie, waits for review, is approved by
the operator CLI, activates with a passkey (virtual authenticator) and logs
in to the demo portal with it. A second server with the real liveness engine
refuses a still photo fed as the camera, with a message that says so.

The fake camera plays a Y4M video the test writes (Grace Hopper's portrait,
shipped with matplotlib, moving a little with sensor-like noise; or one still
frame).
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import requests

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from live import LiveIdp  # noqa: E402
from chromium import CHROMIUM, CHROMIUM_ARGS, PHONE  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]
FAKE_CAMERA = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
VIRTUAL_PHONE = {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
                 "hasUserVerification": True, "isUserVerified": True}
EMAIL = "gulnora@example.org"

if not os.path.exists(CHROMIUM) or importlib.util.find_spec("playwright") is None:
    pytest.skip(f"needs Debian's Chromium at {CHROMIUM} and the playwright package", allow_module_level=True)


# -- the fake camera --------------------------------------------------------------
def portrait_rgb(size: tuple[int, int]) -> np.ndarray:
    import matplotlib.cbook as cbook
    from PIL import Image

    with cbook.get_sample_data("grace_hopper.jpg") as fh:
        image = Image.open(fh).convert("RGB")
    width, height = size
    canvas = Image.new("RGB", size, (90, 90, 90))
    image.thumbnail((int(width * 0.9), int(height * 0.95)))
    canvas.paste(image, ((width - image.width) // 2, (height - image.height) // 2))
    return np.asarray(canvas)


def write_y4m(path: Path, frames: list[np.ndarray], fps: int = 30) -> Path:
    import cv2

    height, width = frames[0].shape[:2]
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for rgb in frames:
            out.write(b"FRAME\n" + cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420).tobytes())
    return path


def moving_face(path: Path) -> Path:
    """Ten seconds (longer than a capture: the fake camera loops) of a face
    drifting with camera noise, so that every frame differs."""
    base = portrait_rgb((320, 240)).astype(np.int16)
    rng = np.random.default_rng(5)
    frames = []
    for i in range(100):
        shifted = np.roll(base, (int(3 * np.sin(i / 9)), int(4 * np.cos(i / 11))), axis=(0, 1))
        frames.append(np.clip(shifted + rng.normal(0, 3, base.shape), 0, 255).astype(np.uint8))
    return write_y4m(path, frames, fps=10)


def still_photo(path: Path) -> Path:
    return write_y4m(path, [portrait_rgb((640, 480))])


# -- browser and servers -----------------------------------------------------------
def phone_browser(playwright, profile: Path, video: Path):
    context = playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True, locale="en-US",
        args=CHROMIUM_ARGS + FAKE_CAMERA + [f"--use-file-for-fake-video-capture={video}"], **PHONE)
    context.set_default_timeout(20_000)
    return context


@pytest.fixture
def screenshots(tmp_path) -> Path:
    chosen = os.environ.get("IDP_SCREENSHOT_DIR")
    path = Path(chosen) if chosen else tmp_path / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def last_code(issuer: str, to: str) -> str:
    html = requests.get(issuer + "/dev/outbox", timeout=10).text
    block = html[html.index(to):]
    return re.search(r"\b(\d{6})\b", block).group(1)


def enroll_up_to_selfie(page, issuer: str, workdir: Path, screenshots: Path, tag: str) -> None:
    passport = workdir / "var" / "enrollment" / "passport-FB4567890.json"
    demo = json.loads(passport.read_text())
    assert demo["test_only"] is True
    page.goto(issuer + "/enroll/?lang=en")
    assert page_width(page) <= PHONE["viewport"]["width"]
    page.screenshot(path=screenshots / f"{tag}-start.png", full_page=True)
    page.check("#consent")
    page.click("form[action$='/enroll/start'] button[type=submit]")
    page.wait_for_url(issuer + "/enroll/contact")
    page.fill("#email", EMAIL)
    page.select_option("#residence_country", "KR")
    page.click("form[action$='/enroll/contact'] button[type=submit]")
    page.wait_for_url(issuer + "/enroll/contact/verify")
    page.fill("#code", last_code(issuer, EMAIL))
    page.click("form[action$='/enroll/contact/verify'] button[type=submit] >> nth=0")
    page.wait_for_url(issuer + "/enroll/document")
    from nfc import check_digit

    page.fill("#number", "FB4567890")
    page.fill("#number_digit", check_digit("FB4567890"))
    page.fill("#birth_date", "1992-08-09")
    page.fill("#birth_digit", check_digit("920809"))
    page.fill("#expiry_date", "2032-08-08")
    page.fill("#expiry_digit", check_digit("320808"))
    page.screenshot(path=screenshots / f"{tag}-document.png", full_page=True)
    page.click("form[action$='/enroll/document'] button[type=submit]")
    page.wait_for_url(issuer + "/enroll/chip")
    assert not page.is_visible("img.qr")  # never a QR code for the phone the page is on
    assert page_width(page) <= PHONE["viewport"]["width"]
    page.screenshot(path=screenshots / f"{tag}-chip.png", full_page=True)
    command = page.text_content("#simulate-command").split()
    upload, token = command[command.index("--upload") + 1], command[command.index("--token") + 1]
    reader = Path(sys.executable).parent / "idp-reader"
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDP_")}
    done = subprocess.run([str(reader), "--simulate", str(passport), "--upload", upload, "--token", token],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert '"outcome": "verified"' in done.stderr
    page.wait_for_url(issuer + "/enroll/selfie")  # the page followed the case by itself


def test_a_citizen_abroad_enrolls_from_a_phone_and_logs_in_to_the_portal(tmp_path, screenshots):
    from playwright.sync_api import sync_playwright

    live = LiveIdp.prepare(tmp_path / "idp")
    with live.demo() as demo, sync_playwright() as playwright:
        issuer = demo.issuer
        context = phone_browser(playwright, tmp_path / "profile", moving_face(tmp_path / "face.y4m"))
        try:
            page = context.new_page()
            enroll_up_to_selfie(page, issuer, live.workdir, screenshots, "enroll")
            page.click("#selfie-start")
            page.wait_for_selector("#selfie-next", state="visible", timeout=30_000)
            page.screenshot(path=screenshots / "enroll-selfie-done.png", full_page=True)
            page.click("#selfie-next")
            page.wait_for_url(issuer + "/enroll/review")
            page.check("#truthful")
            page.click("form[action$='/enroll/review'] button[type=submit]")
            page.wait_for_url(issuer + "/enroll/status")
            assert page.get_attribute("#case-status", "data-status") == "awaiting_review"
            assert "Waiting for review" in page.inner_text("#case-status")
            page.screenshot(path=screenshots / "enroll-awaiting-review.png", full_page=True)

            [case] = json.loads(live.cli("enrollment", "list", "--json"))
            assert case["status"] == "awaiting_review" and case["reasons"] == ["manual_review_required"]
            live.cli("enrollment", "approve", case["id"])
            mail = requests.get(issuer + "/dev/outbox", timeout=10).text
            link = re.search(r"/enroll/activate/[A-Za-z0-9_-]+", mail).group(0)

            cdp = context.new_cdp_session(page)
            cdp.send("WebAuthn.enable", {"enableUI": False})
            authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": VIRTUAL_PHONE})["authenticatorId"]
            page.goto(issuer + link)
            page.wait_for_url(issuer + "/enroll/activate")
            page.screenshot(path=screenshots / "enroll-activate.png", full_page=True)
            page.click("#passkey-create")
            page.wait_for_url(issuer + "/enroll/done")
            assert "Your account is ready" in page.inner_text("h1")
            [credential] = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
            assert credential["isResidentCredential"] and credential["rpId"] == "localhost"

            # A fresh visit: log in to the demo portal with the new passkey, by
            # the button (autofill of passkeys is turned off in this browser).
            page.add_init_script("PublicKeyCredential.isConditionalMediationAvailable = async () => false;")
            context.clear_cookies()
            page.goto(demo.portal_url + "/")
            page.click("#login")
            page.wait_for_url(re.compile(re.escape(issuer) + r"/login\?"))
            page.click("#passkey-login-button")
            page.wait_for_url(re.compile(re.escape(issuer) + r"/authorize/consent"))
            page.click("button[name=decision][value=allow]")
            page.wait_for_url(demo.portal_url + "/")
            assert "Gulnora" in page.inner_text("#welcome")
            assert page.inner_text("#acr").strip() == "http://eidas.europa.eu/LoA/substantial"
            assert page.inner_text('#claims [data-claim="pinfl"]').strip() == "40908921234566"
            page.screenshot(path=screenshots / "enroll-portal.png", full_page=True)
        finally:
            context.close()


def test_with_the_real_engine_a_still_photo_as_the_camera_is_refused(tmp_path, screenshots):
    from playwright.sync_api import sync_playwright

    live = LiveIdp.prepare(tmp_path / "idp", extra_env={"IDP_LIVENESS_ENGINE": "dlib"})
    with live.demo() as demo, sync_playwright() as playwright:
        context = phone_browser(playwright, tmp_path / "profile", still_photo(tmp_path / "still.y4m"))
        try:
            page = context.new_page()
            enroll_up_to_selfie(page, demo.issuer, live.workdir, screenshots, "still")
            page.click("#selfie-start")
            page.wait_for_selector("#selfie-error", state="visible", timeout=40_000)
            message = page.inner_text("#selfie-error")
            assert "still picture" in message or "photo or a screen" in message, message
            assert page.is_visible("#selfie-consular") and page.is_enabled("#selfie-start")
            assert page.inner_text("#selfie-attempts") == "2"
            page.screenshot(path=screenshots / "still-refused.png", full_page=True)
        finally:
            context.close()
