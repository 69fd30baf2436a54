"""Pure, stepwise verification of WebAuthn responses (no I/O, no database).

Each check raises one specific `PasskeyError` and names its step of W3C
WebAuthn Level 3, §7.1 (registration) and §7.2 (authentication). py_webauthn
parses the structures and verifies attestation statements and signatures;
the checks in front of it exist so that every failure has its own error code,
and so that the signature is verified before the signature counter is
compared (§7.2 steps 21 and 22): only a correctly signed response may flag a
passkey as possibly cloned.

Everything a browser sends is untrusted input to the library's parsers, which
raise whatever their code meets (``KeyError`` from a TPM structure,
``IndexError``, ``struct.error``, CBOR errors, ...). Every call into them is
therefore guarded as a whole: any exception becomes this module's typed error
(`MalformedResponse`, `AttestationRefused`, `BadSignature`), never a 500.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from webauthn import verify_authentication_response, verify_registration_response
from webauthn.helpers import (
    aaguid_to_string,
    bytes_to_base64url,
    parse_attestation_object,
    parse_authentication_credential_json,
    parse_authenticator_data,
    parse_client_data_json,
    parse_registration_credential_json,
)
from webauthn.helpers.structs import (
    AuthenticationCredential,
    AuthenticatorData,
    CollectedClientData,
    RegistrationCredential,
)

from idp.passkeys import errors

MAX_CREDENTIAL_ID = 1023  # bytes, §7.1 step 25
MAX_RESPONSE_FIELD = 16 * 1024  # characters of base64url per field; real responses are far smaller
TRANSPORTS = {"ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"}


@dataclass(frozen=True)
class NewCredential:
    """A verified registration: what to store. Safe to log (no personal data)."""

    credential_id: bytes
    public_key: bytes  # COSE_Key
    sign_count: int
    aaguid: str
    user_verified: bool
    backup_eligible: bool
    backed_up: bool
    transports: tuple[str, ...]
    discoverable: bool | None  # from the credProps extension, when the browser reports it
    attestation_format: str


@dataclass(frozen=True)
class VerifiedAssertion:
    """A verified login: the new counter and flags. Safe to log."""

    credential_id: bytes
    sign_count: int
    user_verified: bool
    backed_up: bool


def _check_field_sizes(credential: dict) -> None:
    response = credential.get("response")
    values = [credential.get("id"), credential.get("rawId")]
    if isinstance(response, dict):
        values += list(response.values())
    if any(isinstance(v, str) and len(v) > MAX_RESPONSE_FIELD for v in values):
        raise errors.MalformedResponse("a field is too large")


def _client_data(raw: bytes, *, expected_type: str, expected_challenge: bytes,
                 expected_origins: tuple[str, ...]) -> CollectedClientData:
    try:
        client_data = parse_client_data_json(raw)
    except Exception as exc:  # untrusted bytes: whatever the parser raises
        raise errors.MalformedResponse("clientDataJSON") from exc
    # §7.1 step 7 / §7.2 step 11
    if client_data.type != expected_type:
        raise errors.WrongCeremonyType(str(client_data.type))
    # §7.1 step 8 / §7.2 step 12
    if client_data.challenge != expected_challenge:
        raise errors.ChallengeMismatch()
    # §7.1 step 9 / §7.2 step 13: an exact match with a configured origin
    if not isinstance(client_data.origin, str) or client_data.origin not in expected_origins:
        raise errors.WrongOrigin(str(client_data.origin)[:100])
    # §7.1 step 10 / §7.2 step 14: pages are never framed (frame-ancestors 'none')
    if client_data.cross_origin:
        raise errors.CrossOriginRefused()
    return client_data


def _authenticator_flags(auth_data: AuthenticatorData, *, expected_rp_id: str,
                         require_user_verification: bool) -> None:
    # §7.1 step 13 / §7.2 step 15
    if auth_data.rp_id_hash != hashlib.sha256(expected_rp_id.encode()).digest():
        raise errors.WrongRpId()
    # §7.1 step 14 / §7.2 step 16
    if not auth_data.flags.up:
        raise errors.UserNotPresent()
    # §7.1 step 15 / §7.2 step 17
    if require_user_verification and not auth_data.flags.uv:
        raise errors.UserNotVerified()
    # §6.1.3: backup state without backup eligibility is invalid (§7.1 step 16, §7.2 step 18)
    if auth_data.flags.bs and not auth_data.flags.be:
        raise errors.InvalidBackupFlags()


def verify_registration(*, credential: dict, expected_challenge: bytes, expected_rp_id: str,
                        expected_origins: tuple[str, ...], require_user_verification: bool) -> NewCredential:
    """Check a `navigator.credentials.create()` response (its JSON form)."""
    if not isinstance(credential, dict):
        raise errors.MalformedResponse("not an object")
    _check_field_sizes(credential)
    try:
        parsed: RegistrationCredential = parse_registration_credential_json(credential)
        attestation = parse_attestation_object(parsed.response.attestation_object)
    except Exception as exc:  # untrusted bytes: whatever the parser raises
        raise errors.MalformedResponse("credential or attestationObject") from exc
    _client_data(parsed.response.client_data_json, expected_type="webauthn.create",
                 expected_challenge=expected_challenge, expected_origins=expected_origins)
    auth_data = attestation.auth_data
    _authenticator_flags(auth_data, expected_rp_id=expected_rp_id,
                         require_user_verification=require_user_verification)
    # §6.5.1: a registration carries the new credential (AT flag)
    attested = auth_data.attested_credential_data
    if attested is None:
        raise errors.MissingCredentialData()
    # §7.1 step 25
    if len(attested.credential_id) > MAX_CREDENTIAL_ID:
        raise errors.CredentialIdTooLong()
    if attested.credential_id != parsed.raw_id:
        raise errors.MalformedResponse("rawId differs from the attested credential ID")
    # §7.1 steps 17-21: key algorithm and attestation statement, by py_webauthn
    try:
        verified = verify_registration_response(
            credential=parsed, expected_challenge=expected_challenge, expected_rp_id=expected_rp_id,
            expected_origin=list(expected_origins), require_user_verification=require_user_verification)
    except Exception as exc:  # e.g. KeyError from a junk TPM pubArea: the statement does not verify
        raise errors.AttestationRefused(type(exc).__name__) from exc
    props = _object(_object(credential.get("clientExtensionResults")).get("credProps"))
    transports = _object(credential.get("response")).get("transports")
    if not isinstance(transports, list):
        transports = []
    return NewCredential(
        credential_id=verified.credential_id, public_key=verified.credential_public_key,
        sign_count=verified.sign_count, aaguid=aaguid_to_string(attested.aaguid),
        user_verified=verified.user_verified, backup_eligible=auth_data.flags.be,
        backed_up=auth_data.flags.bs,
        transports=tuple(sorted({t for t in transports if isinstance(t, str) and t in TRANSPORTS})),
        discoverable=props.get("rk") if isinstance(props.get("rk"), bool) else None,
        attestation_format=str(getattr(verified.fmt, "value", verified.fmt)),
    )


def _object(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _parse_assertion(credential: object) -> AuthenticationCredential:
    if not isinstance(credential, dict):
        raise errors.MalformedResponse("not an object")
    _check_field_sizes(credential)
    try:
        parsed = parse_authentication_credential_json(credential)
    except Exception as exc:  # untrusted input: whatever the parser raises
        raise errors.MalformedResponse("credential") from exc
    if not parsed.raw_id or len(parsed.raw_id) > MAX_CREDENTIAL_ID:
        raise errors.MalformedResponse("rawId")
    if bytes_to_base64url(parsed.raw_id) != parsed.id:
        raise errors.MalformedResponse("id and rawId differ")
    return parsed


def credential_id_of(credential: object) -> bytes:
    """The raw credential ID an authentication response names, to look up its passkey."""
    return _parse_assertion(credential).raw_id


def verify_assertion(*, credential: dict, expected_challenge: bytes, expected_rp_id: str,
                     expected_origins: tuple[str, ...], expected_user_handle: bytes,
                     credential_public_key: bytes, stored_sign_count: int,
                     require_user_verification: bool,
                     allowed_credentials: tuple[bytes, ...] = ()) -> VerifiedAssertion:
    """Check a `navigator.credentials.get()` response against the stored passkey.

    ``allowed_credentials`` empty means a discoverable (usernameless) login, in
    which the response must name its user (§7.2 step 6)."""
    parsed = _parse_assertion(credential)
    credential_id = parsed.raw_id
    # §7.2 step 5: only a listed credential, when the options listed some
    if allowed_credentials and credential_id not in allowed_credentials:
        raise errors.CredentialNotAllowed()
    # §7.2 step 6: when the user was not identified before the ceremony (no
    # allowCredentials), userHandle must be present; when present, it must be
    # the user handle of the credential's owner.
    user_handle = parsed.response.user_handle
    if not allowed_credentials and not user_handle:
        raise errors.UserHandleMissing()
    if user_handle and not hmac.compare_digest(user_handle, expected_user_handle):
        raise errors.UserHandleMismatch()
    _client_data(parsed.response.client_data_json, expected_type="webauthn.get",
                 expected_challenge=expected_challenge, expected_origins=expected_origins)
    try:
        auth_data = parse_authenticator_data(parsed.response.authenticator_data)
    except Exception as exc:  # untrusted bytes: whatever the parser raises
        raise errors.MalformedResponse("authenticatorData") from exc
    _authenticator_flags(auth_data, expected_rp_id=expected_rp_id,
                         require_user_verification=require_user_verification)
    # §7.2 steps 19-21: the signature over authenticatorData || SHA-256(clientDataJSON).
    # The counter is compared below, after the signature is known to be good, so
    # the library's own counter check is neutralised with a stored count of 0.
    try:
        verified = verify_authentication_response(
            credential=parsed, expected_challenge=expected_challenge, expected_rp_id=expected_rp_id,
            expected_origin=list(expected_origins), credential_public_key=credential_public_key,
            credential_current_sign_count=0, require_user_verification=require_user_verification)
    except Exception as exc:  # a signature the library cannot even read is not a good one
        raise errors.BadSignature(type(exc).__name__) from exc
    # §7.2 step 22 and §6.1.1: a counter that does not grow signals a possible clone
    if (auth_data.sign_count or stored_sign_count) and auth_data.sign_count <= stored_sign_count:
        raise errors.CounterRegression(f"{auth_data.sign_count} <= {stored_sign_count}")
    return VerifiedAssertion(credential_id=credential_id, sign_count=auth_data.sign_count,
                             user_verified=verified.user_verified, backed_up=verified.credential_backed_up)
