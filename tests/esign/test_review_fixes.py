"""Holes an independent review found in e-signature verification, each with
the certificate, CMS, CRL or OCSP answer that showed it.

- times without a zone (a GeneralizedTime without ``Z``) in signingTime, a
  certificate's validity, a CRL or an OCSP answer gave a 500 (a naive
  datetime compared with an aware one); times with an offset are converted;
- a certificate with two PINFLs, a PINFL that disagrees with serialNumber, a
  blank or space-padded PINFL: the login used one of them;
- an extended key usage that allows only serverAuth or OCSPSigning logged in;
- an unreadable CRL file, or CRL bytes handed to the verifier, gave a 500;
- an OCSP answer produced in the future was accepted.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime, timedelta, timezone

import pytest
from asn1crypto import cms as acms
from asn1crypto import core
from asn1crypto import crl as acrl
from asn1crypto import ocsp as aocsp
from asn1crypto import x509 as ax509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from idp.esign import (
    AmbiguousTimeError,
    CrlInvalidError,
    EsignSettings,
    EsignVerifier,
    ExtendedKeyUsageError,
    InvalidPinflError,
    InvalidTinError,
    MissingPinflError,
    OcspChecker,
    OcspUnavailableError,
    PinflConflictError,
)
from idp.esign.identity import OID_PINFL, OID_TIN
from idp.esign.pki import Issued, make_crl, make_person, new_key

from .conftest import CHALLENGE

PINFL = "31507851230018"
OTHER = "42203924560027"
OCSP_URL = "http://127.0.0.1:9/ocsp"


# -- helpers: re-sign what an attacker or a sloppy CA would send ---------------------

def signed_by(key, data: bytes) -> bytes:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256()))
    return key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def generalized(text: str) -> bytes:
    """A DER GeneralizedTime exactly as written (asn1crypto would add the Z)."""
    return b"\x18" + bytes([len(text)]) + text.encode()


def local(when: datetime) -> str:
    """``when`` as a GeneralizedTime with no zone: a local time of nobody knows where."""
    return when.astimezone(timezone.utc).strftime("%Y%m%d%H%M%S")


def with_offset(when: datetime, hours: int) -> str:
    shifted = when.astimezone(timezone(timedelta(hours=hours)))
    return shifted.strftime("%Y%m%d%H%M%S") + f"{hours:+03d}00"


def with_signing_time(der: bytes, key, time_der: bytes) -> bytes:
    """The CMS with its signingTime replaced and the signed attributes signed again."""
    info = acms.ContentInfo.load(der)
    signed = info["content"]
    signer = signed["signer_infos"][0]
    attrs = []
    for attr in signer["signed_attrs"]:
        if attr["type"].native == "signing_time":
            attr = acms.CMSAttribute({"type": "signing_time", "values": [acms.Time.load(time_der)]})
        attrs.append(acms.CMSAttribute.load(attr.dump()))
    signed_attrs = acms.CMSAttributes(attrs)
    signature = signed_by(key, b"\x31" + signed_attrs.dump()[1:])
    new_signer = acms.SignerInfo({
        "version": signer["version"], "sid": signer["sid"], "digest_algorithm": signer["digest_algorithm"],
        "signed_attrs": signed_attrs, "signature_algorithm": signer["signature_algorithm"],
        "signature": core.OctetString(signature),
    })
    return _replace_in_signed_data(info, signer_infos=acms.SignerInfos([new_signer]))


def _replace_in_signed_data(info, **fields) -> bytes:
    signed = info["content"]
    values = {name: signed[name] for name, *_ in acms.SignedData._fields if signed[name].native is not None}
    values.update(fields)
    return acms.ContentInfo({"content_type": "signed_data", "content": acms.SignedData(values)}).dump()


def with_certificates(der: bytes, cert_ders: list[bytes]) -> bytes:
    info = acms.ContentInfo.load(der)
    certs = acms.CertificateSet([acms.CertificateChoices({"certificate": ax509.Certificate.load(c)})
                                 for c in cert_ders])
    return _replace_in_signed_data(info, certificates=certs)


def with_validity(cert_der: bytes, issuer: Issued, *, not_before: bytes | None = None,
                  not_after: bytes | None = None) -> bytes:
    """The certificate with validity times as given (DER), signed again by ``issuer``."""
    cert = ax509.Certificate.load(cert_der)
    tbs = ax509.TbsCertificate.load(cert["tbs_certificate"].dump())
    validity = tbs["validity"]
    tbs["validity"] = ax509.Validity({
        "not_before": ax509.Time.load(not_before) if not_before else validity["not_before"],
        "not_after": ax509.Time.load(not_after) if not_after else validity["not_after"],
    })
    tbs_der = tbs.dump()
    return ax509.Certificate({
        "tbs_certificate": ax509.TbsCertificate.load(tbs_der),
        "signature_algorithm": cert["signature_algorithm"],
        "signature_value": core.OctetBitString(signed_by(issuer.key, tbs_der)),
    }).dump()


def crl_with(crl_der: bytes, issuer: Issued, edit) -> bytes:
    """A CRL edited by ``edit(tbs)`` and signed again by ``issuer``."""
    crl = acrl.CertificateList.load(crl_der)
    tbs = acrl.TbsCertList.load(crl["tbs_cert_list"].dump())
    edit(tbs)
    tbs_der = tbs.dump()
    return acrl.CertificateList({
        "tbs_cert_list": acrl.TbsCertList.load(tbs_der),
        "signature_algorithm": crl["signature_algorithm"],
        "signature": core.OctetBitString(signed_by(issuer.key, tbs_der)),
    }).dump()


def issuing_crl(pki, **options) -> bytes:
    now = datetime.now(timezone.utc)
    return make_crl(pki.issuing, this_update=now - timedelta(hours=1), next_update=now + timedelta(days=7),
                    **options)


def person(pki, subject: list[tuple[str, str]], *,
           eku=(ExtendedKeyUsageOID.CLIENT_AUTH,), ocsp_url: str | None = None) -> Issued:
    """An end-entity certificate whose subject is exactly ``subject`` (OID, value)."""
    key = new_key("p256")
    now = datetime.now(timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "UZ"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "SOBIROV ILHOM")]
                     + [x509.NameAttribute(x509.ObjectIdentifier(oid), value) for oid, value in subject])
    builder = (
        x509.CertificateBuilder().subject_name(name).issuer_name(pki.issuing.certificate.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=365))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(pki.issuing.key.public_key()),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
    )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
    if ocsp_url:
        builder = builder.add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
            x509.oid.AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url))]), critical=False)
    return Issued(builder.sign(pki.issuing.key, hashes.SHA256()), key)


SERIAL = "2.5.4.5"


# -- 1. times without a zone --------------------------------------------------------

def test_signing_time_without_zone_is_refused_not_a_500(pki, sign, verify):
    holder = pki.holders["individual-rsa"]
    cms = with_signing_time(sign("individual-rsa"), holder.key, generalized(local(datetime.now(timezone.utc))))
    with pytest.raises(AmbiguousTimeError) as caught:
        verify(cms)
    assert caught.value.reason == "ambiguous_time"
    assert "signingTime" in caught.value.detail


def test_signing_time_with_an_offset_is_converted_to_utc(pki, sign, verify):
    holder = pki.holders["individual-rsa"]
    now = datetime.now(timezone.utc).replace(microsecond=0)
    cms = with_signing_time(sign("individual-rsa"), holder.key, generalized(with_offset(now, 5)))
    result = verify(cms)
    assert result.signing_time == now and result.signing_time.utcoffset() == timedelta(0)


@pytest.mark.parametrize("field", ["not_before", "not_after"])
def test_certificate_validity_without_zone_is_refused_not_a_500(pki, sign, verify, field):
    holder = pki.holders["individual-rsa"]
    cert = holder.certificate
    when = cert.not_valid_before_utc if field == "not_before" else cert.not_valid_after_utc
    edited = with_validity(holder.der, pki.issuing, **{field: generalized(local(when))})
    cms = with_certificates(sign("individual-rsa"), [edited, pki.issuing.der])
    with pytest.raises(AmbiguousTimeError) as caught:
        verify(cms)
    assert caught.value.reason == "ambiguous_time"


def test_certificate_validity_with_an_offset_is_converted_to_utc(pki, sign, verify):
    holder = pki.holders["individual-rsa"]
    not_after = holder.certificate.not_valid_after_utc
    edited = with_validity(holder.der, pki.issuing, not_after=generalized(with_offset(not_after, -3)))
    result = verify(with_certificates(sign("individual-rsa"), [edited, pki.issuing.der]))
    assert result.certificate_not_after == not_after
    assert result.certificate_not_after.tzinfo == timezone.utc


@pytest.mark.parametrize("field", ["this_update", "next_update"])
def test_crl_update_time_without_zone_is_crl_invalid_not_a_500(pki, sign, verify, field):
    def edit(tbs):
        when = tbs[field].native
        tbs[field] = ax509.Time.load(generalized(local(when)))

    crl = crl_with(issuing_crl(pki), pki.issuing, edit)
    with pytest.raises(CrlInvalidError) as caught:
        verify(sign("individual-rsa"), crls=[pki.root_crl, crl])
    assert "time zone" in caught.value.detail


def test_crl_revocation_date_without_zone_makes_the_crl_invalid(pki, sign, verify):
    someone_else = make_person(pki.issuing, surname="X", given_name="Y", pinfl=OTHER)

    def edit(tbs):
        entries = []
        for entry in tbs["revoked_certificates"]:
            entries.append(acrl.RevokedCertificate({
                "user_certificate": entry["user_certificate"],
                "revocation_date": ax509.Time.load(generalized(local(entry["revocation_date"].native))),
            }))
        tbs["revoked_certificates"] = acrl.RevokedCertificates(entries)

    crl = crl_with(issuing_crl(pki, revoked=[someone_else.serial]), pki.issuing, edit)
    with pytest.raises(CrlInvalidError):
        verify(sign("individual-rsa"), crls=[pki.root_crl, crl])


def test_crl_times_with_an_offset_are_converted(pki, sign, verify):
    def edit(tbs):
        tbs["next_update"] = ax509.Time.load(generalized(with_offset(tbs["next_update"].native, 5)))

    assert verify(sign("individual-rsa"), crls=[pki.root_crl, crl_with(issuing_crl(pki), pki.issuing, edit)]).pinfl


def test_unreadable_crl_bytes_are_crl_invalid_not_a_500(sign, verify, pki):
    with pytest.raises(CrlInvalidError):
        verify(sign("individual-rsa"), crls=[pki.root_crl, b"not a CRL"])


def test_a_damaged_crl_file_on_reload_is_crl_invalid_not_a_500(tmp_path, pki, sign):
    (tmp_path / "crl").mkdir()
    (tmp_path / "root.pem").write_bytes(pki.root.pem)
    (tmp_path / "crl" / "root.crl").write_bytes(pki.root_crl)
    (tmp_path / "crl" / "issuing.crl").write_bytes(pki.issuing_crl)
    verifier = EsignVerifier(EsignSettings.from_mapping({
        "IDP_ESIGN_TRUST_ANCHORS": str(tmp_path / "root.pem"), "IDP_ESIGN_CRLS": str(tmp_path / "crl"),
        "IDP_ESIGN_CRL_RELOAD_SECONDS": "0", "IDP_ESIGN_OCSP": "false"}))
    cms = sign("individual-rsa")
    assert verifier.verify(cms, expected_challenge=CHALLENGE).pinfl == PINFL
    (tmp_path / "crl" / "issuing.crl").write_bytes(b"half a download")
    with pytest.raises(CrlInvalidError):
        verifier.verify(cms, expected_challenge=CHALLENGE)
    (tmp_path / "crl" / "issuing.crl").write_bytes(pki.issuing_crl)  # repaired: logins work again
    assert verifier.verify(cms, expected_challenge=CHALLENGE).pinfl == PINFL


# -- OCSP answers with odd times -----------------------------------------------------

def ocsp_answer(pki, holder: Issued, edit=None) -> bytes:
    """A 'good' answer signed by the issuing CA, its basic response edited by ``edit(tbs)``."""
    now = datetime.now(timezone.utc)
    der = (
        ocsp.OCSPResponseBuilder()
        .add_response(cert=holder.certificate, issuer=pki.issuing.certificate, algorithm=hashes.SHA1(),
                      cert_status=ocsp.OCSPCertStatus.GOOD, this_update=now - timedelta(minutes=1),
                      next_update=now + timedelta(hours=1), revocation_time=None, revocation_reason=None)
        .responder_id(ocsp.OCSPResponderEncoding.HASH, pki.issuing.certificate)
        .sign(pki.issuing.key, hashes.SHA256())
        .public_bytes(Encoding.DER)
    )
    if edit is None:
        return der
    response = aocsp.OCSPResponse.load(der)
    basic = response["response_bytes"]["response"].parsed
    tbs = aocsp.ResponseData.load(basic["tbs_response_data"].dump())
    edit(tbs)
    tbs_der = tbs.dump()
    new_basic = aocsp.BasicOCSPResponse({
        "tbs_response_data": aocsp.ResponseData.load(tbs_der),
        "signature_algorithm": basic["signature_algorithm"],
        "signature": core.OctetBitString(signed_by(pki.issuing.key, tbs_der)),
    })
    return aocsp.OCSPResponse({
        "response_status": "successful",
        "response_bytes": {"response_type": "basic_ocsp_response", "response": new_basic},
    }).dump()


def verify_with_ocsp(pki, sign, verify, answer_edit):
    holder = person(pki, [(OID_PINFL, PINFL)], ocsp_url=OCSP_URL)
    answer = ocsp_answer(pki, holder, answer_edit)
    checker = OcspChecker(fetch=lambda url, request, timeout: answer, use_nonce=False)
    return verify(sign(holder), ocsp=checker)


def test_ocsp_answer_is_used_when_its_times_are_utc(pki, sign, verify):
    assert verify_with_ocsp(pki, sign, verify, None).revocation_checks == ("crl", "ocsp")


def _single_time(field: str, text_of):
    def edit(tbs):
        single = aocsp.SingleResponse.load(tbs["responses"][0].dump())
        values = {name: single[name] for name, *_ in aocsp.SingleResponse._fields if single[name].native is not None}
        values[field] = core.GeneralizedTime.load(generalized(text_of(single[field].native)))
        tbs["responses"] = aocsp.Responses([aocsp.SingleResponse(values)])

    return edit


@pytest.mark.parametrize("field", ["this_update", "next_update"])
def test_ocsp_update_time_without_zone_is_ocsp_unavailable_not_a_500(pki, sign, verify, field):
    with pytest.raises(OcspUnavailableError) as caught:
        verify_with_ocsp(pki, sign, verify, _single_time(field, local))
    assert "time zone" in caught.value.detail


def test_ocsp_times_with_an_offset_are_converted(pki, sign, verify):
    assert verify_with_ocsp(pki, sign, verify, _single_time("next_update", lambda t: with_offset(t, 5))).pinfl


def test_ocsp_produced_at_without_zone_is_ocsp_unavailable(pki, sign, verify):
    def edit(tbs):
        tbs["produced_at"] = core.GeneralizedTime.load(generalized(local(tbs["produced_at"].native)))

    with pytest.raises(OcspUnavailableError):
        verify_with_ocsp(pki, sign, verify, edit)


def test_ocsp_answer_produced_in_the_future_is_refused(pki, sign, verify):
    def edit(tbs):
        tomorrow = datetime.now(timezone.utc) + timedelta(days=1)
        tbs["produced_at"] = core.GeneralizedTime(tomorrow)

    with pytest.raises(OcspUnavailableError) as caught:
        verify_with_ocsp(pki, sign, verify, edit)
    assert "future" in caught.value.detail


# -- 2. PINFL and TIN sources --------------------------------------------------------

@pytest.mark.parametrize("subject", [
    [(OID_PINFL, PINFL), (OID_PINFL, OTHER)],  # two PINFL attributes
    [(OID_PINFL, PINFL), (SERIAL, OTHER)],  # the attribute disagrees with serialNumber
    [(OID_PINFL, PINFL), (SERIAL, "PNOUZ-" + OTHER)],
    [(SERIAL, PINFL), (SERIAL, "PNOUZ-" + OTHER)],  # two serialNumbers
], ids=["two-attributes", "serial-number", "pnouz-serial-number", "two-serial-numbers"])
def test_certificate_naming_two_pinfls_is_refused(pki, sign, verify, subject):
    with pytest.raises(PinflConflictError) as caught:
        verify(sign(person(pki, subject)))
    assert caught.value.reason == "pinfl_conflict"


@pytest.mark.parametrize("subject", [
    [(OID_PINFL, " "), (SERIAL, PINFL)],  # a blank attribute does not fall back to serialNumber
    [(OID_PINFL, ""), (SERIAL, PINFL)],
    [(OID_PINFL, f" {PINFL} ")],  # no trimming
    [(OID_PINFL, PINFL + "\n")],
    [(SERIAL, f"{PINFL} ")],
    [(SERIAL, f"PNOUZ- {PINFL}")],
    [(SERIAL, "PNOUZ-" + PINFL[:-1])],
    [(OID_PINFL, PINFL), (SERIAL, " ")],
    [(OID_PINFL, "３１５０７８５１２３００１８")],  # full-width digits are not digits here
], ids=["blank", "empty", "padded", "newline", "padded-serial", "pnouz-space", "pnouz-13", "blank-serial",
        "full-width"])
def test_pinfl_that_is_not_exactly_14_digits_is_refused(pki, sign, verify, subject):
    with pytest.raises(InvalidPinflError) as caught:
        verify(sign(person(pki, subject)))
    assert caught.value.reason == "pinfl_invalid"


@pytest.mark.parametrize("subject", [
    [(OID_PINFL, PINFL), (OID_PINFL, PINFL)],
    [(OID_PINFL, PINFL), (SERIAL, PINFL)],
    [(OID_PINFL, PINFL), (SERIAL, "PNOUZ-" + PINFL)],
    [(OID_PINFL, PINFL), (SERIAL, "IDCUZ-AA1234567")],  # a passport number is not a PINFL source
    [(OID_PINFL, PINFL), (SERIAL, "1234")],  # nor a CA's own short number
], ids=["same-twice", "same-serial", "same-pnouz", "passport-serial", "short-serial"])
def test_sources_that_agree_on_one_pinfl_log_in(pki, sign, verify, subject):
    assert verify(sign(person(pki, subject))).pinfl == PINFL


def test_a_pinfl_inside_a_multi_valued_name_part_is_a_source_too(pki, sign, verify):
    key = new_key("p256")
    now = datetime.now(timezone.utc)
    name = x509.Name([
        x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.COUNTRY_NAME, "UZ")]),
        x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.COMMON_NAME, "SOBIROV ILHOM"),
                                        x509.NameAttribute(x509.ObjectIdentifier(OID_PINFL), OTHER)]),
        x509.RelativeDistinguishedName([x509.NameAttribute(x509.ObjectIdentifier(OID_PINFL), PINFL)]),
    ])
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(pki.issuing.certificate.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(pki.issuing.key, hashes.SHA256())
    )
    with pytest.raises(PinflConflictError):
        verify(sign(Issued(cert, key)))


def test_no_pinfl_source_at_all(pki, sign, verify):
    with pytest.raises(MissingPinflError) as caught:
        verify(sign(person(pki, [(SERIAL, "IDCUZ-AA1234567")])))
    assert caught.value.reason == "no_pinfl"


@pytest.mark.parametrize("tins", [["301234567", "309876543"], [" "], [" 301234567"], ["301234567 "]],
                         ids=["two", "blank", "padded-left", "padded-right"])
def test_tin_that_is_not_exactly_one_9_digit_value_is_refused(pki, sign, verify, tins):
    subject = [(OID_PINFL, PINFL)] + [(OID_TIN, tin) for tin in tins]
    with pytest.raises(InvalidTinError) as caught:
        verify(sign(person(pki, subject)))
    assert caught.value.reason == "tin_invalid"


def test_the_same_tin_twice_is_one_tin(pki, sign, verify):
    result = verify(sign(person(pki, [(OID_PINFL, PINFL), (OID_TIN, "301234567"), (OID_TIN, "301234567")])))
    assert (result.tin, result.user_type) == ("301234567", "L")


# -- 3. extended key usage -----------------------------------------------------------

DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")


@pytest.mark.parametrize("eku", [
    [ExtendedKeyUsageOID.SERVER_AUTH],
    [ExtendedKeyUsageOID.OCSP_SIGNING],
    [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CODE_SIGNING, ExtendedKeyUsageOID.TIME_STAMPING],
], ids=["server-auth", "ocsp-signing", "server-code-time"])
def test_extended_key_usage_without_a_login_purpose_is_refused(pki, sign, verify, eku):
    holder = make_person(pki.issuing, surname="X", given_name="Y", pinfl=PINFL, extended_key_usage=eku)
    with pytest.raises(ExtendedKeyUsageError) as caught:
        verify(sign(holder))
    assert caught.value.reason == "extended_key_usage"


@pytest.mark.parametrize("eku", [
    None,
    [ExtendedKeyUsageOID.CLIENT_AUTH],
    [ExtendedKeyUsageOID.EMAIL_PROTECTION],
    [DOCUMENT_SIGNING],
    [ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE],
    [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH],
], ids=["absent", "client-auth", "email-protection", "document-signing", "any", "server-and-client"])
def test_extended_key_usage_fit_for_login(pki, sign, verify, eku):
    holder = make_person(pki.issuing, surname="X", given_name="Y", pinfl=PINFL, extended_key_usage=eku)
    assert verify(sign(holder)).pinfl == PINFL


# -- the login page: a clear error, never a 500 ----------------------------------------

META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@pytest.fixture
def settings_overrides(settings_overrides, tmp_path, pki):
    (tmp_path / "crl").mkdir()
    (tmp_path / "root.pem").write_bytes(pki.root.pem)
    (tmp_path / "crl" / "root.crl").write_bytes(pki.root_crl)
    (tmp_path / "crl" / "issuing.crl").write_bytes(pki.issuing_crl)
    return {**settings_overrides, "esign_trust_anchors": str(tmp_path / "root.pem"),
            "esign_crls": str(tmp_path / "crl")}


def post_signed(http, cms_for) -> object:
    csrf = META_CSRF.search(http.get("/login/esign?lang=ru").get_data(as_text=True)).group(1)
    challenge = http.post("/login/esign/challenge", headers={"X-CSRFToken": csrf}).get_json()
    cms = cms_for(challenge["challenge"].encode())
    return http.post("/login/esign?lang=ru", data={"csrf_token": csrf, "challenge_id": challenge["id"],
                                                   "cms": base64.b64encode(cms).decode()})


def test_login_with_a_zone_less_signing_time_answers_a_clear_error(http, pki, sign):
    holder = pki.holders["individual-rsa"]
    response = post_signed(http, lambda challenge: with_signing_time(
        sign("individual-rsa", challenge), holder.key, generalized(local(datetime.now(timezone.utc)))))
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert 'id="esign-error"' in html
    assert "Этот ключ нельзя использовать для входа" in html, html[:3000]


def test_login_with_a_server_auth_only_certificate_answers_a_clear_error(http, pki, sign):
    holder = make_person(pki.issuing, surname="X", given_name="Y", pinfl=PINFL,
                         extended_key_usage=[ExtendedKeyUsageOID.SERVER_AUTH])
    response = post_signed(http, lambda challenge: sign(holder, challenge))
    assert response.status_code == 401 and 'id="esign-error"' in response.get_data(as_text=True)
