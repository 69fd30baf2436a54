"""Settings the application reads, and the verifier it keeps."""

from __future__ import annotations

import base64
import os

import pytest

from idp.esign import EsignSettings, EsignVerifier, RevokedError
from idp.esign.democa import create_demo_ca
from idp.esign.pki import make_crl
from idp.esign.signing import load_pfx, sign_challenge

from .conftest import CHALLENGE


@pytest.fixture()
def demo(tmp_path):
    create_demo_ca(tmp_path, password="pw")
    return tmp_path


def settings_for(demo, **extra):
    config = {
        "IDP_ESIGN_TRUST_ANCHORS": str(demo / "ca" / "root.pem"),
        "IDP_ESIGN_CRLS": str(demo / "crl"),
        "IDP_ESIGN_OCSP_TIMEOUT": "2.5",
    }
    config.update(extra)
    return EsignSettings.from_mapping(config)


def signed(demo, slug, challenge=b"chal"):
    key_file = load_pfx((demo / "keys" / f"{slug}.pfx").read_bytes(), "pw")
    return sign_challenge(challenge, key_file)


def test_settings_from_mapping(demo):
    settings = settings_for(demo, IDP_ESIGN_REQUIRE_REVOCATION="false", IDP_ESIGN_OCSP="0")
    assert settings.trust_anchors == (str(demo / "ca" / "root.pem"),)
    assert settings.crls == (str(demo / "crl"),)
    assert settings.ocsp_timeout == 2.5
    assert settings.require_revocation is False
    assert settings.ocsp_enabled is False


@pytest.mark.parametrize("separator", [os.pathsep, ","])
def test_separated_path_lists(demo, separator):
    value = separator.join([str(demo / "crl" / "root.crl"), str(demo / "crl" / "issuing.crl")])
    assert len(settings_for(demo, IDP_ESIGN_CRLS=value).crls) == 2


def test_unprefixed_keys_of_a_typed_settings_table(demo):
    settings = EsignSettings.from_mapping({
        "ESIGN_TRUST_ANCHORS": (str(demo / "ca" / "root.pem"),),
        "ESIGN_CRLS": (str(demo / "crl"),),
        "ESIGN_OCSP_TIMEOUT": 1.5,
        "ESIGN_OCSP": False,
    })
    assert settings.crls == (str(demo / "crl"),)
    assert (settings.ocsp_timeout, settings.ocsp_enabled) == (1.5, False)


@pytest.mark.parametrize(
    "key,value",
    [("IDP_ESIGN_TRUST_ANCHORS", ""), ("IDP_ESIGN_OCSP_TIMEOUT", "0"), ("IDP_ESIGN_OCSP_TIMEOUT", "120"),
     ("IDP_ESIGN_OCSP", "maybe")],
)
def test_invalid_settings_are_refused_at_start_up(demo, key, value):
    with pytest.raises(ValueError):
        settings_for(demo, **{key: value})


def test_verifier_accepts_base64_text(demo):
    verifier = EsignVerifier(settings_for(demo))
    text = base64.b64encode(signed(demo, "individual-ec")).decode()
    assert verifier.verify(text, expected_challenge=b"chal").pinfl == "42203924560027"


def test_verifier_picks_up_a_new_crl_file(pki, tmp_path, sign):
    (tmp_path / "root.pem").write_bytes(pki.root.pem)
    crl_dir = tmp_path / "crl"
    crl_dir.mkdir()
    (crl_dir / "root.crl").write_bytes(pki.root_crl)
    (crl_dir / "issuing.crl").write_bytes(pki.issuing_crl)
    verifier = EsignVerifier(EsignSettings.from_mapping({
        "IDP_ESIGN_TRUST_ANCHORS": str(tmp_path / "root.pem"),
        "IDP_ESIGN_CRLS": [str(crl_dir)],
        "IDP_ESIGN_CRL_RELOAD_SECONDS": "0",
    }))
    cms = sign("individual-rsa")
    assert verifier.verify(cms, expected_challenge=CHALLENGE).user_type == "I"

    # A scheduled download replaces the issuing CA's CRL with one listing the holder.
    serial = pki.holders["individual-rsa"].serial
    (crl_dir / "issuing.crl").write_bytes(make_crl(pki.issuing, revoked=[serial], number=2))
    with pytest.raises(RevokedError):
        verifier.verify(cms, expected_challenge=CHALLENGE)


def test_demo_root_refused_as_a_production_trust_anchor(demo):
    with pytest.raises(ValueError, match="demo"):
        EsignVerifier(settings_for(demo), environ={"IDP_ENV": "production"})


def test_missing_trust_anchor_file(demo):
    with pytest.raises(FileNotFoundError):
        EsignVerifier(settings_for(demo, IDP_ESIGN_TRUST_ANCHORS=str(demo / "nope.pem")))
