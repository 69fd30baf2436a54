"""Apache's mod_auth_openidc, a widely deployed relying party, against a live
server: login to a protected page, the ID token's claims, refresh, RP-initiated
logout, and back-channel logout that ends the Apache session within a second
of the logout at the IdP (mod_auth_openidc revokes its tokens at ``/revoke``
when it gets the logout token, while the IdP still answers the citizen).

This test plays the citizen with ``requests``: through Apache's redirect to
the IdP's login form and consent, and back to Apache's redirect URI.
"""
from __future__ import annotations

import json
import os
import time
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests

from interop.apache import LOGGED_OUT_PAGE, PROTECTED_PAGE, ApacheRelyingParty, missing
from live import Citizen, LiveIdp, csrf_token_in, free_port

pytestmark = pytest.mark.interop
PASSWORD = "interop-password-2026"
PINFL = "31203881234561"
BACKCHANNEL_DEADLINE = 1.0  # seconds from the IdP's logout to the Apache session being gone


@pytest.fixture(scope="module")
def apache(tmp_path_factory):
    """A live IdP with one person and Apache registered as a confidential
    client (client_secret_basic, back-channel logout), and Apache running."""
    reason = missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"Apache with mod_auth_openidc is required in CI: {reason}")
        pytest.skip(reason)
    live = LiveIdp.prepare(tmp_path_factory.mktemp("apache-idp"))
    live.cli("users", "create", "--pinfl", PINFL, "--password-stdin", "--given-name", "Nodira",
             "--family-name", "Saidova", "--email", "apache@example.uz", stdin=PASSWORD + "\n")
    port = free_port()
    shell = ApacheRelyingParty(tmp_path_factory.mktemp("apache"), port=port, issuer=live.issuer,
                               client_id="", client_secret="")
    client = live.cli_json("clients", "create", "--name", "Apache mod_auth_openidc",
                           "--redirect-uri", shell.redirect_uri, "--auth-method", "client_secret_basic",
                           "--post-logout-redirect-uri", shell.url(LOGGED_OUT_PAGE),
                           "--backchannel-logout-uri", shell.backchannel_logout_uri,
                           "--scope", "openid", "--scope", "profile")
    shell.client_id, shell.client_secret = client["client_id"], client["client_secret"]
    with live.serve(), shell.running():
        yield {"live": live, "rp": shell}


def _sign_in(apache) -> requests.Session:
    """A fresh browser logs in at the IdP through Apache; it ends on the protected page."""
    rp: ApacheRelyingParty = apache["rp"]
    browser = requests.Session()
    first = browser.get(rp.url(PROTECTED_PAGE), allow_redirects=False, timeout=30)
    assert first.status_code == 302, rp.error_log()
    assert first.headers["Location"].startswith(apache["live"].issuer + "/authorize?")
    callback = Citizen(PINFL, PASSWORD, http=browser).authorize(first.headers["Location"],
                                                                redirect_uri=rp.redirect_uri)
    page = browser.get(callback, timeout=30)
    assert page.status_code == 200 and page.url == rp.url(PROTECTED_PAGE), rp.error_log()
    return browser


def _info(apache, browser) -> dict:
    response = browser.get(apache["rp"].redirect_uri + "?info=json", timeout=30)
    assert response.status_code == 200, apache["rp"].error_log()
    return response.json()


