"""With IDP_ENV=production every piece of test material refuses to load."""

from __future__ import annotations

import pytest

from nfc.errors import TestMaterialRefused
from nfc.testing import SyntheticPassport, TestPKI, make_passport
from nfc.testing.chip import SoftwareChip


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("IDP_ENV", "production")


def test_test_pki_refused(production):
    with pytest.raises(TestMaterialRefused):
        TestPKI.create()


def test_saved_test_pki_refused(tmp_path, pki, monkeypatch):
    pki.save(tmp_path)
    assert TestPKI.load(tmp_path).csca.der == pki.csca.der
    monkeypatch.setenv("IDP_ENV", "production")
    with pytest.raises(TestMaterialRefused):
        TestPKI.load(tmp_path)


def test_generator_refused(pki, monkeypatch):
    monkeypatch.setenv("IDP_ENV", "production")
    with pytest.raises(TestMaterialRefused):
        make_passport(pki)


def test_synthetic_passport_and_simulator_refused(passport, tmp_path, monkeypatch):
    passport.save(tmp_path / "p.json")
    monkeypatch.setenv("IDP_ENV", "production")
    with pytest.raises(TestMaterialRefused):
        SyntheticPassport.load(tmp_path / "p.json")
    with pytest.raises(TestMaterialRefused):
        SoftwareChip(passport)


def test_development_is_the_default(monkeypatch, pki):
    monkeypatch.delenv("IDP_ENV", raising=False)
    assert make_passport(pki).files["EF.SOD"]
