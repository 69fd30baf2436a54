"""ICAO Doc 9303 Part 11, Appendix D (worked example of BAC and secure
messaging). Each value below is quoted from that appendix."""

from __future__ import annotations

from nfc.mrz import DocumentKey
from nfc.reader.apdu import CommandAPDU
from nfc.reader.bac import (
    derive_bac_keys,
    external_authenticate_data,
    initial_ssc,
    open_chip_response,
    session_keys,
)
from nfc.reader.cipher import bac_seed
from nfc.reader.sm import SecureMessaging

H = bytes.fromhex
KEY = DocumentKey("L898902C", "690806", "940623")
RND_IC = H("4608F91988702212")
RND_IFD = H("781723860C06C226")
K_IFD = H("0B795240CB7049B01C19B33E32804F0B")
CHIP_RESPONSE = H("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F"
                  "2F2D235D074D7449")
KS_ENC = H("979EC13B1CBFE9DCD01AB0FED307EAE5")
KS_MAC = H("F1CB1F1FB5ADF208806B89DC579DC1F8")
SSC = H("887022120C06C226")


def test_mrz_information():
    assert KEY.mrz_information() == "L898902C<369080619406236"


def test_kseed():
    assert bac_seed(KEY.mrz_information()) == H("239AB9CB282DAF66231DC5A4DF6BFBAE")


def test_kenc():
    assert derive_bac_keys(KEY).k_enc == H("AB94FDECF2674FDFB9B391F85D7F76F2")


def test_kmac():
    assert derive_bac_keys(KEY).k_mac == H("7962D9ECE03D1ACD4C76089DCE131543")


def test_eifd_and_mifd():
    data = external_authenticate_data(derive_bac_keys(KEY), RND_IC, RND_IFD, K_IFD)
    assert data[:32] == H("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2")
    assert data[32:] == H("5F1448EEA8AD90A7")


def test_chip_response_opens_and_gives_session_keys():
    k_ic = open_chip_response(derive_bac_keys(KEY), CHIP_RESPONSE, RND_IC, RND_IFD)
    assert session_keys(K_IFD, k_ic) == (KS_ENC, KS_MAC)


def test_send_sequence_counter():
    assert initial_ssc(RND_IC, RND_IFD) == SSC


def test_protected_select_ef_com():
    sm = SecureMessaging(KS_ENC, KS_MAC, SSC)
    protected = sm.protect(CommandAPDU.parse(H("00A4020C02011E")))
    assert protected.to_bytes() == H("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")


def test_protected_select_response_verifies():
    sm = SecureMessaging(KS_ENC, KS_MAC, SSC)
    sm.protect(CommandAPDU.parse(H("00A4020C02011E")))
    response = sm.unprotect(H("990290008E08FA855A5D4C50A8ED9000"))
    assert response.sw == 0x9000 and response.data == b""
