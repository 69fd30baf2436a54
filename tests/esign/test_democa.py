"""The demo national CA and its key files."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12

from idp.esign.democa import DEMO_HOLDERS, ProductionRefusedError, build_demo_pki, create_demo_ca
from idp.esign.identity import OID_PINFL, OID_TIN


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("democa")
    create_demo_ca(out, password="demo-pass")
    return out


def test_refused_in_production(monkeypatch, tmp_path):
    monkeypatch.setenv("IDP_ENV", "production")
    with pytest.raises(ProductionRefusedError):
        create_demo_ca(tmp_path, password="x")
    with pytest.raises(ProductionRefusedError):
        build_demo_pki()
    assert list(tmp_path.iterdir()) == []


def test_files_and_manifest(demo_dir):
    manifest = json.loads((demo_dir / "manifest.json").read_text())
    assert manifest["password"] == "demo-pass"
    for rel in manifest["trust_anchors"] + manifest["intermediates"] + manifest["crls"]:
        assert (demo_dir / rel).is_file()
    assert [h["slug"] for h in manifest["holders"]] == [h.slug for h in DEMO_HOLDERS]


@pytest.mark.parametrize("holder", DEMO_HOLDERS, ids=lambda h: h.slug)
def test_key_files_open_with_the_password_and_carry_the_uzbek_oids(demo_dir, holder):
    bundle = pkcs12.load_pkcs12((demo_dir / "keys" / f"{holder.slug}.pfx").read_bytes(), b"demo-pass")
    subject = bundle.cert.certificate.subject
    assert subject.get_attributes_for_oid(x509.ObjectIdentifier(OID_PINFL))[0].value == holder.pinfl
    tins = subject.get_attributes_for_oid(x509.ObjectIdentifier(OID_TIN))
    assert [t.value for t in tins] == ([holder.tin] if holder.tin else [])
    assert len(bundle.additional_certs) == 1  # the issuing CA travels with the key
    expired = bundle.cert.certificate.not_valid_after_utc < datetime.now(timezone.utc)
    assert expired == (holder.status == "expired")


def test_wrong_password_does_not_open(demo_dir):
    with pytest.raises(ValueError):
        pkcs12.load_pkcs12((demo_dir / "keys" / "individual-rsa.pfx").read_bytes(), b"wrong")


def test_revoked_holder_is_on_the_issuing_crl(demo_dir):
    manifest = json.loads((demo_dir / "manifest.json").read_text())
    crl = x509.load_der_x509_crl((demo_dir / "crl" / "issuing.crl").read_bytes())
    listed = {format(r.serial_number, "x") for r in crl}
    for holder in manifest["holders"]:
        assert (holder["serial"] in listed) == (holder["status"] == "revoked")
