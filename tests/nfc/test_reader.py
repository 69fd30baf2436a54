"""Reading the software chip over BAC and secure messaging, then passive
and active authentication of what was read."""

from __future__ import annotations

import os
import sys
import types

import pytest

from nfc import DocumentKey, verify_chip
from nfc.errors import AccessDenied, SecureMessagingError, StatusWordError, TransportError
from nfc.reader.apdu import CommandAPDU
from nfc.reader.passport_reader import PassportReader, read_passport
from nfc.reader.transport import LocalTransport
from nfc.testing import make_passport
from nfc.testing.chip import SoftwareChip


def test_full_read_then_passive_and_active_authentication(passport, store, identity):
    nonce = os.urandom(8)
    chip = read_passport(SoftwareChip(passport).transport(), identity.document_key(), nonce=nonce)
    assert set(chip.files) == {"EF.COM", "EF.SOD", "DG1", "DG2", "DG11", "DG14", "DG15"}
    assert chip.files == passport.files
    report = verify_chip(chip, trust_store=store, expected_nonce=nonce,
                         expected_mrz=identity.document_key())
    assert report.ok, report.failures
    assert report.active_authentication_algorithm.startswith("RSA-1024")


def test_ecdsa_chip_read_and_verified(ec_passport, store, identity):
    nonce = os.urandom(8)
    chip = read_passport(SoftwareChip(ec_passport).transport(), identity.document_key(),
                         nonce=nonce)
    report = verify_chip(chip, trust_store=store, expected_nonce=nonce)
    assert report.ok and report.active_authentication_algorithm.startswith("ECDSA Brainpool")


def test_large_dg2_is_read_past_offset_32767(pki, store):
    import io

    from PIL import Image

    big = io.BytesIO()
    Image.effect_noise((400, 300), 80).convert("RGB").save(big, "JPEG", quality=95)
    assert len(big.getvalue()) > 40_000
    passport = make_passport(pki, portrait=big.getvalue())
    chip = SoftwareChip(passport)
    seen = []
    transport = LocalTransport(lambda apdu: (seen.append(apdu[1]), chip.process(apdu))[1])
    data = read_passport(transport, passport.document_key)
    assert data.files["DG2"] == passport.files["DG2"]
    assert 0xB1 in seen  # odd INS READ BINARY with an offset data object


def test_wrong_mrz_key_is_access_denied(passport):
    with pytest.raises(AccessDenied):
        read_passport(SoftwareChip(passport).transport(), DocumentKey("AA0000000", "900101", "300101"))


def test_files_are_protected_until_bac(passport):
    chip = SoftwareChip(passport)
    assert chip.process(bytes.fromhex("00A4040C07A0000002471001"))[-2:] == b"\x90\x00"
    assert chip.process(bytes.fromhex("00A4020C02011E"))[-2:] == b"\x69\x82"


def test_tampered_response_mac_is_detected(passport):
    chip = SoftwareChip(passport)
    count = {"n": 0}

    def flip(apdu: bytes) -> bytes:
        out = chip.process(apdu)
        count["n"] += 1
        if count["n"] == 6:  # a protected response after BAC
            out = bytes([out[0] ^ 0x01]) + out[1:]
        return out

    with pytest.raises(SecureMessagingError):
        read_passport(LocalTransport(flip), passport.document_key)


def test_unprotected_command_after_bac_ends_the_session(passport):
    reader = PassportReader(SoftwareChip(passport).transport())
    reader.select_application()
    reader.authenticate(passport.document_key)
    raw = reader.transport.transmit(bytes.fromhex("00A4020C02011E"))
    assert raw[-2:] == b"\x69\x88"
    with pytest.raises(StatusWordError) as err:
        reader.read_file("EF.COM")
    assert err.value.sw == 0x6985  # no secure messaging session any more


