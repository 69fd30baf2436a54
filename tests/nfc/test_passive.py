"""Passive authentication (ICAO 9303 Part 11 section 5.1): genuine synthetic
passports verify; every tampered variant is refused for its own reason."""

from __future__ import annotations

import datetime as dt

import pytest

from nfc import ChipData, VerificationPolicy, verify_chip
from nfc.testing import Identity, TestPKI, aa_sign, make_passport, resign, tampered, trust_store_for
from nfc.testing.tamper import VARIANTS


def _verify(passport, store, nonce=None, **kw):
    nonce = nonce or b"\x01" * 8
    sig = aa_sign(passport.aa_key, nonce, hash_name=passport.aa_hash) if passport.aa_key else None
    return verify_chip(ChipData(passport.files, sig, nonce), trust_store=store,
                       expected_nonce=nonce, **kw)


def test_genuine_passport_passes_every_check(passport, store, identity):
    report = _verify(passport, store, expected_mrz=identity.document_key())
    assert report.ok, report.failures
    assert report.passive_authentication and report.active_authentication
    statuses = {c.name: c.status for c in report.checks}
    for name in ("sod_content", "sod_signature", "dsc_chain", "dsc_validity", "dsc_revocation",
                 "data_group_hashes", "dg1_mrz", "issuer_country", "mrz_match",
                 "document_expiry", "active_authentication", "portrait"):
        assert statuses[name] == "pass", name
    assert report.document.document_number == identity.document_number
    assert report.document.personal_number == identity.personal_number
    assert report.portrait.image_format == "jpeg"


@pytest.mark.parametrize("csca_key, dsc_key, pss, hash_name", [
    ("rsa-3072", "rsa-2048", False, "sha256"),
    ("rsa-3072", "rsa-2048", True, "sha512"),
    ("ec-p384", "ec-p256", False, "sha1"),
    ("ec-brainpool512", "ec-brainpool384", False, "sha384"),
    ("ec-p521", "ec-brainpool256", False, "sha224"),
])
def test_signature_algorithms(csca_key, dsc_key, pss, hash_name):
    pki = TestPKI.create(csca_key=csca_key, dsc_key=dsc_key, pss=pss)
    passport = make_passport(pki, aa_key="ec-p256", hash_name=hash_name)
    report = _verify(passport, trust_store_for(pki))
    assert report.ok, report.failures


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_tampered_variant_is_refused_with_its_own_reason(variant, astronaut_jpeg):
    case = tampered(variant, TestPKI.create(), portrait=astronaut_jpeg)
    report = _verify(case.passport, case.trust_store)
    assert not report.ok
    assert report.reason_codes == (case.expected_code,)


def test_variants_have_distinct_reasons():
    codes = {tampered(v, TestPKI.create()).expected_code for v in VARIANTS}
    assert len(codes) == len(VARIANTS)


def test_forged_dsc_under_the_trusted_name_and_key_id_is_a_broken_chain(pki):
    """A DSC naming the trusted CSCA and its key identifier, signed by another key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    from nfc.testing.keys import generate_key
    from nfc.testing.pki import Issued

    rogue_key, dsc_key = generate_key("ec-p384"), generate_key("ec-p256")
    cert = (x509.CertificateBuilder()
            .subject_name(pki.dsc.cert.subject).issuer_name(pki.csca.cert.subject)
            .public_key(dsc_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(dt.datetime(2020, 1, 1)).not_valid_after(dt.datetime(2040, 1, 1))
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                pki.csca.key.public_key()), critical=False)
            .sign(rogue_key, hashes.SHA256()))
    report = _verify(make_passport(pki, signer=Issued(dsc_key, cert)), trust_store_for(pki))
    assert report.reason_codes == ("dsc_chain_invalid",)


def test_missing_sod_is_refused(passport, store):
    files = {k: v for k, v in passport.files.items() if k != "EF.SOD"}
    report = verify_chip(ChipData(files), trust_store=store, expected_nonce=None,
                         policy=VerificationPolicy(require_active_authentication=False))
    assert "sod_missing" in report.reason_codes


def test_data_group_not_listed_in_sod_is_refused(passport, store):
    extra = passport.with_files(DG12=bytes.fromhex("6C035C0100"))
    assert _verify(extra, store).reason_codes == ("dg_not_in_sod",)


def test_missing_required_data_group(pki, store):
    passport = make_passport(pki)
    without_dg2 = type(passport)({k: v for k, v in passport.files.items() if k != "DG2"},
                                 passport.document_key, passport.aa_key, passport.aa_hash)
    assert _verify(without_dg2, store).reason_codes == ("dg_missing",)


def test_crl_policy(pki, passport):
    no_crl = trust_store_for(pki, with_crl=False)
    lenient = _verify(passport, no_crl)
    assert lenient.ok and lenient.check("dsc_revocation").code == "crl_missing"
    strict = _verify(passport, no_crl, policy=VerificationPolicy(require_crl=True))
    assert strict.reason_codes == ("crl_missing",)


def test_stale_crl_is_a_warning_or_a_failure(passport, pki):
    store = trust_store_for(pki)
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=200)
    report = _verify(passport, store, now=later)
    assert report.check("dsc_revocation").code == "crl_stale" and report.ok
    strict = _verify(passport, store, now=later, policy=VerificationPolicy(require_crl=True))
    assert strict.reason_codes == ("crl_stale",)


def test_expired_document_is_refused(pki, store):
    today = dt.date.today()
    identity = Identity(date_of_expiry=today - dt.timedelta(days=1))
    assert _verify(make_passport(pki, identity), store).reason_codes == ("document_expired",)


def test_issuing_state_must_match_the_signer_country(pki, store):
    passport = make_passport(pki, Identity(issuing_state="KAZ", nationality="KAZ"))
    assert _verify(passport, store).reason_codes == ("issuer_country_mismatch",)


def test_issuing_state_policy(passport, store):
    report = _verify(passport, store, policy=VerificationPolicy(
        allowed_issuing_states=frozenset({"KAZ"})))
    assert report.reason_codes == ("issuing_state_not_allowed",)


def test_typed_mrz_must_match_the_chip(passport, store):
    from nfc import DocumentKey

    other = DocumentKey("FA7654321", "900517", "300101")
    assert _verify(passport, store, expected_mrz=other).reason_codes == ("mrz_mismatch",)


def test_resigned_by_trusted_dsc_after_editing_passes(pki, store, passport):
    """Control for the altered-DG case: the same edit with a fresh SOD from
    the genuine signer verifies, so the refusal above comes from the hash."""
    dg1 = bytearray(passport.files["DG1"])
    dg1[dg1.index(b"<<") + 2] = ord("Z")

    edited = resign(passport.with_files(DG1=bytes(dg1)), pki.dsc)
    report = _verify(edited, store)
    assert report.check("data_group_hashes").passed and report.check("sod_signature").passed


def test_report_repr_and_log_hold_no_personal_data(passport, store, identity):
    report = _verify(passport, store)
    for text in (repr(report), str(report.as_log()), repr(report.document)):
        assert identity.document_number not in text
        assert identity.surname.upper() not in text
        assert identity.personal_number not in text
