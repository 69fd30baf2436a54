"""Revocation by the configured CRLs of the national CAs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from idp.esign import CrlInvalidError, CrlStore, RevocationUnknownError, RevokedError
from idp.esign.pki import make_ca, make_crl, make_person, new_key

NOW = datetime.now(timezone.utc)


def test_revoked_by_crl(sign, verify):
    with pytest.raises(RevokedError) as caught:
        verify(sign("revoked-ec"))
    assert caught.value.reason == "revoked"


def test_revoked_intermediate_on_the_root_crl(pki, sign, verify):
    root_crl = make_crl(pki.root, revoked=[pki.issuing.serial], number=2)
    with pytest.raises(RevokedError):
        verify(sign("individual-rsa"), crls=[pki.root_crl, root_crl, pki.issuing_crl])


def test_newest_crl_is_used(pki, sign, verify):
    newer = make_crl(pki.issuing, revoked=[pki.holders["individual-rsa"].serial], number=5)
    with pytest.raises(RevokedError):
        verify(sign("individual-rsa"), crls=[pki.root_crl, pki.issuing_crl, newer])


def test_crl_with_a_forged_signature(pki, sign, verify):
    forged = make_crl(pki.issuing, signing_key=new_key(), number=9)
    with pytest.raises(CrlInvalidError) as caught:
        verify(sign("individual-rsa"), crls=[pki.root_crl, forged])
    assert caught.value.reason == "crl_invalid"


def test_crl_past_its_next_update(pki, sign, verify):
    stale = make_crl(pki.issuing, this_update=NOW - timedelta(days=10), next_update=NOW - timedelta(days=3))
    with pytest.raises(CrlInvalidError):
        verify(sign("individual-rsa"), crls=[pki.root_crl, stale])


def test_crl_from_the_future(pki, sign, verify):
    future = make_crl(pki.issuing, this_update=NOW + timedelta(days=1), next_update=NOW + timedelta(days=8))
    with pytest.raises(CrlInvalidError):
        verify(sign("individual-rsa"), crls=[pki.root_crl, future])


def test_crl_of_a_same_named_ca_with_another_key_does_not_cover(pki, sign, verify):
    other = make_ca("UZ Demo Qualified Signature CA 1", issuer=pki.root)
    with pytest.raises(RevocationUnknownError):
        verify(sign("individual-rsa"), crls=[pki.root_crl, make_crl(other)])


def test_no_crl_for_the_issuer_is_refused_by_default(pki, sign, verify):
    with pytest.raises(RevocationUnknownError) as caught:
        verify(sign("individual-rsa"), crls=[pki.root_crl])
    assert caught.value.reason == "revocation_unknown"


def test_revocation_check_can_be_waived_explicitly(pki, sign, verify):
    result = verify(sign("individual-rsa"), crls=(), require_revocation=False)
    assert result.revocation_checks == ()


def test_crl_issuer_without_crl_sign_usage(pki, sign, verify):
    ca = make_ca("UZ Demo No-CRL CA", issuer=pki.root)
    # Re-issue the CA certificate without cRLSign.
    cert = ca.certificate
    builder = (
        x509.CertificateBuilder()
        .subject_name(cert.subject)
        .issuer_name(cert.issuer)
        .public_key(ca.key.public_key())
        .serial_number(cert.serial_number)
        .not_valid_before(cert.not_valid_before_utc)
        .not_valid_after(cert.not_valid_after_utc)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=False,
                          encipher_only=False, decipher_only=False),
            critical=True,
        )
    )
    from cryptography.hazmat.primitives import hashes

    from idp.esign.pki import Issued

    no_crl_sign = Issued(builder.sign(pki.root.key, hashes.SHA256()), ca.key)
    holder = make_person(no_crl_sign, surname="A", given_name="B", pinfl="31001990000035")
    with pytest.raises(CrlInvalidError):
        verify(sign(holder, chain=(no_crl_sign,)), crls=[pki.root_crl, make_crl(no_crl_sign)])


def test_crl_store_reads_pem_and_der_files_from_a_directory(pki, tmp_path, sign, verify):
    (tmp_path / "root.crl").write_bytes(pki.root_crl)
    pem = x509.load_der_x509_crl(pki.issuing_crl).public_bytes(Encoding.PEM)
    (tmp_path / "issuing.pem").write_bytes(pem)
    (tmp_path / "notes.txt").write_text("not a CRL")
    store = CrlStore.from_paths([tmp_path])
    assert len(store) == 2
    with pytest.raises(RevokedError):
        verify(sign("revoked-ec"), crls=store)


def test_unreadable_crl_file_is_a_configuration_error(tmp_path):
    bad = tmp_path / "bad.crl"
    bad.write_bytes(b"\x30\x03\x02\x01\x01")
    with pytest.raises(ValueError, match="bad.crl"):
        CrlStore.from_paths([bad])
