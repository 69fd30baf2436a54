"""LDS elementary files (ICAO 9303 Part 10): decoding what the generator
encodes, and refusing malformed files with LDSError."""

from __future__ import annotations

import io

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from nfc import tlv
from nfc.errors import BiometricError, LDSError, NfcError
from nfc.lds import (
    encode_com,
    encode_details,
    encode_dg1,
    encode_dg2,
    encode_dg14,
    encode_dg15,
    parse_com,
    parse_dg1,
    parse_dg2,
    parse_dg11,
    parse_dg12,
    parse_dg14,
    parse_dg15,
    parse_sod,
)
from nfc.lds.face import jpeg_dimensions
from nfc.pki.keys import spki_der
from nfc.testing.keys import generate_key


def test_ef_com_lists_data_groups():
    com = parse_com(encode_com([1, 2, 11, 14, 15]))
    assert com.data_groups == (1, 2, 11, 14, 15)
    assert com.lds_version == "0107" and com.unicode_version == "040000"


def test_ef_com_refuses_unknown_tag():
    body = tlv.encode(0x5F01, b"0107") + tlv.encode(0x5F36, b"040000") + tlv.encode(0x5C, b"\x99")
    with pytest.raises(LDSError):
        parse_com(tlv.encode(0x60, body))


def test_dg1_holds_the_mrz(passport, identity):
    mrz = parse_dg1(passport.files["DG1"]).mrz
    assert mrz.surname == "KARIMOVA" and mrz.given_names == "DILNOZA BAHODIROVNA"
    assert mrz.document_number == identity.document_number
    assert mrz.optional_data == identity.personal_number


def test_dg1_with_bad_check_digit_is_refused(passport):
    raw = bytearray(passport.files["DG1"])
    raw[-1] = ord("0") if raw[-1] != ord("0") else ord("1")  # composite check digit
    with pytest.raises(NfcError) as err:
        parse_dg1(bytes(raw))
    assert err.value.code == "mrz_check_digit"


def test_dg1_refuses_wrong_length():
    with pytest.raises(LDSError):
        parse_dg1(encode_dg1("P<UTO" + "<" * 20))


def test_dg2_gives_the_raw_jpeg_and_metadata(passport, astronaut_jpeg):
    face = parse_dg2(passport.files["DG2"]).portrait
    assert face.image == astronaut_jpeg
    assert (face.image_format, face.width, face.height) == ("jpeg", 300, 400)
    assert face.standard == "ISO/IEC 19794-5" and face.gender == "female"
    assert str(len(astronaut_jpeg)) in repr(face) and "\\xff" not in repr(face)


def test_dg2_portrait_decodes_to_an_image(passport):
    img = parse_dg2(passport.files["DG2"]).portrait.decode()
    assert img.size == (300, 400) and img.mode == "RGB"


def test_dg2_jpeg2000_portrait_is_transcoded_for_browsers(astronaut_jpeg):
    from PIL import Image, features

    if not features.check("jpg_2000"):
        pytest.skip("this Pillow build has no OpenJPEG")
    jp2 = io.BytesIO()
    Image.open(io.BytesIO(astronaut_jpeg)).save(jp2, format="JPEG2000")
    face = parse_dg2(encode_dg2(jp2.getvalue(), width=300, height=400)).portrait
    assert face.image_format == "jpeg2000"
    assert face.to_jpeg().startswith(b"\xff\xd8\xff")
    assert Image.open(io.BytesIO(face.to_jpeg())).size == (300, 400)


def test_dg2_iso39794_block_yields_its_image(astronaut_jpeg):
    # A 39794-5 record is DER; the image sits in a primitive element inside.
    record = tlv.encode(0xA1, tlv.encode(0xA0, tlv.encode(0x80, astronaut_jpeg)))
    template = tlv.encode(0x7F60, tlv.encode(0xA1, tlv.encode(0x81, b"\x02"))
                          + tlv.encode(0x7F2E, record))
    dg2 = tlv.encode(0x75, tlv.encode(0x7F61, tlv.encode(0x02, b"\x01") + template))
    face = parse_dg2(dg2).portrait
    assert face.standard == "ISO/IEC 39794-5" and face.image == astronaut_jpeg


def test_dg2_image_type_must_match_bytes(astronaut_jpeg):
    raw = bytearray(encode_dg2(astronaut_jpeg, width=300, height=400))
    pos = raw.index(b"\xff\xd8\xff") - 11  # image data type byte of the image information
    raw[pos] = 1  # claims JPEG 2000
    with pytest.raises(BiometricError):
        parse_dg2(bytes(raw))


