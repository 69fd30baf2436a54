"""The signer certificate must chain to a trusted national CA and be usable."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from cryptography import x509

from idp.esign import (
    CertificateError,
    CertificateExpiredError,
    CertificateNotYetValidError,
    KeyUsageError,
    MissingPinflError,
    UnsupportedAlgorithmError,
    UntrustedIssuerError,
)
from idp.esign.pki import make_ca, make_crl, make_person, new_key

NOW = datetime.now(timezone.utc)


def person(issuer, **overrides):
    fields = {"surname": "TESTOV", "given_name": "TEST", "pinfl": "31001990000011"}
    fields.update(overrides)
    return make_person(issuer, **fields)


@pytest.fixture(scope="module")
def foreign_ca():
    return make_ca("Some Other Root CA", organisation="Elsewhere")


def test_certificate_from_an_untrusted_ca(foreign_ca, sign, verify):
    holder = person(foreign_ca)
    with pytest.raises(UntrustedIssuerError) as caught:
        verify(sign(holder, chain=(foreign_ca,)), crls=[make_crl(foreign_ca)])
    assert caught.value.reason == "untrusted_issuer"


def test_impostor_ca_with_the_national_ca_name_but_another_key(pki, sign, verify):
    impostor = make_ca("UZ Demo Qualified Signature CA 1", issuer=None)
    holder = person(impostor)
    with pytest.raises(UntrustedIssuerError):
        verify(sign(holder, chain=(impostor,)))


def test_impostor_intermediate_in_the_cms_does_not_hide_the_real_one(pki, sign, verify):
    # A same-named CA certificate that the root did not sign is skipped, and
    # the real intermediate (also in the CMS) still completes the path.
    impostor = make_ca("UZ Demo Qualified Signature CA 1", key=new_key(), issuer=None)
    cms = sign("individual-rsa", chain=(impostor, pki.issuing))
    assert verify(cms).pinfl == "31507851230018"


def test_missing_intermediate_is_untrusted(sign, verify):
    with pytest.raises(UntrustedIssuerError):
        verify(sign("individual-rsa", chain=()))


def test_expired_certificate(sign, verify):
    with pytest.raises(CertificateExpiredError) as caught:
        verify(sign("expired-rsa"))
    assert caught.value.reason == "cert_expired"


def test_certificate_not_yet_valid(pki, sign, verify):
    holder = person(pki.issuing, not_before=NOW + timedelta(days=1), not_after=NOW + timedelta(days=30))
    with pytest.raises(CertificateNotYetValidError) as caught:
        verify(sign(holder))
    assert caught.value.reason == "cert_not_yet_valid"


def test_expired_intermediate(pki, sign, verify):
    old_ca = make_ca("UZ Demo Old Signature CA", issuer=pki.root,
                     not_before=NOW - timedelta(days=800), not_after=NOW - timedelta(days=1))
    holder = person(old_ca, not_before=NOW - timedelta(days=700), not_after=NOW + timedelta(days=30))
    with pytest.raises(CertificateExpiredError):
        verify(sign(holder, chain=(old_ca,)), crls=[pki.root_crl, make_crl(old_ca)])


def test_missing_key_usage_extension(pki, sign, verify):
    holder = person(pki.issuing, key_usage=None)
    with pytest.raises(KeyUsageError) as caught:
        verify(sign(holder))
    assert caught.value.reason == "key_usage"


def test_key_usage_without_signing(pki, sign, verify):
    holder = person(pki.issuing, key_usage=["key_encipherment"])
    with pytest.raises(KeyUsageError):
        verify(sign(holder))


def test_non_repudiation_alone_is_enough(pki, sign, verify):
    holder = person(pki.issuing, key_usage=["content_commitment"])
    assert verify(sign(holder)).pinfl == "31001990000011"


def test_signer_certificate_that_is_a_ca(pki, sign, verify):
    holder = person(pki.issuing, is_ca=True)
    with pytest.raises(CertificateError) as caught:
        verify(sign(holder))
    assert caught.value.reason == "cert_invalid"


def test_end_entity_certificate_cannot_issue(pki, sign, verify):
    fake_issuer = person(pki.issuing, surname="ISSUER", key_usage=["digital_signature", "key_cert_sign"])
    # make_person names the subject after the person; issue under it anyway.
    holder = make_person(fake_issuer, surname="VICTIM", given_name="X", pinfl="31001990000028")
    with pytest.raises(UntrustedIssuerError):
        verify(sign(holder, chain=(fake_issuer, pki.issuing)))


def test_path_length_constraint(pki, sign, verify):
    # The issuing CA has pathLenConstraint 0: a CA below it may not issue.
    sub_ca = make_ca("UZ Demo Sub CA", issuer=pki.issuing)
    holder = person(sub_ca)
    with pytest.raises(UntrustedIssuerError):
        verify(sign(holder, chain=(sub_ca, pki.issuing)),
               crls=[pki.root_crl, pki.issuing_crl, make_crl(sub_ca)])


def test_unrecognised_critical_extension(pki, sign, verify):
    holder_key = new_key("p256")
    base = person(pki.issuing, key=holder_key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(base.certificate.subject)
        .issuer_name(pki.issuing.certificate.subject)
        .public_key(holder_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(hours=1))
        .not_valid_after(NOW + timedelta(days=30))
    )
    for ext in base.certificate.extensions:
        builder = builder.add_extension(ext.value, critical=ext.critical)
    builder = builder.add_extension(
        x509.UnrecognizedExtension(x509.ObjectIdentifier("1.3.6.1.4.1.99999.1"), b"\x05\x00"), critical=True
    )
    from cryptography.hazmat.primitives import hashes

    from idp.esign.pki import Issued

    holder = Issued(builder.sign(pki.issuing.key, hashes.SHA256()), holder_key)
    with pytest.raises(CertificateError) as caught:
        verify(sign(holder))
    assert caught.value.reason == "cert_invalid"


def test_short_rsa_key_is_refused(pki, sign, verify):
    holder = person(pki.issuing, key=new_key("rsa1024"))
    with pytest.raises(UnsupportedAlgorithmError):
        verify(sign(holder))


def test_certificate_without_pinfl(pki, sign, verify):
    holder = person(pki.issuing, pinfl=None)
    with pytest.raises(MissingPinflError) as caught:
        verify(sign(holder))
    assert caught.value.reason == "no_pinfl"


def test_malformed_pinfl_attribute(pki, sign, verify):
    holder = person(pki.issuing, pinfl="3100199000001X")
    with pytest.raises(MissingPinflError):
        verify(sign(holder))


def test_malformed_tin_attribute(pki, sign, verify):
    holder = person(pki.issuing, tin="12AB", organisation="X LLC")
    with pytest.raises(CertificateError):
        verify(sign(holder))


def test_many_same_named_ca_certificates_cannot_make_path_building_expensive(pki, sign, verify):
    from idp.esign import MalformedError

    impostors = tuple(make_ca("UZ Demo Qualified Signature CA 1", key=new_key("p256")) for _ in range(9))
    with pytest.raises(MalformedError):
        verify(sign("individual-rsa", chain=impostors))  # more certificates than a signer needs
    # Within the certificate limit, impostors are tried and skipped.
    assert verify(sign("individual-rsa", chain=impostors[:6] + (pki.issuing,))).pinfl == "31507851230018"
