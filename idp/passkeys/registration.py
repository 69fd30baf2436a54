"""Registering a passkey for an account: from the personal cabinet, or at
account activation (the same two calls, with the activation page's browser
binding instead of a login session).

    options = registration_options(session, ceremonies, rp, account, binding=b, label=name)
    # the browser runs navigator.credentials.create(options.public_key)
    result = register(session, ceremonies, rp, account_id=account.id, handle=options.handle,
                      binding=b, credential=response_json, label=name)

Passkeys are created as discoverable credentials (resident keys required) so
that a login needs no user name; user verification is preferred at
registration and required later where a login must reach level high.
"""
from __future__ import annotations

from sqlalchemy.orm import Session
from webauthn import generate_registration_options
from webauthn.helpers import options_to_json_dict
from webauthn.helpers.cose import COSEAlgorithmIdentifier
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from idp.audit.log import record
from idp.passkeys import credentials
from idp.passkeys.ceremonies import Ceremonies, RelyingParty
from idp.passkeys.errors import AlreadyRegistered, PasskeyError
from idp.passkeys.results import CeremonyOptions, PasskeyResult
from idp.passkeys.verify import verify_registration
from idp.people.models import Account

# ES256 first: every platform authenticator supports it; Ed25519 and RS256 for the rest.
ALGORITHMS = [COSEAlgorithmIdentifier.ECDSA_SHA_256, COSEAlgorithmIdentifier.EDDSA,
              COSEAlgorithmIdentifier.RSASSA_PKCS1_v1_5_SHA_256]
_TRANSPORTS = {t.value: t for t in AuthenticatorTransport}


def _descriptor(row) -> PublicKeyCredentialDescriptor:
    transports = [_TRANSPORTS[t] for t in row.data.get("transports") or () if t in _TRANSPORTS]
    return PublicKeyCredentialDescriptor(id=row.credential_id, transports=transports or None)


def registration_options(session: Session, ceremonies: Ceremonies, rp: RelyingParty, account: Account, *,
                         binding: str, label: str | None = None,
                         require_user_verification: bool = False) -> CeremonyOptions:
    """Creation options for a new passkey of ``account``; raises `InvalidLabel`."""
    credentials.clean_label(label)  # refuse a bad name before the authenticator makes a key
    existing = credentials.rows_of(session, account.id)
    ceremony = ceremonies.begin("register", binding=binding, account_id=account.id,
                                require_user_verification=require_user_verification)
    options = generate_registration_options(
        rp_id=rp.id, rp_name=rp.name, user_id=credentials.user_handle_for(account.id),
        user_name=account.person.pinfl, user_display_name=account.person.full_name or account.person.pinfl,
        challenge=ceremony.challenge, timeout=ceremonies.ttl * 1000,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=(UserVerificationRequirement.REQUIRED if require_user_verification
                               else UserVerificationRequirement.PREFERRED)),
        # §5.4.3: the authenticator refuses to make a second key for the same account
        exclude_credentials=[_descriptor(row) for row in existing],
        supported_pub_key_algs=ALGORITHMS,
    )
    public_key = options_to_json_dict(options)
    public_key["extensions"] = {"credProps": True}  # §10.1.3: tells whether the key is discoverable
    return CeremonyOptions(ceremony.handle, public_key)


def register(session: Session, ceremonies: Ceremonies, rp: RelyingParty, *, account_id: str, handle: object,
             binding: str, credential: object, label: object = None,
             max_level: str | None = None) -> PasskeyResult:
    """Verify the browser's answer and store the passkey; the caller commits.

    ``max_level``: from the cabinet, the level of the session that adds it, which
    caps every later login with it (NIST 800-63B 6.1.2.1); None at activation,
    where identity proofing stands behind the new passkey."""
    try:
        ceremony = ceremonies.take(handle, purpose="register", binding=binding, account_id=account_id)
        name = credentials.clean_label(label)
        new = verify_registration(credential=credential, expected_challenge=ceremony.challenge,
                                  expected_rp_id=rp.id, expected_origins=rp.origins,
                                  require_user_verification=ceremony.require_user_verification)
        # §7.1 step 26: a credential ID belongs to one account only
        if credentials.credential_id_taken(session, new.credential_id):
            raise AlreadyRegistered()
    except PasskeyError as exc:
        record(session, "passkey.registration.failed", actor=account_id, subject=account_id, reason=exc.code)
        return PasskeyResult(False, exc.code, account_id=account_id)
    row = credentials.add(session, account_id, new, user_handle=credentials.user_handle_for(account_id), label=name,
                          max_level=max_level)
    record(session, "passkey.registered", actor=account_id, subject=account_id, passkey=row.id,
           aaguid=new.aaguid, synced=new.backup_eligible, user_verified=new.user_verified, max_level=max_level)
    return PasskeyResult(True, account_id=account_id, passkey_id=row.id)
