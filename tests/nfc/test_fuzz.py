"""Property-based fuzzing: every parser is total. Random bytes and mutations
of genuine files (bit flips, truncation, insertions, inflated lengths) give
either a value or an NfcError, never another exception or a hang (each
example has a deadline)."""

from __future__ import annotations

import functools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nfc import ChipData, parse_mrz, parse_upload, tlv, verify_chip
from nfc.errors import NfcError
from nfc.lds import (
    parse_com,
    parse_dg1,
    parse_dg2,
    parse_dg11,
    parse_dg12,
    parse_dg14,
    parse_dg15,
    parse_sod,
)
from nfc.pki.certs import load_certificate, load_crl
from nfc.reader.apdu import CommandAPDU
from nfc.reader.sm import SecureMessaging
from nfc.testing import TestPKI, make_passport, trust_store_for
from nfc.testing.chip import SoftwareChip
from nfc.trust import verify_master_list

FUZZ = settings(max_examples=400, deadline=2000, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@functools.cache
def samples():
    pki = TestPKI.create()
    passport = make_passport(pki, aa_key="ec-p256", explicit_ec_params=True)
    files = dict(passport.files)
    files["CSCA"] = pki.csca_der
    files["CRL"] = pki.crl()
    files["ML"] = pki.master_list()
    return pki, passport, files


def total(fn, data):
    try:
        fn(data)
    except NfcError:
        pass


@st.composite
def mutated(draw, name):
    data = bytearray(samples()[2][name])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "inflate", "delete"]))
        if not data:
            break
        pos = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "truncate":
            del data[pos:]
        elif kind == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[pos:pos + draw(st.integers(1, 8))]
        else:  # a length octet claims more than there is
            data[pos] = draw(st.sampled_from([0x81, 0x82, 0x83, 0x84, 0x80, 0xFF]))
    return bytes(data)


PARSERS = {
    "EF.COM": parse_com, "DG1": parse_dg1, "DG2": parse_dg2, "DG11": parse_dg11,
    "DG14": parse_dg14, "DG15": parse_dg15, "EF.SOD": parse_sod,
    "CSCA": load_certificate, "CRL": load_crl,
    "ML": lambda d: verify_master_list(d, trust_anchors=[samples()[0].csca.info]),
}


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_parsers_are_total_on_mutated_files(name):
    parser = PARSERS[name]

    @FUZZ
    @given(mutated(name))
    def run(data):
        total(parser, data)

    run()


@pytest.mark.parametrize("parser", [tlv.decode, tlv.decode_all, tlv.check_ber_nesting,
                                    parse_com, parse_dg1, parse_dg2, parse_dg11, parse_dg12,
                                    parse_dg14, parse_dg15, parse_sod, load_certificate,
                                    load_crl, verify_master_list, CommandAPDU.parse],
                         ids=lambda f: getattr(f, "__name__", str(f)))
def test_parsers_are_total_on_random_bytes(parser):
    @FUZZ
    @given(st.binary(max_size=600))
    def run(data):
        total(parser, data)

    run()


@FUZZ
@given(st.sampled_from([0x61, 0x75, 0x77, 0x6E, 0x6F, 0x30]), st.integers(1, 10_000))
def test_deep_nesting_and_huge_lengths(tag, depth):
    data = b"\x05\x00"
    for _ in range(min(depth, 3000)):
        data = bytes([tag]) + tlv.encode_length(len(data)) + data
    for parser in (parse_dg1, parse_dg2, parse_dg14, parse_sod, load_certificate,
                   tlv.check_ber_nesting):
        total(parser, data)
    total(parse_dg2, bytes([0x75, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]) + data[:depth])


@FUZZ
@given(st.text(max_size=120))
def test_mrz_parser_is_total(text):
    total(parse_mrz, text)


@FUZZ
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=20))
def test_upload_parser_is_total_on_json(value):
    total(parse_upload, json.dumps(value))
    total(parse_upload, json.dumps({"format": "oneid-emrtd-chip/1", "nonce": "00" * 8,
                                    "files": value}))


