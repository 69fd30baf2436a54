"""Untrusted WebAuthn responses: whatever a browser (or an attacker posing as
one) sends, the parsers answer a typed passkey error, never an exception of
their own (a junk TPM attestation raised KeyError: a 500); and a usernameless
login must name its user (W3C WebAuthn Level 3, §7.2 step 6)."""
from __future__ import annotations

import secrets

import cbor2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from idp.passkeys import errors
from idp.passkeys.verify import verify_assertion, verify_registration
from soft_authenticator import SoftAuthenticator, b64u, unb64u

RP_ID = "localhost"
ORIGINS = ("http://localhost",)
USER = b"5b1c2a1e-account-id"
FORMATS = ["packed", "tpm", "android-key", "android-safetynet", "fido-u2f", "apple", "none"]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])


def creation_options(challenge: bytes) -> dict:
    return {"rp": {"id": RP_ID, "name": "OneID"}, "user": {"id": b64u(USER), "name": "x", "displayName": "x"},
            "challenge": b64u(challenge), "excludeCredentials": []}


def request_options(challenge: bytes, allow=()) -> dict:
    return {"rpId": RP_ID, "challenge": b64u(challenge),
            "allowCredentials": [{"id": b64u(c), "type": "public-key"} for c in allow]}


def with_attestation(response: dict, fmt: str, statement: object) -> dict:
    attestation = cbor2.loads(unb64u(response["response"]["attestationObject"]))
    attestation["fmt"], attestation["attStmt"] = fmt, statement
    response["response"]["attestationObject"] = b64u(cbor2.dumps(attestation))
    return response


def register(response: dict, challenge: bytes):
    return verify_registration(credential=response, expected_challenge=challenge, expected_rp_id=RP_ID,
                               expected_origins=ORIGINS, require_user_verification=False)


def _self_signed() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "junk attestation")])
    import datetime as dt
    now = dt.datetime.now(dt.timezone.utc)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .sign(key, hashes.SHA256()).public_bytes(Encoding.DER))


CERT = _self_signed()
# A TPM statement that passes every "is it there" check and reaches the pubArea parser
JUNK_TPM = {"ver": "2.0", "alg": -7, "x5c": [CERT], "sig": b"\x01" * 64, "certInfo": b"\xff\x54\x43\x47" + b"\x00" * 60,
            "pubArea": b"\x12\x34" + b"\x00" * 40}


# -- junk attestation statements -------------------------------------------------------

def test_junk_tpm_attestation_is_refused_not_a_key_error():
    challenge = secrets.token_bytes(32)
    response = with_attestation(SoftAuthenticator().create(creation_options(challenge)), "tpm", JUNK_TPM)
    with pytest.raises(errors.AttestationRefused):
        register(response, challenge)


# Values a statement field may take: what a real one holds, and junk of every CBOR type.
field_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**64, max_value=2**64), st.binary(max_size=80),
              st.text(max_size=20), st.just(CERT), st.sampled_from([-7, -8, -257, -65535, 2, "2.0"])),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.text(max_size=5), children, max_size=3)),
    max_leaves=8,
)
statement = st.one_of(
    st.dictionaries(st.sampled_from(["alg", "sig", "x5c", "ver", "certInfo", "pubArea", "response", "ecdaaKeyId"]),
                    field_value, max_size=6),
    field_value,  # not even a map
)


@FUZZ
@given(fmt=st.one_of(st.sampled_from(FORMATS), st.text(max_size=12)), stmt=statement)
def test_any_attestation_statement_gives_a_passkey_error_or_a_passkey(fmt, stmt):
    challenge = secrets.token_bytes(32)
    response = with_attestation(SoftAuthenticator().create(creation_options(challenge)), fmt, stmt)
    try:
        new = register(response, challenge)
    except errors.PasskeyError as exc:
        assert exc.code in ("attestation_refused", "malformed_response")
        return
    assert new.attestation_format == "none"


@FUZZ
@given(fmt=st.sampled_from(FORMATS), stmt=statement, tail=st.binary(max_size=40), cut=st.integers(0, 200))
def test_any_authenticator_data_gives_a_passkey_error_or_a_passkey(fmt, stmt, tail, cut):
    challenge = secrets.token_bytes(32)
    response = SoftAuthenticator().create(creation_options(challenge))
    attestation = cbor2.loads(unb64u(response["response"]["attestationObject"]))
    data = attestation["authData"]
    attestation.update(fmt=fmt, attStmt=stmt, authData=data[:max(37, len(data) - cut)] + tail)
    response["response"]["attestationObject"] = b64u(cbor2.dumps(attestation))
    try:
        register(response, challenge)
    except errors.PasskeyError:
        pass


