"""The pure verification steps, one refusal per check, on real WebAuthn bytes
from the software authenticator (no application, no database)."""
from __future__ import annotations

import secrets

import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from idp.passkeys import errors
from idp.passkeys.verify import verify_assertion, verify_registration
from soft_authenticator import SoftAuthenticator, b64u, unb64u

RP_ID = "localhost"
ORIGINS = ("http://localhost",)
USER = b"5b1c2a1e-account-id"


def creation_options(challenge: bytes) -> dict:
    return {"rp": {"id": RP_ID, "name": "OneID"}, "user": {"id": b64u(USER), "name": "x", "displayName": "x"},
            "challenge": b64u(challenge), "excludeCredentials": []}


def request_options(challenge: bytes, allow: list[bytes] = ()) -> dict:
    return {"rpId": RP_ID, "challenge": b64u(challenge), "allowCredentials": [{"id": b64u(c), "type": "public-key"} for c in allow]}


def registered(authenticator: SoftAuthenticator, **create):
    challenge = secrets.token_bytes(32)
    response = authenticator.create(creation_options(challenge), **create)
    return challenge, response


def check_registration(challenge, response, *, uv=False):
    return verify_registration(credential=response, expected_challenge=challenge, expected_rp_id=RP_ID,
                               expected_origins=ORIGINS, require_user_verification=uv)


@pytest.fixture
def phone():
    return SoftAuthenticator()


@pytest.fixture
def stored(phone):
    """A passkey registered on `phone`: (credential id, COSE public key)."""
    new = check_registration(*registered(phone))
    return new.credential_id, new.public_key


def check_assertion(phone, stored, *, stored_count=0, uv_required=False, allowed=(), expected_user=USER,
                    **get):
    issued = secrets.token_bytes(32)
    response = phone.get(request_options(issued), **get)
    return verify_assertion(credential=response, expected_challenge=issued, expected_rp_id=RP_ID,
                            expected_origins=ORIGINS, expected_user_handle=expected_user,
                            credential_public_key=stored[1], stored_sign_count=stored_count,
                            require_user_verification=uv_required, allowed_credentials=tuple(allowed))


# -- registration -------------------------------------------------------------------
def test_registration_yields_what_is_stored(phone):
    challenge, response = registered(phone)
    new = check_registration(challenge, response, uv=True)
    assert new.credential_id == unb64u(response["rawId"])
    assert cbor2.loads(new.public_key)[3] == -7  # ES256 COSE key
    assert new.sign_count == 0 and new.user_verified and new.discoverable is True
    assert new.transports == ("hybrid", "internal") and new.attestation_format == "none"
    assert new.aaguid == "00000000-0000-0000-0000-000000000000"


def test_synced_passkey_flags_are_kept():
    new = check_registration(*registered(SoftAuthenticator(backup_eligible=True)))
    assert new.backup_eligible and new.backed_up


@pytest.mark.parametrize("change, error", [
    ({"origin": "https://id.gov.uz.evil.example"}, errors.WrongOrigin),
    ({"origin": "http://localhost:5000"}, errors.WrongOrigin),  # origins match exactly, port included
    ({"rp_id": "evil.example"}, errors.WrongRpId),
    ({"kind": "webauthn.get"}, errors.WrongCeremonyType),
    ({"challenge": b64u(b"another challenge")}, errors.ChallengeMismatch),
    ({"cross_origin": True}, errors.CrossOriginRefused),
    ({"up": False}, errors.UserNotPresent),
])
def test_registration_refusals(phone, change, error):
    challenge, response = registered(phone, **change)
    with pytest.raises(error):
        check_registration(challenge, response)


def test_registration_without_user_verification_where_required():
    challenge, response = registered(SoftAuthenticator(user_verifying=False))
    with pytest.raises(errors.UserNotVerified):
        check_registration(challenge, response, uv=True)
    assert check_registration(challenge, response, uv=False).user_verified is False


def test_registration_credential_id_longer_than_1023_bytes(phone):
    challenge, response = registered(phone, credential_id=b"\x01" * 1024)
    with pytest.raises(errors.CredentialIdTooLong):
        check_registration(challenge, response)


