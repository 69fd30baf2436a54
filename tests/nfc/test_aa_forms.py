"""Active Authentication signatures in both ISO/IEC 9796-2 forms, and the
reason code for a DG14 naming an algorithm this verifier does not support.

ISO/IEC 9796-2 (RSA with an odd public exponent) lets the signer send
sigma = min(J^d, n - J^d); a verifier recovers J = sigma^e and, when its last
nibble is not 0xC, takes n - J. Chips of both kinds are in use."""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from nfc.active import verify_active_authentication
from nfc.errors import ActiveAuthError
from nfc.iso9796 import representative, verify_rsa
from nfc.lds import encode_dg14, encode_dg15, parse_dg14, parse_dg15
from nfc.pki.keys import spki_der
from nfc.testing import aa_sign
from nfc.testing.keys import generate_key


def _dg15(key):
    return parse_dg15(encode_dg15(spki_der(key.public_key())))


def _sign(key, nonce, *, hash_name, form):
    """J^d, or n - J^d, or the smaller of the two, as a chip would send it."""
    numbers = key.private_numbers()
    n, d = numbers.public_numbers.n, numbers.d
    k = (n.bit_length() + 7) // 8
    j = int.from_bytes(representative(k, os.urandom(k), nonce, hash_name), "big")
    sigma = pow(j, d, n)
    sigma = {"plain": sigma, "negated": n - sigma, "min": min(sigma, n - sigma)}[form]
    return sigma.to_bytes(k, "big")


@pytest.fixture(scope="module", params=[1024, 2048])
def rsa_key(request):
    return rsa.generate_private_key(public_exponent=65537, key_size=request.param)


@pytest.mark.parametrize("hash_name", ["sha1", "sha256"])
@pytest.mark.parametrize("form", ["plain", "negated", "min"])
def test_both_signature_forms_verify(rsa_key, hash_name, form):
    nonce = os.urandom(8)
    sig = _sign(rsa_key, nonce, hash_name=hash_name, form=form)
    described = verify_active_authentication(_dg15(rsa_key), sig, expected_nonce=nonce)
    assert described.endswith(hash_name)


def test_negated_form_still_checks_the_nonce(rsa_key):
    nonce = os.urandom(8)
    sig = _sign(rsa_key, nonce, hash_name="sha1", form="negated")
    with pytest.raises(ActiveAuthError) as err:
        verify_active_authentication(_dg15(rsa_key), sig, expected_nonce=os.urandom(8))
    assert err.value.code == "aa_signature_invalid"


def test_negated_form_by_another_key_is_refused(rsa_key):
    nonce = os.urandom(8)
    other = rsa.generate_private_key(public_exponent=65537, key_size=rsa_key.key_size)
    sig = _sign(other, nonce, hash_name="sha1", form="negated")
    with pytest.raises(ActiveAuthError) as err:
        n = rsa_key.public_key().public_numbers()
        verify_rsa(n.n, n.e, sig, nonce)
    assert err.value.code == "aa_signature_invalid"


def test_unsupported_algorithm_in_dg14_has_its_own_reason():
    key = generate_key("ec-p256")
    nonce = os.urandom(8)
    # ecdsa-plain-RIPEMD160 (BSI TR-03111): named, valid DG14, but not verifiable here.
    dg14 = parse_dg14(encode_dg14(aa_signature_algorithm="0.4.0.127.0.7.1.1.4.1.6"))
    with pytest.raises(ActiveAuthError) as err:
        verify_active_authentication(_dg15(key), aa_sign(key, nonce, hash_name="sha256"),
                                     expected_nonce=nonce, dg14=dg14)
    assert err.value.code == "aa_algorithm_unsupported"


def test_dg14_without_active_authentication_info_is_still_info_missing():
    key = generate_key("ec-p256")
    nonce = os.urandom(8)
    dg14 = parse_dg14(encode_dg14(chip_authentication_spki=None, aa_signature_algorithm=None))
    with pytest.raises(ActiveAuthError) as err:
        verify_active_authentication(_dg15(key), aa_sign(key, nonce, hash_name="sha256"),
                                     expected_nonce=nonce, dg14=dg14)
    assert err.value.code == "aa_info_missing"
