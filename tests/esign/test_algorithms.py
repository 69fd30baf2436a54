"""Signature verification is pluggable per algorithm OID."""

from __future__ import annotations

import pytest

from idp.esign import SignatureInput, UnsupportedAlgorithmError, default_registry
from idp.esign.algorithms import rsa_pkcs1v15

from . import tampering

# A private-arc OID standing in for a national algorithm such as O'z DSt 1092.
NATIONAL_OID = "1.3.6.1.4.1.99999.1092.1"


def test_default_registry_covers_rsa_pss_and_ecdsa():
    names = set(default_registry().names().values())
    assert {"rsa_pkcs1v15", "sha256_rsa", "rsassa_pss", "sha256_ecdsa", "sha384_ecdsa"} <= names


def test_unregistered_signature_algorithm_is_refused(sign, verify):
    cms = tampering.set_signature_algorithm(sign("individual-rsa"), NATIONAL_OID)
    with pytest.raises(UnsupportedAlgorithmError) as caught:
        verify(cms)
    assert caught.value.reason == "unsupported_algorithm"


def test_a_registered_algorithm_is_used_for_its_oid(sign, verify):
    # Relabel an RSA signature with the stand-in OID and register a verifier
    # for it; the verifier sees the signer's key, the signed bytes and the digest.
    cms = tampering.set_signature_algorithm(sign("individual-rsa"), NATIONAL_OID)
    calls: list[SignatureInput] = []
    rsa = rsa_pkcs1v15(None)

    def national(sig: SignatureInput) -> bool:
        calls.append(sig)
        return rsa(sig)

    registry = default_registry()
    registry.register(NATIONAL_OID, national, name="uz_dst_1092_standin")
    result = verify(cms, registry=registry)
    assert result.signature_algorithm == "uz_dst_1092_standin"
    assert len(calls) == 1
    assert calls[0].digest_algorithm == "sha256"
    assert calls[0].message.startswith(b"\x31")  # the signed attributes as a SET (RFC 5652 §5.4)


def test_a_registered_algorithm_can_reject(sign, verify):
    cms = tampering.set_signature_algorithm(sign("individual-rsa"), NATIONAL_OID)
    registry = default_registry()
    registry.register(NATIONAL_OID, lambda sig: False, name="always_no")
    from idp.esign import BadSignatureError

    with pytest.raises(BadSignatureError):
        verify(cms, registry=registry)


def test_registry_copies_are_independent():
    base = default_registry()
    extended = base.copy()
    extended.register(NATIONAL_OID, lambda sig: True, name="x")
    assert NATIONAL_OID in extended.names()
    assert NATIONAL_OID not in base.names()


def test_key_of_the_wrong_type_does_not_verify(pki):
    registry = default_registry()
    ec_holder = pki.holders["individual-ec"]
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    spki = ec_holder.certificate.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    sig = SignatureInput(algorithm_oid="1.2.840.113549.1.1.11", algorithm_params=None, public_key_info=spki,
                         signature=b"\x00" * 256, message=b"m")
    assert registry.verify(sig) is False


NATIONAL_DIGEST_OID = "1.3.6.1.4.1.99999.1106.1"


def test_a_registered_digest_is_used_for_the_message_digest(sign, verify):
    import hashlib

    from asn1crypto import cms as acms

    def edit(signer, _):
        signer["digest_algorithm"] = acms.DigestAlgorithm({"algorithm": NATIONAL_DIGEST_OID})
        signer["signature_algorithm"] = acms.SignedDigestAlgorithm({"algorithm": NATIONAL_OID})

    cms = tampering.edit_signer(sign("individual-rsa"), edit)
    registry = default_registry()
    registry.register(NATIONAL_OID, rsa_pkcs1v15("sha256"), name="national_standin")
    with pytest.raises(UnsupportedAlgorithmError):
        verify(cms, registry=registry)  # the digest is not registered yet

    seen = []

    def national_digest(data: bytes) -> bytes:
        seen.append(data)
        return hashlib.sha256(data).digest()

    registry.register_digest(NATIONAL_DIGEST_OID, national_digest)
    assert verify(cms, registry=registry).signature_algorithm == "national_standin"
    assert seen  # the content went through the registered digest