def test_registration_with_a_tampered_attestation_object(phone):
    challenge, response = registered(phone)
    response["response"]["attestationObject"] = b64u(b"\xa1" + b"not cbor")
    with pytest.raises(errors.MalformedResponse):
        check_registration(challenge, response)


@pytest.mark.parametrize("credential", [None, "text", {}, {"id": "x", "rawId": "x", "type": "public-key"}])
def test_registration_that_is_not_a_credential(credential):
    with pytest.raises(errors.MalformedResponse):
        check_registration(b"c" * 32, credential)


# -- authentication -----------------------------------------------------------------
def test_assertion_with_user_verification(phone, stored):
    verified = check_assertion(phone, stored, uv_required=True)
    assert verified.user_verified and verified.sign_count == 1 and verified.credential_id == stored[0]
    assert check_assertion(phone, stored, stored_count=1).sign_count == 2


@pytest.mark.parametrize("change, error", [
    ({"origin": "https://login.example"}, errors.WrongOrigin),
    ({"rp_id": "example.com"}, errors.WrongRpId),
    ({"kind": "webauthn.create"}, errors.WrongCeremonyType),
    ({"challenge": b64u(b"replayed from an old login")}, errors.ChallengeMismatch),
    ({"cross_origin": True}, errors.CrossOriginRefused),
    ({"up": False}, errors.UserNotPresent),
    ({"user_handle": b"another account"}, errors.UserHandleMismatch),
    ({"bs": True}, errors.InvalidBackupFlags),  # backed up without being backup eligible
    ({"key": ec.generate_private_key(ec.SECP256R1())}, errors.BadSignature),
])
def test_assertion_refusals(phone, stored, change, error):
    with pytest.raises(error):
        check_assertion(phone, stored, **change)


def test_assertion_without_user_verification_is_refused_only_where_required(phone, stored):
    with pytest.raises(errors.UserNotVerified):
        check_assertion(phone, stored, uv=False, uv_required=True)
    assert check_assertion(phone, stored, uv=False, uv_required=False).user_verified is False


@pytest.mark.parametrize("stored_count, sent", [(5, 5), (5, 4), (5, 0), (1, 0)])
def test_counter_that_does_not_grow_is_a_possible_clone(phone, stored, stored_count, sent):
    with pytest.raises(errors.CounterRegression):
        check_assertion(phone, stored, stored_count=stored_count, sign_count=sent)


def test_authenticators_without_a_counter_report_zero_and_pass(phone, stored):
    assert check_assertion(phone, stored, stored_count=0, sign_count=0).sign_count == 0


def test_the_signature_is_checked_before_the_counter(phone, stored):
    """A forged response must not flag a genuine passkey as cloned."""
    with pytest.raises(errors.BadSignature):
        check_assertion(phone, stored, stored_count=9, sign_count=1, key=ec.generate_private_key(ec.SECP256R1()))


def test_assertion_with_a_credential_outside_allow_credentials(phone, stored):
    with pytest.raises(errors.CredentialNotAllowed):
        check_assertion(phone, stored, allowed=[b"some other credential"])
    assert check_assertion(phone, stored, allowed=[stored[0]]).credential_id == stored[0]


def test_assertion_with_a_tampered_signature_or_data(phone, stored):
    issued = secrets.token_bytes(32)
    response = phone.get(request_options(issued))
    data = bytearray(unb64u(response["response"]["authenticatorData"]))
    data[-1] ^= 0x01  # the counter's last byte, after signing
    response["response"]["authenticatorData"] = b64u(bytes(data))
    with pytest.raises(errors.BadSignature):
        verify_assertion(credential=response, expected_challenge=issued, expected_rp_id=RP_ID, expected_origins=ORIGINS,
                         expected_user_handle=USER, credential_public_key=stored[1], stored_sign_count=0,
                         require_user_verification=False)


def test_assertion_whose_id_and_raw_id_differ(phone, stored):
    issued = secrets.token_bytes(32)
    response = phone.get(request_options(issued))
    response["id"] = b64u(b"something else")
    with pytest.raises(errors.MalformedResponse):
        verify_assertion(credential=response, expected_challenge=issued, expected_rp_id=RP_ID, expected_origins=ORIGINS,
                         expected_user_handle=USER, credential_public_key=stored[1], stored_sign_count=0,
                         require_user_verification=False)
