"""A correctly signed challenge logs the certificate holder in."""

from __future__ import annotations

from cryptography.hazmat.primitives.serialization import Encoding

from idp.esign import TrustStore, verify_signed_challenge
from idp.esign.pki import make_person, new_key

from .conftest import CHALLENGE


def test_individual_rsa_key_yields_pinfl_and_names(pki, sign, verify):
    result = verify(sign("individual-rsa"))
    assert result.pinfl == "31507851230018"
    assert result.tin is None
    assert result.user_type == "I"
    assert result.auth_method == "PKCSMETHOD"
    assert (result.surname, result.given_name) == ("KARIMOV", "ALISHER")
    assert result.common_name == "KARIMOV ALISHER"
    assert result.amr == ("swk",)
    assert result.certificate_serial == format(pki.holders["individual-rsa"].serial, "x")
    assert result.certificate_issuer.startswith("CN=UZ Demo Qualified Signature CA 1,")
    assert result.revocation_checks == ("crl",)
    assert result.signing_time is not None


def test_individual_ecdsa_p256_key(sign, verify):
    result = verify(sign("individual-ec"))
    assert result.pinfl == "42203924560027"
    assert result.signature_algorithm == "sha256_ecdsa"


def test_ecdsa_p384_key(pki, sign, verify):
    holder = make_person(pki.issuing, key=new_key("p384"), surname="QODIROV", given_name="SARDOR",
                         pinfl="31212990010062")
    result = verify(sign(holder, hash_name="sha384"))
    assert result.pinfl == "31212990010062"
    assert result.signature_algorithm == "sha384_ecdsa"


def test_legal_entity_certificate_yields_tin_and_legal_user_type(sign, verify):
    result = verify(sign("legal-rsa"))
    assert result.tin == "301234567"
    assert result.user_type == "L"
    assert result.auth_method == "LEPKCSMETHOD"
    assert result.organisation == "DEMO TEXTILE LLC"
    assert result.pinfl == "30912820230035"


def test_rsa_pss_signature(sign, verify):
    result = verify(sign("individual-rsa", pss=True))
    assert result.signature_algorithm == "rsassa_pss"


def test_detached_signature_over_the_challenge(sign, verify):
    assert verify(sign("individual-rsa", detached=True)).pinfl == "31507851230018"


def test_pinfl_from_subject_serial_number_when_the_oid_is_absent(pki, sign, verify):
    for serial_attr in ("PNOUZ-41001950120031", "41001950120031"):
        holder = make_person(pki.issuing, surname="ERGASHEV", given_name="OTABEK", pinfl=None,
                             serial_number_attr=serial_attr)
        assert verify(sign(holder)).pinfl == "41001950120031"


def test_intermediate_from_the_trust_store_when_the_cms_lacks_it(pki, sign):
    cms = sign("individual-rsa", chain=())
    trust = TrustStore([pki.root.certificate], intermediates=[pki.issuing.certificate])
    result = verify_signed_challenge(cms, expected_challenge=CHALLENGE, trust_anchors=trust,
                                     crls=[pki.root_crl, pki.issuing_crl])
    assert result.pinfl == "31507851230018"


def test_issuing_ca_as_the_only_trust_anchor(pki, sign):
    cms = sign("individual-ec", chain=())
    result = verify_signed_challenge(cms, expected_challenge=CHALLENGE,
                                     trust_anchors=[pki.issuing.certificate.public_bytes(Encoding.PEM)],
                                     crls=[pki.issuing_crl])
    assert result.user_type == "I"


def test_card_key_is_marked_hwk(sign, verify):
    assert verify(sign("individual-rsa"), hardware_key=True).amr == ("hwk",)


def test_result_is_safe_to_log(sign, verify):
    result = verify(sign("legal-rsa"))
    for text in (repr(result), str(result.log_fields())):
        for secret in ("30912820230035", "301234567", "TOSHMATOV", "BOBUR", "DEMO TEXTILE"):
            assert secret not in text
    assert result.log_fields()["certificate_serial"] == result.certificate_serial


def test_same_result_with_and_without_caches(sign, verify):
    from idp.esign.caches import clear_caches

    cms = sign("legal-rsa")
    warm = verify(cms)
    clear_caches()
    assert verify(cms) == warm
