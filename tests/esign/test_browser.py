"""Signing in the browser: headless Chromium runs the bundled signer on a demo .pfx,
and the Python verifier accepts what it produced."""

from __future__ import annotations

import base64
import functools
import json
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from idp.esign import verify_signed_challenge
from idp.esign.democa import create_demo_ca
from idp.esign.pki import pfx_bytes
from chromium import CHROMIUM, skip_reason  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]
BUNDLE = Path(__file__).resolve().parents[2] / "idp" / "static" / "esign" / "esign.js"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PAGE = """<!doctype html>
<meta charset="utf-8"><title>e-signature signing test page</title>
<script src="esign.js"></script>
<input type="file" id="pfx" accept=".pfx,.p12">
<input type="password" id="password">
<input type="text" id="challenge">
<button id="info">Show holder</button>
<button id="sign">Sign</button>
<pre id="holder"></pre><pre id="cms"></pre><pre id="error"></pre>
<script>
const $ = (id) => document.getElementById(id);
const pfxBytes = () => $("pfx").files[0].arrayBuffer();
function fail(err) { $("error").textContent = err.code || String(err); }
$("info").addEventListener("click", async () => {
  try { $("holder").textContent = JSON.stringify(await IdpEsign.readCertificateInfo(await pfxBytes(), $("password").value)); }
  catch (err) { fail(err); }
});
$("sign").addEventListener("click", async () => {
  try {
    const challenge = new TextEncoder().encode($("challenge").value);
    $("cms").textContent = await IdpEsign.signChallenge(await pfxBytes(), $("password").value, challenge);
  } catch (err) { fail(err); }
});
</script>
"""


if skip_reason():
    pytest.skip(skip_reason(), allow_module_level=True)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A test page and the committed bundle, served from 127.0.0.1."""
    root = tmp_path_factory.mktemp("esign-site")
    shutil.copy(BUNDLE, root / "esign.js")
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("esign-demo")
    manifest = create_demo_ca(out, password="Parol-2024")
    return out, manifest


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture()
def page(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.goto(f"{site}/index.html")
    page.wait_for_function("window.IdpEsign && window.IdpEsign.version === '1'")
    yield page
    assert all(url.startswith(site + "/") for url in page.requests), page.requests
    context.close()


def _run(page, pfx: Path, password: str, challenge: str, button: str, output: str) -> str:
    page.set_input_files("#pfx", str(pfx))
    page.fill("#password", password)
    page.fill("#challenge", challenge)
    page.click(button)
    page.wait_for_function(
        f"document.getElementById('{output}').textContent || document.getElementById('error').textContent",
        timeout=20000,
    )
    error = page.text_content("#error")
    if error:
        return "error:" + error
    return page.text_content(f"#{output}")


@pytest.mark.parametrize("slug", ["individual-rsa", "individual-ec", "legal-rsa"])
def test_browser_signs_a_challenge_the_server_accepts(page, demo, slug):
    out, manifest = demo
    holder = next(h for h in manifest["holders"] if h["slug"] == slug)
    pfx = out / holder["pfx"]

    info = json.loads(_run(page, pfx, "Parol-2024", "", "#info", "holder"))
    assert info["pinfl"] == holder["pinfl"]
    assert info["surname"] == holder["surname"]
    assert info["userType"] == holder["user_type"]
    assert info["serialNumber"] == holder["serial"]

    challenge = "srv-challenge-" + slug
    cms_b64 = _run(page, pfx, "Parol-2024", challenge, "#sign", "cms")
    assert not cms_b64.startswith("error:"), cms_b64
    result = verify_signed_challenge(
        base64.b64decode(cms_b64),
        expected_challenge=challenge.encode(),
        trust_anchors=(out / "ca" / "root.pem").read_bytes(),
        crls=[(out / "crl" / "root.crl").read_bytes(), (out / "crl" / "issuing.crl").read_bytes()],
    )
    assert result.pinfl == holder["pinfl"]
    assert result.user_type == holder["user_type"]
    assert result.tin == holder["tin"]
    expected_algorithm = "sha256_ecdsa" if holder["key"] == "p256" else "sha256_rsa"
    assert result.signature_algorithm == expected_algorithm


def test_browser_reports_a_wrong_password(page, demo):
    out, _ = demo
    assert _run(page, out / "keys" / "individual-rsa.pfx", "wrong", "c", "#sign", "cms") == "error:bad_password"


def test_browser_refuses_a_file_that_is_not_pkcs12(page, demo, tmp_path):
    out, _ = demo
    not_pfx = tmp_path / "root.pfx"
    not_pfx.write_bytes((out / "ca" / "root.pem").read_bytes())
    assert _run(page, not_pfx, "x", "c", "#sign", "cms") == "error:not_pkcs12"


def test_browser_signature_by_a_p384_key(page, pki, tmp_path):
    from idp.esign.pki import make_person, new_key

    holder = make_person(pki.issuing, key=new_key("p384"), surname="UMAROV", given_name="AZIZ",
                         pinfl="31212990010079")
    pfx = tmp_path / "p384.pfx"
    pfx.write_bytes(pfx_bytes(holder, [pki.issuing], "pw"))
    cms_b64 = _run(page, pfx, "pw", "p384-challenge", "#sign", "cms")
    result = verify_signed_challenge(
        base64.b64decode(cms_b64), expected_challenge=b"p384-challenge",
        trust_anchors=[pki.root.certificate], crls=[pki.root_crl, pki.issuing_crl],
    )
    assert result.signature_algorithm == "sha384_ecdsa"


def test_browser_names_legacy_triple_des_key_files_as_unsupported(page, pki, tmp_path):
    # WebCrypto has no 3DES, so pkijs cannot open PKCS#12 files protected with
    # the legacy PBES1 scheme; the page gets a code it can explain.
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import PrivateFormat, pkcs12

    holder = pki.holders["individual-rsa"]
    legacy = (
        PrivateFormat.PKCS12.encryption_builder()
        .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
        .hmac_hash(hashes.SHA1())
        .build(b"pw")
    )
    pfx = tmp_path / "legacy.pfx"
    pfx.write_bytes(pkcs12.serialize_key_and_certificates(b"k", holder.key, holder.certificate, None, legacy))
    assert _run(page, pfx, "pw", "c", "#sign", "cms") == "error:unsupported_pfx"