def test_aa_answer_is_bound_to_the_nonce(passport, store):
    first, second = os.urandom(8), os.urandom(8)
    chip = read_passport(SoftwareChip(passport).transport(), passport.document_key, nonce=first)
    replayed = type(chip)(chip.files, chip.aa_signature, second)
    report = verify_chip(replayed, trust_store=store, expected_nonce=second)
    assert report.reason_codes == ("aa_signature_invalid",)


def test_chip_without_active_authentication(pki, store):
    passport = make_passport(pki, aa_key=None)
    nonce = os.urandom(8)
    chip = read_passport(SoftwareChip(passport).transport(), passport.document_key, nonce=nonce)
    assert "DG15" not in chip.files and chip.aa_signature is None
    assert verify_chip(chip, trust_store=store, expected_nonce=nonce).reason_codes == \
        ("aa_not_supported",)


def test_sfi_read_binary(passport):
    reader = PassportReader(SoftwareChip(passport).transport())
    reader.select_application()
    reader.authenticate(passport.document_key)
    resp = reader._send(CommandAPDU(0x00, 0xB0, 0x80 | 0x01, 0x00, le=4))
    assert resp.data == passport.files["DG1"][:4]


def test_command_apdu_encoding_cases():
    assert CommandAPDU(0, 0x84, 0, 0, le=8).to_bytes() == bytes.fromhex("0084000008")
    ext = CommandAPDU(0, 0x88, 0, 0, b"\x01" * 8, le=65536)
    assert ext.to_bytes() == bytes.fromhex("00880000000008" + "01" * 8 + "0000")
    for cmd in (ext, CommandAPDU(0, 0xB0, 0, 0, le=256), CommandAPDU(0, 0xA4, 2, 12, b"\x01\x1e"),
                CommandAPDU(0, 0xB0, 0, 0, le=300), CommandAPDU(0, 0xD6, 0, 0, bytes(300))):
        assert CommandAPDU.parse(cmd.to_bytes()) == cmd


def test_pcsc_transport_with_a_fake_pyscard(monkeypatch, passport):
    chip = SoftwareChip(passport)

    class Conn:
        def connect(self):
            pass

        def disconnect(self):
            pass

        def transmit(self, apdu):
            out = chip.process(bytes(apdu))
            return list(out[:-2]), out[-2], out[-1]

    class Reader:
        def __str__(self):
            return "ACS ACR122U PICC Interface 00 00"

        def createConnection(self):
            return Conn()

    system = types.ModuleType("smartcard.System")
    system.readers = lambda: [Reader()]
    monkeypatch.setitem(sys.modules, "smartcard", types.ModuleType("smartcard"))
    monkeypatch.setitem(sys.modules, "smartcard.System", system)
    from nfc.reader.pcsc import PcscTransport, list_readers

    assert list_readers() == ["ACS ACR122U PICC Interface 00 00"]
    transport = PcscTransport("acr122")
    assert read_passport(transport, passport.document_key).files == passport.files
    with pytest.raises(TransportError):
        PcscTransport("no such reader")


def test_pcsc_without_pyscard_is_a_transport_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "smartcard.System", None)
    from nfc.reader.pcsc import PcscTransport

    with pytest.raises(TransportError):
        PcscTransport()


def test_bare_error_status_is_accepted_but_bare_success_is_not():
    from nfc.reader.sm import SecureMessaging

    sm = SecureMessaging(bytes(16), bytes(range(16)), bytes(8))
    assert sm.unprotect(bytes.fromhex("6A82")).sw == 0x6A82  # file not found, unprotected
    with pytest.raises(SecureMessagingError):
        sm.unprotect(bytes.fromhex("9000"))  # success must carry a MAC


# --- PACE (ICAO 9303 Part 11 section 4.4) -----------------------------------


@pytest.fixture(scope="module")
def pace_passport(pki, identity, hopper_jpeg):
    return make_passport(pki, identity, portrait=hopper_jpeg, aa_key="ec-p256", pace=True)