def _sent_to_idp(apache, response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith(apache["live"].issuer)


def test_login_through_apache_reaches_the_protected_page_with_the_claims(apache):
    browser = _sign_in(apache)
    page = browser.get(apache["rp"].url(PROTECTED_PAGE), timeout=30)
    assert page.status_code == 200 and page.text == "protected page"
    info = _info(apache, browser)
    claims = info["id_token"]
    assert claims["iss"] == apache["live"].issuer and apache["rp"].client_id in claims["aud"]
    assert claims["sid"] and claims["acr"] == "http://eidas.europa.eu/LoA/low"
    assert page.headers["X-Oidc-Sub"] == claims["sub"]
    assert info["userinfo"]["sub"] == claims["sub"] and info["userinfo"]["given_name"] == "Nodira"


def test_refresh_gets_a_new_access_token(apache):
    browser = _sign_in(apache)
    before = _info(apache, browser)
    back_to = quote(apache["rp"].url(PROTECTED_PAGE), safe="")
    refreshed = browser.get(f"{apache['rp'].redirect_uri}?refresh={back_to}&access_token={before['access_token']}",
                            allow_redirects=False, timeout=30)
    assert refreshed.status_code == 302 and refreshed.headers["Location"] == apache["rp"].url(PROTECTED_PAGE), \
        apache["rp"].error_log()
    after = _info(apache, browser)
    assert after["access_token"] != before["access_token"]
    assert after["refresh_token"] != before["refresh_token"]  # rotated
    assert browser.get(apache["rp"].url(PROTECTED_PAGE), timeout=30).status_code == 200


def test_rp_initiated_logout_ends_both_sessions(apache):
    rp, live = apache["rp"], apache["live"]
    browser = _sign_in(apache)
    back_to = quote(rp.url(LOGGED_OUT_PAGE), safe="")
    to_idp = browser.get(f"{rp.redirect_uri}?logout={back_to}", allow_redirects=False, timeout=30)
    assert to_idp.status_code == 302 and to_idp.headers["Location"].startswith(live.issuer + "/logout?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(to_idp.headers["Location"]).query).items()}
    assert query["id_token_hint"] and query["post_logout_redirect_uri"] == rp.url(LOGGED_OUT_PAGE)
    done = browser.get(to_idp.headers["Location"], timeout=30)
    assert done.status_code == 200 and done.url == rp.url(LOGGED_OUT_PAGE)
    assert _sent_to_idp(apache, browser.get(rp.url(PROTECTED_PAGE), allow_redirects=False, timeout=30))
    # The IdP's session is gone too: the next login asks for the password again.
    again = browser.get(rp.url(PROTECTED_PAGE), allow_redirects=False, timeout=30)
    at_idp = browser.get(again.headers["Location"], allow_redirects=False, timeout=30)
    assert at_idp.status_code == 302 and "/login" in at_idp.headers["Location"]


def test_back_channel_logout_ends_the_apache_session_within_a_second(apache):
    rp, live = apache["rp"], apache["live"]
    browser = _sign_in(apache)
    confirm = browser.get(live.issuer + "/logout", timeout=30)  # the citizen logs out at the IdP itself
    assert confirm.status_code == 200
    started = time.monotonic()
    logout = browser.post(live.issuer + "/logout", data={"confirm": "yes", "csrf_token": csrf_token_in(confirm.text)},
                          timeout=30)
    logout_took = time.monotonic() - started
    assert logout.status_code == 200
    while True:
        page = browser.get(rp.url(PROTECTED_PAGE), allow_redirects=False, timeout=30)
        gone_after = time.monotonic() - started
        if _sent_to_idp(apache, page) or gone_after > 5:
            break
        time.sleep(0.02)
    assert _sent_to_idp(apache, page), f"Apache still serves the page {gone_after:.2f} s after the logout"
    assert gone_after < BACKCHANNEL_DEADLINE, f"the Apache session ended only after {gone_after:.2f} s"
    assert logout_took < BACKCHANNEL_DEADLINE
    print(f"\nIdP logout answered in {logout_took * 1000:.0f} ms; "
          f"Apache session gone after {gone_after * 1000:.0f} ms")
    status = {}
    for _ in range(50):  # the outcome is written just after Apache answers
        status = json.loads(live.cli("backchannel", "status", "--json")).get(rp.client_id, {})
        if status.get("delivered") and not status.get("pending"):
            break
        time.sleep(0.1)
    assert status.get("delivered") and not status.get("failed"), status
