"""PACE ECDH generic mapping: the worked example of ICAO Doc 9303 Part 11
(appendix "PACE - Generic Mapping", ECDH based example, brainpoolP256r1,
id-PACE-ECDH-GM-AES-CBC-CMAC-128). Each value is quoted from it."""

from __future__ import annotations

import hashlib

from nfc.mrz import DocumentKey
from nfc.pki.curves import BY_NAME, _Curve
from nfc.pki.ecmath import decode_point, encode_point, generator, multiply
from nfc.reader import pace

H = bytes.fromhex
CURVE = BY_NAME["BrainpoolP256R1"]
KEY = DocumentKey("T22000129", "640812", "101031")
PROTOCOL = "0.4.0.127.0.7.2.2.4.2.2"
S = H("3F00C4D39D153F2B2A214A078D899B22")
MAPPED = H("048CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E2"
           "8C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522")
CHIP_PUBLIC = H("049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB"
                "7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094")
TERMINAL_PUBLIC = H("042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C"
                    "3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462")
KS_MAC = H("FE251C7858B356B24514B3BD5F4297D1")


def test_card_access_pace_info():
    infos = pace.parse_card_access(H("3114301206 0A04007F0007020204020402010202010D".replace(" ", "")))
    assert infos == (pace.PACEInfo("0.4.0.127.0.7.2.2.4.2.4", 2, 13),)
    assert infos[0].supported and infos[0].curve.name == "BrainpoolP256R1"


def test_password_key():
    assert hashlib.sha1(KEY.mrz_information().encode()).digest() == \
        H("7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD")
    assert pace.password_key(KEY, 16) == H("89DED1B26624EC1E634C1989302849DD")


def test_decrypted_nonce():
    k_pi = pace.password_key(KEY, 16)
    assert pace.decrypt_nonce(k_pi, H("95A3A016522EE98D01E76CB6B98B42C3")) == S


def test_mapping():
    t = int.from_bytes(H("7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99"),
                       "big")
    terminal = encode_point(CURVE, multiply(CURVE, t, generator(CURVE)))
    assert terminal == H("047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E"
                         "544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D")
    chip = decode_point(CURVE, H("04824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F57"
                                 "30D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54"))
    shared = multiply(CURVE, t, chip)
    assert encode_point(CURVE, shared) == H(
        "0460332EF2450B5D247EF6D3868397D398852ED6E8CAF6FFEEF6BF85CA57057FD5"
        "0840CA7415BAF3E43BD414D35AA4608B93A2CAF3A4E3EA4E82C9C13D03EB7181")
    assert encode_point(CURVE, pace.map_generator(CURVE, S, shared)) == MAPPED


def test_key_agreement_on_the_mapped_generator():
    g = decode_point(CURVE, MAPPED)
    mapped = _Curve(CURVE.name, CURVE.p, CURVE.a, CURVE.b, g[0], g[1], CURVE.n, backend=False)
    t = int.from_bytes(H("A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595"),
                       "big")
    assert encode_point(CURVE, multiply(mapped, t, generator(mapped))) == TERMINAL_PUBLIC
    shared = multiply(CURVE, t, decode_point(CURVE, CHIP_PUBLIC))
    k = shared[0].to_bytes(32, "big")
    assert k == H("28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925")
    assert pace.session_keys(k, 16) == (H("F5F0E35C0D7161EE6724EE513A0D9A7F"), KS_MAC)


def test_authentication_tokens():
    assert pace.auth_token(KS_MAC, PROTOCOL, CHIP_PUBLIC) == H("C2B0BD78D94BA866")
    assert pace.auth_token(KS_MAC, PROTOCOL, TERMINAL_PUBLIC) == H("3ABB9674BCE93C08")
