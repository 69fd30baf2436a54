"""The upload format (docs/nfc-reader-upload.md) and verify_chip_upload, the
call the enrollment server makes."""

from __future__ import annotations

import base64
import json
import os

import pytest

from nfc import (
    ChipData,
    DocumentKey,
    UploadFormatError,
    encode_upload,
    parse_upload,
    verify_chip_upload,
)
from nfc.reader.passport_reader import read_passport
from nfc.testing.chip import SoftwareChip


@pytest.fixture
def upload(passport):
    def make(nonce):
        chip = read_passport(SoftwareChip(passport).transport(), passport.document_key,
                             nonce=nonce)
        return encode_upload(chip, reader={"software": "test"})
    return make


def test_round_trip(upload, passport):
    nonce = os.urandom(8)
    payload = upload(nonce)
    parsed = parse_upload(json.dumps(payload))
    assert parsed.nonce == nonce and parsed.chip.files == {
        k: v for k, v in passport.files.items()}
    assert parsed.reader == {"software": "test"}


def test_genuine_upload_verifies(upload, store, identity):
    nonce = os.urandom(8)
    report = verify_chip_upload(json.dumps(upload(nonce)), expected_nonce=nonce,
                                trust_store=store, expected_mrz=identity.document_key())
    assert report.ok, report.failures
    assert report.checks[0].name == "nonce_echo"
    assert report.document.surname == "KARIMOVA"
    assert report.portrait.decode().size == (300, 400)


def test_upload_for_an_old_nonce_is_refused(upload, store):
    old, current = os.urandom(8), os.urandom(8)
    report = verify_chip_upload(upload(old), expected_nonce=current, trust_store=store)
    assert set(report.reason_codes) == {"nonce_mismatch", "aa_signature_invalid"}


def test_replayed_signature_with_a_forged_echo_is_refused(upload, store):
    old, current = os.urandom(8), os.urandom(8)
    payload = upload(old)
    payload["nonce"] = current.hex()
    report = verify_chip_upload(payload, expected_nonce=current, trust_store=store)
    assert report.reason_codes == ("aa_signature_invalid",)


def test_typed_mrz_mismatch(upload, store):
    nonce = os.urandom(8)
    report = verify_chip_upload(upload(nonce), expected_nonce=nonce, trust_store=store,
                                expected_mrz=DocumentKey("FA0000000", "900517", "310101"))
    assert report.reason_codes == ("mrz_mismatch",)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.mark.parametrize("mutate", [
    lambda p: "not json",
    lambda p: json.dumps([1, 2]),
    lambda p: {**p, "format": "other/1"},
    lambda p: {**p, "nonce": "00"},
    lambda p: {**p, "nonce": "zz" * 8},
    lambda p: {**p, "extra": 1},
    lambda p: {**p, "files": {**p["files"], "DG3": _b64(b"fingerprints")}},
    lambda p: {**p, "files": {k: v for k, v in p["files"].items() if k != "EF.SOD"}},
    lambda p: {**p, "files": {**p["files"], "DG1": "***"}},
    lambda p: {**p, "files": {**p["files"], "DG1": ""}},
    lambda p: {**p, "active_authentication": {"signature": 5}},
    lambda p: {**p, "reader": {"x": ["list"]}},
    lambda p: "[" * 100_000,
    lambda p: b"{" + b" " * (3 * 1024 * 1024) + b"}",
])
def test_malformed_payloads_raise_upload_format_error(upload, store, mutate):
    nonce = os.urandom(8)
    with pytest.raises(UploadFormatError):
        verify_chip_upload(mutate(upload(nonce)), expected_nonce=nonce, trust_store=store)


def test_hostile_file_content_is_a_failed_check_not_an_exception(upload, store):
    nonce = os.urandom(8)
    payload = upload(nonce)
    payload["files"]["DG1"] = _b64(b"\x61\x84\xff\xff\xff\xff")
    payload["files"]["EF.SOD"] = _b64(b"\x77\x03\x30\x01\x00")
    report = verify_chip_upload(payload, expected_nonce=nonce, trust_store=store)
    assert not report.ok
    assert {"sod_malformed", "lds_malformed"} <= set(report.reason_codes)


def test_encode_needs_a_nonce():
    with pytest.raises(UploadFormatError):
        encode_upload(ChipData({"EF.SOD": b"x", "DG1": b"y"}))
