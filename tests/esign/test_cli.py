"""``idp esign demo-ca``, ``sign`` and ``verify`` from the command line."""

from __future__ import annotations

import base64
import json

import pytest
from click.testing import CliRunner

from idp.esign import verify_signed_challenge
from idp.esign.cli import esign


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli-demo")
    result = CliRunner().invoke(esign, ["demo-ca", "--out", str(out), "--password", "s3cret", "--json"])
    assert result.exit_code == 0, result.output
    return out, json.loads(result.output)


def test_demo_ca_prints_the_manifest(demo):
    out, manifest = demo
    assert manifest["out"] == str(out)
    assert {h["slug"] for h in manifest["holders"]} >= {"individual-rsa", "legal-rsa", "revoked-ec"}


def test_demo_ca_refused_in_production(tmp_path):
    result = CliRunner().invoke(esign, ["demo-ca", "--out", str(tmp_path / "x")], env={"IDP_ENV": "production"})
    assert result.exit_code != 0
    assert "production" in result.output
    assert not (tmp_path / "x").exists()


def test_demo_ca_human_output_names_the_password(tmp_path):
    result = CliRunner().invoke(esign, ["demo-ca", "--out", str(tmp_path)])
    assert result.exit_code == 0
    password = json.loads((tmp_path / "manifest.json").read_text())["password"]
    assert password in result.output


@pytest.mark.parametrize("slug", ["individual-rsa", "individual-ec", "legal-rsa"])
def test_sign_prints_a_cms_the_verifier_accepts(demo, slug):
    out, manifest = demo
    result = CliRunner().invoke(
        esign, ["sign", "--pfx", str(out / "keys" / f"{slug}.pfx"), "--challenge", "ch-123", "--password-stdin"],
        input="s3cret\n",
    )
    assert result.exit_code == 0, result.output
    cms = base64.b64decode(result.output.strip())
    verified = verify_signed_challenge(
        cms, expected_challenge=b"ch-123", trust_anchors=(out / "ca" / "root.pem").read_bytes(),
        crls=[(out / "crl" / "root.crl").read_bytes(), (out / "crl" / "issuing.crl").read_bytes()],
    )
    holder = next(h for h in manifest["holders"] if h["slug"] == slug)
    assert verified.pinfl == holder["pinfl"]
    assert verified.user_type == holder["user_type"]


def test_sign_json_and_pss(demo):
    out, _ = demo
    result = CliRunner().invoke(
        esign, ["sign", "--pfx", str(out / "keys" / "individual-rsa.pfx"), "--challenge", "c", "--password-stdin",
                "--pss", "--json"], input="s3cret\n",
    )
    payload = json.loads(result.output)
    assert payload["detached"] is False
    assert base64.b64decode(payload["cms"])


def test_sign_with_the_wrong_password(demo):
    out, _ = demo
    result = CliRunner().invoke(
        esign, ["sign", "--pfx", str(out / "keys" / "individual-rsa.pfx"), "--challenge", "c", "--password-stdin"],
        input="nope\n",
    )
    assert result.exit_code != 0
    assert "wrong password" in result.output


def _sign(out, slug, challenge="ch-9"):
    result = CliRunner().invoke(
        esign, ["sign", "--pfx", str(out / "keys" / f"{slug}.pfx"), "--challenge", challenge, "--password-stdin"],
        input="s3cret\n",
    )
    return result.output.strip()


def test_verify_command_accepts_and_refuses(demo, tmp_path):
    out, _ = demo
    common = ["--challenge", "ch-9", "--trust", str(out / "ca" / "root.pem"), "--crl", str(out / "crl"),
              "--no-ocsp", "--json"]
    good = tmp_path / "good.b64"
    good.write_text(_sign(out, "legal-rsa"))
    ok = CliRunner().invoke(esign, ["verify", "--cms", str(good), *common])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["auth_method"] == "LEPKCSMETHOD"

    revoked = tmp_path / "revoked.b64"
    revoked.write_text(_sign(out, "revoked-ec"))
    refused = CliRunner().invoke(esign, ["verify", "--cms", str(revoked), *common])
    assert refused.exit_code == 1
    assert json.loads(refused.output)["reason"] == "revoked"