@pytest.mark.parametrize("bac_too", [True, False])
def test_pace_read_then_verification(pace_passport, store, bac_too):
    nonce = os.urandom(8)
    reader = PassportReader(SoftwareChip(pace_passport, bac=bac_too).transport())
    chip = reader.read(pace_passport.document_key, nonce=nonce)
    assert reader.access_control == "PACE"
    assert chip.files == {k: v for k, v in pace_passport.files.items() if k != "EF.CardAccess"}
    report = verify_chip(chip, trust_store=store, expected_nonce=nonce)
    assert report.ok, report.failures
    assert report.chip_authentication.pace_protocols == ("0.4.0.127.0.7.2.2.4.2.2",)


def test_pace_with_a_wrong_mrz_key_is_access_denied(pace_passport):
    with pytest.raises(AccessDenied):
        read_passport(SoftwareChip(pace_passport, bac=False).transport(),
                      DocumentKey("AA0000000", "900101", "300101"))


def test_bac_can_be_forced_on_a_pace_chip(pace_passport):
    reader = PassportReader(SoftwareChip(pace_passport).transport())
    reader.read(pace_passport.document_key, access="bac")
    assert reader.access_control == "BAC"


def test_pace_required_but_not_offered(passport):
    from nfc.errors import ProtocolError

    with pytest.raises(ProtocolError):
        read_passport(SoftwareChip(passport).transport(), passport.document_key, access="pace")
    reader = PassportReader(SoftwareChip(passport).transport())
    reader.read(passport.document_key)  # auto falls back to BAC
    assert reader.access_control == "BAC"


@pytest.mark.parametrize("key_length, parameter_id", [(16, 12), (24, 16), (32, 17), (16, 11)])
def test_pace_variants(pki, key_length, parameter_id):
    from nfc.reader.pace import PACEInfo

    oid = {16: "0.4.0.127.0.7.2.2.4.2.2", 24: "0.4.0.127.0.7.2.2.4.2.3",
           32: "0.4.0.127.0.7.2.2.4.2.4"}[key_length]
    passport = make_passport(pki, aa_key=None, pace=PACEInfo(oid, 2, parameter_id))
    reader = PassportReader(SoftwareChip(passport, bac=False).transport())
    assert set(reader.read(passport.document_key).files) >= {"EF.SOD", "DG1", "DG2"}
    assert reader.access_control == "PACE"


def test_aes_secure_messaging_round_trip():
    from nfc.reader.sm import SecureMessaging

    terminal = SecureMessaging(bytes(range(16)), bytes(range(16, 32)), bytes(16), aes=True)
    chip = SecureMessaging(bytes(range(16)), bytes(range(16, 32)), bytes(16), aes=True)
    cmd = CommandAPDU(0x00, 0xB0, 0x00, 0x10, le=200)
    assert chip.unprotect_command(terminal.protect(cmd)) == cmd
    resp = terminal.unprotect(chip.protect_response(b"x" * 200, 0x9000))
    assert resp.data == b"x" * 200 and resp.sw == 0x9000
    raw = chip.protect_response(b"y", 0x9000)
    assert terminal.unprotect(raw).data == b"y"
    with pytest.raises(SecureMessagingError):  # replayed: the counter moved on
        terminal.unprotect(raw)


@pytest.mark.parametrize("aa_key, extended", [("rsa-1024", False), ("rsa-2048", True),
                                              ("ec-p256", False)])
def test_internal_authenticate_asks_for_extended_length_for_large_rsa(pki, aa_key, extended):
    passport = make_passport(pki, aa_key=aa_key)
    chip = SoftwareChip(passport)
    sent = []
    transport = LocalTransport(lambda apdu: (sent.append(apdu), chip.process(apdu))[1])
    read_passport(transport, passport.document_key, nonce=os.urandom(8))
    internal_authenticate = [a for a in sent if a[1] == 0x88]
    assert len(internal_authenticate) == 1
    assert CommandAPDU.parse(internal_authenticate[0]).extended is extended