@pytest.mark.parametrize("name", ["DG1", "DG2", "DG14", "DG15", "EF.SOD"])
def test_verification_never_raises_on_mutated_chip_data(name):
    pki, passport, _ = samples()
    store = trust_store_for(pki)

    @FUZZ
    @given(mutated(name))
    def run(data):
        files = dict(passport.files)
        files[name] = data
        report = verify_chip(ChipData(files, b"\x00" * 64, b"\x01" * 8), trust_store=store,
                             expected_nonce=b"\x01" * 8)
        assert not report.ok or data == passport.files[name]

    run()


@settings(max_examples=300, deadline=2000, derandomize=True)
@given(st.lists(st.binary(max_size=300), max_size=6))
def test_software_chip_always_answers(apdus):
    chip = SoftwareChip(samples()[1])
    for apdu in [bytes.fromhex("00A4040C07A0000002471001"), *apdus]:
        out = chip.process(apdu)
        assert isinstance(out, bytes) and len(out) >= 2


@settings(max_examples=300, deadline=3000, derandomize=True)
@given(st.lists(st.binary(max_size=120), max_size=5))
def test_pace_chip_always_answers(apdus):
    chip = SoftwareChip(pace_sample())
    oid = bytes.fromhex("04007F00070202040202")  # id-PACE-ECDH-GM-AES-CBC-CMAC-128
    mse = CommandAPDU(0x00, 0x22, 0xC1, 0xA4, tlv.encode(0x80, oid) + bytes.fromhex("83010184010D")
                      ).to_bytes()
    assert chip.process(mse) == b"\x90\x00"
    for apdu in [mse, bytes.fromhex("10860000027C0000"), *apdus]:
        out = chip.process(apdu)
        assert isinstance(out, bytes) and len(out) >= 2


@FUZZ
@given(st.binary(max_size=200))
def test_card_access_parser_is_total(data):
    from nfc.reader.pace import parse_card_access

    total(parse_card_access, data)


@functools.cache
def pace_sample():
    return make_passport(samples()[0], aa_key=None, pace=True)


@FUZZ
@given(st.binary(max_size=300))
def test_secure_messaging_unwrap_is_total(data):
    for sm in (SecureMessaging(bytes(16), bytes(range(16)), bytes(8)),
               SecureMessaging(bytes(16), bytes(range(16)), bytes(16), aes=True)):
        total(sm.unprotect, data)
        total(sm.unprotect_command, CommandAPDU(0x0C, 0xB0, 0, 0, data[:255], 256))
    sm = SecureMessaging(bytes(16), bytes(range(16)), bytes(8))
    total(sm.unprotect_command, CommandAPDU(0x0C, 0xB0, 0, 0, data[:255], 256))


@settings(max_examples=300, deadline=3000, derandomize=True)
@given(st.lists(st.binary(max_size=64), min_size=1, max_size=12))
def test_reader_is_total_against_a_hostile_chip(responses):
    """Whatever a chip (or a relay posing as one) answers, the reader raises
    an NfcError or finishes; it never crashes or reads without bound."""
    from nfc.reader.passport_reader import PassportReader
    from nfc.reader.transport import LocalTransport

    answers = iter(responses)
    transport = LocalTransport(lambda apdu: next(answers, b"\x90\x00"))
    total(lambda _: PassportReader(transport).read(samples()[1].document_key,
                                                   nonce=b"\x00" * 8), None)


@settings(max_examples=200, deadline=3000, derandomize=True)
@given(st.integers(0, 400), st.binary(min_size=1, max_size=4))
def test_reader_is_total_when_a_genuine_session_is_corrupted(position, garbage):
    """A real chip session with one response replaced mid-way."""
    from nfc.reader.passport_reader import PassportReader
    from nfc.reader.transport import LocalTransport

    chip = SoftwareChip(samples()[1])
    count = {"n": 0}

    def process(apdu: bytes) -> bytes:
        count["n"] += 1
        out = chip.process(apdu)
        return garbage + out[len(garbage):] if count["n"] == position else out

    total(lambda _: PassportReader(LocalTransport(process)).read(samples()[1].document_key,
                                                                 nonce=b"\x00" * 8), None)