@pytest.mark.parametrize("field, value", [
    ("clientExtensionResults", "not an object"),
    ("clientExtensionResults", {"credProps": ["rk"]}),
    ("clientExtensionResults", {"credProps": {"rk": "yes"}}),
    ("transports", {"usb": True}),
    ("transports", 7),
    ("transports", [None, 3, "usb", ["nfc"]]),
])
def test_odd_extension_results_and_transports_are_ignored(field, value):
    challenge = secrets.token_bytes(32)
    response = SoftAuthenticator().create(creation_options(challenge))
    if field == "transports":
        response["response"]["transports"] = value
    else:
        response[field] = value
    new = register(response, challenge)
    if field == "transports":
        assert set(new.transports) <= {"usb"}
    else:
        assert new.discoverable is None


# -- assertions ----------------------------------------------------------------------------

@pytest.fixture
def phone():
    return SoftAuthenticator()


@pytest.fixture
def stored(phone):
    challenge = secrets.token_bytes(32)
    new = register(phone.create(creation_options(challenge)), challenge)
    return new.credential_id, new.public_key


def assertion(phone, stored, *, allowed=(), **get):
    issued = secrets.token_bytes(32)
    response = phone.get(request_options(issued, allowed), **get)
    return issued, response


def check(stored, issued, response, *, allowed=()):
    return verify_assertion(credential=response, expected_challenge=issued, expected_rp_id=RP_ID,
                            expected_origins=ORIGINS, expected_user_handle=USER, credential_public_key=stored[1],
                            stored_sign_count=0, require_user_verification=False,
                            allowed_credentials=tuple(allowed))


@pytest.mark.parametrize("user_handle", [None, b""], ids=["absent", "empty"])
def test_usernameless_login_without_user_handle_is_refused(phone, stored, user_handle):
    issued, response = assertion(phone, stored, user_handle=user_handle)
    if user_handle == b"":
        response["response"]["userHandle"] = ""
    with pytest.raises(errors.UserHandleMissing) as caught:
        check(stored, issued, response)
    assert caught.value.code == "user_handle_missing"


def test_usernameless_login_with_the_owners_user_handle(phone, stored):
    assert check(stored, *assertion(phone, stored)).credential_id == stored[0]


def test_usernameless_login_with_another_users_handle_is_refused(phone, stored):
    with pytest.raises(errors.UserHandleMismatch):
        check(stored, *assertion(phone, stored, user_handle=USER + b"x"))


def test_listed_credentials_may_answer_without_user_handle(phone, stored):
    """A step-up lists the account's passkeys: the user is known, userHandle is optional (§7.2 step 6)."""
    issued, response = assertion(phone, stored, allowed=[stored[0]], user_handle=None)
    assert check(stored, issued, response, allowed=[stored[0]]).credential_id == stored[0]
    issued, response = assertion(phone, stored, allowed=[stored[0]], user_handle=b"someone else")
    with pytest.raises(errors.UserHandleMismatch):
        check(stored, issued, response, allowed=[stored[0]])


junk_text = st.one_of(st.none(), st.integers(), st.text(max_size=60),
                      st.binary(max_size=120).map(b64u), st.lists(st.text(max_size=3), max_size=2))


@FUZZ
@given(field=st.sampled_from(["authenticatorData", "signature", "userHandle", "clientDataJSON"]), value=junk_text)
def test_any_assertion_field_gives_a_passkey_error(phone, stored, field, value):
    issued, response = assertion(phone, stored)
    response["response"][field] = value
    try:
        check(stored, issued, response)
    except errors.PasskeyError:
        return
    assert field == "userHandle"  # only the owner's own handle can pass


@FUZZ
@given(cut=st.integers(0, 36), tail=st.binary(max_size=64))
def test_truncated_or_extended_authenticator_data_gives_a_passkey_error(phone, stored, cut, tail):
    assume(cut or tail)
    issued, response = assertion(phone, stored)
    data = unb64u(response["response"]["authenticatorData"])
    response["response"]["authenticatorData"] = b64u(data[:len(data) - cut] + tail)
    with pytest.raises(errors.PasskeyError):
        check(stored, issued, response)


# -- through the pages: a 400 in the user's language; a refused login -------------------------

def test_junk_tpm_registration_answers_400_in_the_users_language(browser, phone):
    browser.log_in_with_password()
    options = browser.registration_options("TPM")
    credential = with_attestation(phone.create(options["publicKey"]), "tpm", JUNK_TPM)
    response = browser.http.post("/cabinet/passkeys?lang=ru", json={"ceremony": options["ceremony"],
                                                            "credential": credential, "label": "TPM"},
                                 headers={"X-CSRFToken": browser.csrf()})
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "attestation_refused"
    assert body["message"].startswith("Такой ключ доступа не поддерживается")


def test_usernameless_login_without_user_handle_is_refused_by_the_page(registered, phone, new_browser):
    browser = new_browser()
    response = browser.log_in_with_passkey(phone, user_handle=None)
    assert response.status_code in (400, 401)
    assert response.get_json()["error"] == "user_handle_missing"
    assert browser.log_in_with_passkey(phone).status_code == 200
