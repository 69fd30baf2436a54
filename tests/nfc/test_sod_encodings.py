"""EF.SOD encodings that issued passports use besides the common one: the
signer named by subject key identifier, the bare key algorithm as signature
algorithm, no embedded DSC, and LDSSecurityObject version 1."""

from __future__ import annotations

import pytest

from nfc import ChipData, VerificationPolicy, verify_chip
from nfc.asn1 import LDSSecurityObject
from nfc.lds import parse_sod
from nfc.testing import TestPKI, make_passport, trust_store_for
from nfc.testing.sod import build_sod

POLICY = VerificationPolicy(require_active_authentication=False)


@pytest.fixture(scope="module", params=["ec-p256", "rsa-2048"])
def signer_pki(request):
    return TestPKI.create(csca_key="ec-p384", dsc_key=request.param)


def _with_sod(pki, **encoding):
    passport = make_passport(pki, aa_key=None, chip_authentication=False)
    sod = build_sod(passport.data_groups(), pki.dsc.key, pki.dsc.der, **encoding)
    return passport.with_files(EF_SOD=sod)


@pytest.mark.parametrize("encoding", [{"sid": "ski"}, {"bare_key_algorithm": True},
                                      {"sid": "ski", "bare_key_algorithm": True}])
def test_encoding_variants_verify(signer_pki, encoding):
    passport = _with_sod(signer_pki, **encoding)
    report = verify_chip(ChipData(passport.files), trust_store=trust_store_for(signer_pki),
                         expected_nonce=None, policy=POLICY)
    assert report.ok, report.failures


def test_sod_without_its_certificate_reports_a_missing_signer(signer_pki):
    passport = _with_sod(signer_pki, include_certificate=False)
    report = verify_chip(ChipData(passport.files), trust_store=trust_store_for(signer_pki),
                         expected_nonce=None, policy=POLICY)
    assert report.reason_codes == ("dsc_missing",)


def test_lds_security_object_version_1_needs_version_info():
    from nfc.errors import LDSError

    pki = TestPKI.create()
    body = {"version": 1, "hash_algorithm": {"algorithm": "sha256"},
            "data_group_hash_values": [{"data_group_number": 1,
                                        "data_group_hash_value": bytes(32)}]}
    from nfc import tlv
    from nfc.asn1 import OID_LDS_SECURITY_OBJECT
    from nfc.testing.sod import build_signed_data

    def sod(content):
        return tlv.encode(0x77, build_signed_data(content, OID_LDS_SECURITY_OBJECT,
                                                  pki.dsc.key, pki.dsc.der))

    with pytest.raises(LDSError):
        parse_sod(sod(LDSSecurityObject(body).dump()))
    body["lds_version_info"] = {"lds_version": "0108", "unicode_version": "040000"}
    parsed = parse_sod(sod(LDSSecurityObject(body).dump()))
    assert parsed.lds_version == "0108"
