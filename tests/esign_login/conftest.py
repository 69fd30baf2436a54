"""Fixtures for e-signature key login: a demo national CA trusted by the app,
the demo key holders seeded with accounts, and a browser-like client that
signs challenges with their keys in Python (as `idp esign sign` does)."""
from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from idp.esign.democa import DEMO_HOLDERS, build_demo_pki
from idp.esign.signing import KeyFile, sign_challenge

META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@pytest.fixture(scope="session")
def pki():
    """The demo CA in memory, so tests can also issue certificates of their own."""
    return build_demo_pki()


def write_trust(directory: Path, pki, *, issuing_crl: bytes | None = None) -> dict:
    """Trust-anchor and CRL files for `pki`, as settings overrides."""
    (directory / "crl").mkdir(parents=True, exist_ok=True)
    (directory / "root.pem").write_bytes(pki.root.pem)
    (directory / "crl" / "root.crl").write_bytes(pki.root_crl)
    (directory / "crl" / "issuing.crl").write_bytes(issuing_crl or pki.issuing_crl)
    return {"esign_trust_anchors": str(directory / "root.pem"), "esign_crls": str(directory / "crl")}


@pytest.fixture(scope="session")
def esign_settings(tmp_path_factory, pki) -> dict:
    return write_trust(tmp_path_factory.mktemp("esign-trust"), pki)


@pytest.fixture
def settings_overrides(settings_overrides, esign_settings):
    return {**settings_overrides, **esign_settings}


@pytest.fixture
def holders(idp):
    """The demo people (idp.demo.PEOPLE) plus the demo CA's key holders, as `idp demo` seeds them."""
    from idp.demo import seed

    with idp.db.transaction() as s:
        return seed(s, idp.passwords, portal_url="http://rp.example", environment="test", esign_holders=DEMO_HOLDERS)


def key_of(pki, who) -> KeyFile:
    issued = pki.holders[who] if isinstance(who, str) else who
    return KeyFile(key=issued.key, certificate=issued.certificate, chain=(pki.issuing.certificate,))


class KeyLogin:
    """A browser on the e-signature login page, signing with a key in Python."""

    def __init__(self, http, pki):
        self.http, self.pki = http, pki
        self.csrf = None

    def open(self, query: str = "") -> str:
        page = self.http.get("/login/esign" + query)
        assert page.status_code == 200, page.status_code
        html = page.get_data(as_text=True)
        self.csrf = META_CSRF.search(html).group(1)
        return html

    def challenge(self) -> dict:
        response = self.http.post("/login/esign/challenge", headers={"X-CSRFToken": self.csrf})
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return response.get_json()

    def post(self, challenge_id: str, cms: str, *, query: str = "", why: str = ""):
        return self.http.post("/login/esign" + query, data={
            "csrf_token": self.csrf, "challenge_id": challenge_id, "cms": cms, "why": why})

    def sign(self, who, text: str, *, pki=None) -> str:
        return base64.b64encode(sign_challenge(text.encode(), key_of(pki or self.pki, who))).decode()

    def login(self, who, *, query: str = "", why: str = "", pki=None):
        """Open the page, get a challenge, sign it with `who`'s key, post it."""
        self.open(query)
        challenge = self.challenge()
        return self.post(challenge["id"], self.sign(who, challenge["challenge"], pki=pki), query=query, why=why)


@pytest.fixture
def key_login(http, pki):
    return KeyLogin(http, pki)


@pytest.fixture
def trust_files():
    """write_trust(directory, pki, issuing_crl=None) -> settings overrides."""
    return write_trust
