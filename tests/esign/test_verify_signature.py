"""The signature must be over the issued challenge, by the certificate's key."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from asn1crypto import cms, core
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

from idp.esign import (
    BadSignatureError,
    ChallengeMismatchError,
    MalformedError,
    SignerCertificateMissingError,
    SigningTimeError,
    UnsupportedAlgorithmError,
)

from . import tampering
from .conftest import CHALLENGE


def test_untampered_cms_passes_after_re_encoding(sign, verify):
    # The tampering helpers re-encode; this shows their output is otherwise valid.
    cms_der = tampering.edit_signer(sign("individual-rsa"), lambda signer, signed: None)
    assert verify(cms_der).pinfl == "31507851230018"


@pytest.mark.parametrize("slug", ["individual-rsa", "individual-ec"])
def test_tampered_signature_is_refused(sign, verify, slug):
    with pytest.raises(BadSignatureError) as caught:
        verify(tampering.flip_signature_bit(sign(slug)))
    assert caught.value.reason == "bad_signature"


def test_wrong_challenge_is_refused(sign, verify):
    with pytest.raises(ChallengeMismatchError) as caught:
        verify(sign("individual-rsa", b"a challenge issued to someone else"))
    assert caught.value.reason == "challenge_mismatch"


def test_wrong_challenge_in_a_detached_signature_is_refused(sign, verify):
    with pytest.raises(ChallengeMismatchError):
        verify(sign("individual-ec", b"another challenge", detached=True))


def test_content_swapped_for_the_expected_challenge_is_refused(sign, verify):
    signed_other = sign("individual-rsa", b"something else the user signed")
    with pytest.raises(BadSignatureError):
        verify(tampering.replace_content(signed_other, CHALLENGE))


def test_forged_message_digest_is_refused(sign, verify):
    signed_other = sign("individual-rsa", b"something else the user signed")
    forged = tampering.replace_content(signed_other, CHALLENGE)
    forged = tampering.replace_attribute(forged, "message_digest", hashlib.sha256(CHALLENGE).digest())
    with pytest.raises(BadSignatureError):
        verify(forged)


def test_changed_signing_time_breaks_the_signature(sign, verify):
    cms_der = sign("individual-ec")
    changed = tampering.replace_attribute(
        cms_der, "signing_time", cms.Time({"utc_time": datetime.now(timezone.utc) - timedelta(seconds=30)})
    )
    with pytest.raises(BadSignatureError):
        verify(changed)


def test_signature_by_another_holder_under_the_same_sid_is_refused(pki, sign, verify):
    # Ali signs; the CMS is re-labelled as Madina's by swapping in her certificate.
    ali = sign("individual-rsa")
    madina = pki.holders["individual-rsa"]
    other = pki.holders["legal-rsa"]

    def edit(signer, signed):
        from asn1crypto import x509

        other_cert = x509.Certificate.load(other.der)
        signer["sid"] = cms.SignerIdentifier(
            {"issuer_and_serial_number": {"issuer": other_cert.issuer, "serial_number": other_cert.serial_number}}
        )
        signed["certificates"] = cms.CertificateSet(
            list(signed["certificates"]) + [cms.CertificateChoices({"certificate": other_cert})]
        )

    assert madina.serial != other.serial
    with pytest.raises(BadSignatureError):
        verify(tampering.edit_signer(ali, edit))


def test_digest_outside_the_accepted_set_is_refused(pki, verify):
    holder = pki.holders["individual-rsa"]
    der = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(CHALLENGE)
        .add_signer(holder.certificate, holder.key, hashes.SHA224())
        .add_certificate(pki.issuing.certificate)
        .sign(Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )
    with pytest.raises(UnsupportedAlgorithmError) as caught:
        verify(der)
    assert caught.value.reason == "unsupported_algorithm"


def test_sha1_digest_is_refused(sign, verify):
    def edit(signer, _):
        signer["digest_algorithm"] = cms.DigestAlgorithm({"algorithm": "sha1"})

    with pytest.raises(UnsupportedAlgorithmError):
        verify(tampering.edit_signer(sign("individual-rsa"), edit))


def test_signing_time_far_from_the_server_clock_is_refused(sign, verify):
    cms_der = sign("individual-rsa")
    with pytest.raises(SigningTimeError) as caught:
        verify(cms_der, now=datetime.now(timezone.utc) + timedelta(minutes=30))
    assert caught.value.reason == "signing_time"


def test_missing_signer_certificate(sign, verify):
    with pytest.raises(SignerCertificateMissingError) as caught:
        verify(tampering.remove_certificates(sign("individual-rsa")))
    assert caught.value.reason == "signer_certificate_missing"
    assert isinstance(caught.value, MalformedError)


def test_signed_attributes_are_required(pki, verify):
    holder = pki.holders["individual-rsa"]
    der = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(CHALLENGE)
        .add_signer(holder.certificate, holder.key, hashes.SHA256())
        .sign(Encoding.DER, [pkcs7.PKCS7Options.Binary, pkcs7.PKCS7Options.NoAttributes])
    )
    with pytest.raises(MalformedError):
        verify(der)


def test_two_signers_are_refused(pki, verify):
    ali, other = pki.holders["individual-rsa"], pki.holders["individual-ec"]
    der = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(CHALLENGE)
        .add_signer(ali.certificate, ali.key, hashes.SHA256())
        .add_signer(other.certificate, other.key, hashes.SHA256())
        .sign(Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )
    with pytest.raises(MalformedError):
        verify(der)


def test_non_data_content_type_is_refused(sign, verify):
    def edit(_, signed):
        signed["encap_content_info"] = cms.ContentInfo(
            {"content_type": "1.2.840.113549.1.9.16.1.4", "content": core.OctetString(CHALLENGE)}
        )

    with pytest.raises(MalformedError):
        verify(tampering.edit_signer(sign("individual-rsa"), edit))
