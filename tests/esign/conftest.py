"""Fixtures for e-signature tests: one demo PKI per session, signing helpers."""

from __future__ import annotations

import pytest

from idp.esign.democa import build_demo_pki
from idp.esign.signing import KeyFile, sign_challenge
from idp.esign.verify import verify_signed_challenge

CHALLENGE = b"esign-login-challenge-7f3a9c"


@pytest.fixture(scope="session")
def pki():
    return build_demo_pki()


def key_file(issued, *chain) -> KeyFile:
    return KeyFile(key=issued.key, certificate=issued.certificate, chain=tuple(c.certificate for c in chain))


@pytest.fixture(scope="session")
def sign(pki):
    """sign(slug_or_issued, challenge=CHALLENGE, chain=(issuing CA,), **options) -> DER CMS."""

    def _sign(who, challenge: bytes = CHALLENGE, *, chain=None, **options) -> bytes:
        issued = pki.holders[who] if isinstance(who, str) else who
        chain = (pki.issuing,) if chain is None else chain
        return sign_challenge(challenge, key_file(issued, *chain), **options)

    return _sign


@pytest.fixture(scope="session")
def verify(pki):
    """verify(cms, **overrides): the login's verification with the demo trust and CRLs."""

    def _verify(cms: bytes, **overrides):
        options = {
            "expected_challenge": CHALLENGE,
            "trust_anchors": [pki.root.certificate],
            "crls": [pki.root_crl, pki.issuing_crl],
        }
        options.update(overrides)
        return verify_signed_challenge(cms, **options)

    return _verify