def test_dg2_instance_count_must_match(astronaut_jpeg):
    raw = bytearray(encode_dg2(astronaut_jpeg, width=300, height=400))
    pos = raw.index(bytes.fromhex("020101"))
    raw[pos + 2] = 2
    with pytest.raises(LDSError):
        parse_dg2(bytes(raw))


def test_jpeg_dimensions(hopper_jpeg):
    assert jpeg_dimensions(hopper_jpeg) == (300, 400)
    with pytest.raises(BiometricError):
        jpeg_dimensions(b"\xff\xd8\xff\xe0\x00")


def test_dg11_and_dg12_details():
    dg11 = parse_dg11(encode_details(11, {"full_name": "KARIMOVA<<DILNOZA",
                                          "personal_number": "42305901234567",
                                          "place_of_birth": "SAMARQAND"}))
    assert dg11.get("personal_number") == "42305901234567"
    assert "SAMARQAND" not in repr(dg11)
    dg12 = parse_dg12(encode_details(12, {"issuing_authority": "IIV 26283",
                                          "date_of_issue": "20200115"}))
    assert dg12.get("date_of_issue") == "20200115"


def test_dg11_other_names_count_is_checked():
    other = tlv.encode(0xA0, tlv.encode(0x02, b"\x02") + tlv.encode(0x5F0F, b"ONE"))
    with pytest.raises(LDSError):
        parse_dg11(tlv.encode(0x6B, tlv.encode(0x5C, b"\x5F\x0F") + other))


@pytest.mark.parametrize("explicit", [False, True])
def test_dg14_reports_chip_and_active_authentication(explicit):
    key = generate_key("ec-brainpool256").public_key()
    dg14 = parse_dg14(encode_dg14(chip_authentication_spki=spki_der(key, explicit=explicit),
                                  aa_signature_algorithm="0.4.0.127.0.7.1.1.4.1.3"))
    assert dg14.chip_authentication[0].protocol == "id-CA-ECDH-AES-CBC-CMAC-256"
    assert dg14.chip_authentication_keys[0].algorithm == "EC-BrainpoolP256R1"
    assert dg14.aa_hash == "sha256"


@pytest.mark.parametrize("spec, explicit, expected", [
    ("rsa-1024", False, "RSA-1024"), ("ec-p256", False, "EC-SECP256R1"),
    ("ec-brainpool384", True, "EC-BrainpoolP384R1"), ("ec-p521", True, "EC-SECP521R1")])
def test_dg15_public_keys(spec, explicit, expected):
    key = generate_key(spec).public_key()
    dg15 = parse_dg15(encode_dg15(spki_der(key, explicit=explicit)))
    assert dg15.algorithm == expected
    assert dg15.public_key.public_numbers() == key.public_numbers()


def test_dg15_unknown_explicit_curve_is_refused():
    key = generate_key("ec-p256").public_key()
    der = bytearray(spki_der(key, explicit=True))
    # change one byte of the coefficient b: no supported curve matches
    from nfc.pki.curves import BY_NAME
    b = BY_NAME["SECP256R1"].b.to_bytes(32, "big")
    pos = bytes(der).index(b)
    der[pos + 31] ^= 1
    with pytest.raises(NfcError) as err:
        parse_dg15(encode_dg15(bytes(der)))
    assert "curve" in str(err.value)


def test_sod_lists_hashes_of_every_data_group(passport):
    import hashlib

    sod = parse_sod(passport.files["EF.SOD"])
    assert sod.hash_algorithm == "sha256"
    assert set(sod.data_group_hashes) == {1, 2, 11, 14, 15}
    assert sod.data_group_hashes[2] == hashlib.sha256(passport.files["DG2"]).digest()


def test_curve_table_constants_are_consistent():
    """Every generated public point lies on the tabled curve (y^2 = x^3 + ax + b)."""
    from nfc.pki.curves import CURVES

    for c in CURVES:
        assert (c.gy ** 2 - (c.gx ** 3 + c.a * c.gx + c.b)) % c.p == 0
        if not c.backend:
            continue
        nums = ec.generate_private_key(c.curve).public_key().public_numbers()
        assert (nums.y ** 2 - (nums.x ** 3 + c.a * nums.x + c.b)) % c.p == 0
