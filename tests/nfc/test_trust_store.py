"""CSCA trust store (ICAO 9303 Part 12): master lists with a verified
signer, PEM/DER certificates, CRLs, the on-disk store and the csca CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from nfc.cli import csca
from nfc.errors import MasterListError, TrustStoreError
from nfc.pki.certs import load_certificate
from nfc.testing import TestPKI
from nfc.trust import CscaDirectory, TrustStore, verify_master_list


@pytest.fixture
def fresh_pki():
    return TestPKI.create()


def test_master_list_needs_a_trusted_or_pinned_signer(fresh_pki):
    ml = fresh_pki.master_list()
    with pytest.raises(MasterListError) as err:
        verify_master_list(ml)
    assert err.value.code == "master_list_signer_untrusted"
    pinned = verify_master_list(ml, pinned_fingerprints=[fresh_pki.csca.info.fingerprint])
    assert [c.fingerprint for c in pinned.certificates] == [fresh_pki.csca.info.fingerprint]
    trusted = verify_master_list(ml, trust_anchors=[fresh_pki.csca.info])
    assert trusted.signer_issuer.fingerprint == fresh_pki.csca.info.fingerprint


def test_master_list_of_another_signer_is_refused(fresh_pki):
    other = TestPKI.create()
    ml = other.master_list([fresh_pki.csca_der])
    with pytest.raises(MasterListError):
        verify_master_list(ml, trust_anchors=[fresh_pki.csca.info])


def test_altered_master_list_is_refused(fresh_pki):
    ml = bytearray(fresh_pki.master_list([fresh_pki.csca_der, TestPKI.create().csca_der]))
    pos = ml.index(b"CSCA UZ TEST")
    ml[pos] = ord("X")
    with pytest.raises(MasterListError) as err:
        verify_master_list(bytes(ml), trust_anchors=[fresh_pki.csca.info])
    assert err.value.code in ("master_list_signature_invalid", "master_list_malformed")


def test_crl_from_an_untrusted_issuer_is_refused(fresh_pki):
    store = TrustStore()
    with pytest.raises(TrustStoreError) as err:
        store.add_crl(fresh_pki.crl())
    assert err.value.code == "crl_issuer_unknown"


def test_newer_crl_replaces_older(fresh_pki):
    store = TrustStore.from_certificates([fresh_pki.csca_der], crls=[fresh_pki.crl()])
    fresh_pki.revoke(fresh_pki.dsc.cert)
    store.add_crl(fresh_pki.crl())
    assert fresh_pki.dsc.cert.serial_number in store.crl_for(fresh_pki.csca.info).revoked_serials
    assert len(store.crls) == 1


def test_document_signer_is_not_a_trust_anchor(fresh_pki):
    with pytest.raises(TrustStoreError) as err:
        TrustStore().add_csca(fresh_pki.dsc.der)
    assert err.value.code == "not_a_ca"
    with pytest.raises(TrustStoreError):
        TrustStore().add_document_signer(fresh_pki.csca_der)


def test_stored_document_signer_serves_sods_without_one(tmp_path, fresh_pki):
    from nfc import ChipData, VerificationPolicy, verify_chip
    from nfc.testing import make_passport
    from nfc.testing.sod import build_sod

    passport = make_passport(fresh_pki, aa_key=None)
    bare = passport.with_files(EF_SOD=build_sod(passport.data_groups(), fresh_pki.dsc.key,
                                                fresh_pki.dsc.der, include_certificate=False))
    directory = CscaDirectory(tmp_path)
    (tmp_path / "csca.pem").write_bytes(fresh_pki.csca_pem)
    (tmp_path / "dsc.der").write_bytes(fresh_pki.dsc.der)
    directory.import_file(tmp_path / "csca.pem")
    result = directory.import_file(tmp_path / "dsc.der")
    assert "not a trust anchor" in result.messages[0]
    assert {e.kind for e in directory.entries()} == {"csca", "dsc"}
    policy = VerificationPolicy(require_active_authentication=False)
    report = verify_chip(ChipData(bare.files), trust_store=directory.load(),
                         expected_nonce=None, policy=policy)
    assert report.ok, report.failures
    assert len(directory.load().cscas) == 1  # the DSC did not become an anchor


def test_production_refuses_test_cscas(fresh_pki, monkeypatch):
    monkeypatch.setenv("IDP_ENV", "production")
    with pytest.raises(TrustStoreError) as err:
        TrustStore().add_csca(fresh_pki.csca_der)
    assert err.value.code == "test_material_refused"


def test_pem_and_der_certificates_load_alike(fresh_pki):
    assert load_certificate(fresh_pki.csca_pem).fingerprint == \
        load_certificate(fresh_pki.csca_der).fingerprint


def test_directory_store_round_trip(tmp_path, fresh_pki):
    directory = CscaDirectory(tmp_path / "store")
    (tmp_path / "ml.der").write_bytes(fresh_pki.master_list())
    (tmp_path / "csca.crl").write_bytes(fresh_pki.crl())
    result = directory.import_file(tmp_path / "ml.der",
                                   pinned_fingerprints=[fresh_pki.csca.info.fingerprint])
    assert result.kind == "master_list" and len(result.added) == 1
    assert directory.import_file(tmp_path / "csca.crl").kind == "crl"
    again = directory.import_file(tmp_path / "csca.crl")
    assert again.added == [] and again.already_present == 1
    store = directory.load()
    assert len(store) == 1 and len(store.crls) == 1
    kinds = sorted(e.kind for e in directory.entries())
    assert kinds == ["crl", "csca"]


def test_damaged_store_file_is_an_error(tmp_path, fresh_pki):
    directory = CscaDirectory(tmp_path)
    (tmp_path / "csca.pem").write_bytes(fresh_pki.csca_pem)
    directory.import_file(tmp_path / "csca.pem")
    next((tmp_path / "csca").glob("*.der")).write_bytes(b"\x30\x03\x02\x01")
    with pytest.raises(TrustStoreError):
        directory.load()


def test_cli_import_and_list(tmp_path, fresh_pki, monkeypatch):
    (tmp_path / "csca.pem").write_bytes(fresh_pki.csca_pem)
    (tmp_path / "csca.crl").write_bytes(fresh_pki.crl())
    monkeypatch.setenv("IDP_CSCA_DIR", str(tmp_path / "store"))
    runner = CliRunner()
    out = runner.invoke(csca, ["import", str(tmp_path / "csca.pem")])
    assert out.exit_code == 0 and "1 added" in out.output
    assert runner.invoke(csca, ["import", str(tmp_path / "csca.crl")]).exit_code == 0
    listed = runner.invoke(csca, ["list", "--json"])
    entries = json.loads(listed.output)
    assert {e["kind"] for e in entries} == {"csca", "crl"}
    assert entries[0]["country"] == "UZ" and entries[0]["test_material"] is True
    text = runner.invoke(csca, ["list"]).output
    assert "CSCA UZ" in text and "[TEST]" in text


def test_cli_store_option_and_untrusted_master_list(tmp_path, fresh_pki):
    (tmp_path / "ml.der").write_bytes(fresh_pki.master_list())
    runner = CliRunner()
    out = runner.invoke(csca, ["--store", str(tmp_path / "s"), "import", str(tmp_path / "ml.der")])
    assert out.exit_code != 0 and "master_list_signer_untrusted" in out.output
    pin = fresh_pki.csca.info.fingerprint
    out = runner.invoke(csca, ["--store", str(tmp_path / "s"), "import", "--pin", pin,
                               str(tmp_path / "ml.der")])
    assert out.exit_code == 0, out.output
    assert runner.invoke(csca, ["--store", str(tmp_path / "s"), "list"]).output.count("\n") == 1


def test_cli_refuses_garbage(tmp_path):
    (tmp_path / "junk.der").write_bytes(b"not a certificate")
    out = CliRunner().invoke(csca, ["--store", str(tmp_path / "s"), "import",
                                    str(tmp_path / "junk.der")])
    assert out.exit_code != 0 and "Traceback" not in out.output
