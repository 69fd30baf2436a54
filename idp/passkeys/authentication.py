"""Logging in and stepping up with a passkey.

A login uses a discoverable credential: the options list no credentials, the
browser offers the passkeys it holds for the RP ID (from a button, or in the
identifier field's autofill with conditional mediation), and the answer's
credential ID finds the account. A step-up lists the logged-in account's
passkeys, requires user verification, and refuses a passkey of anyone else.

With user verification a passkey is two factors in one (possession plus PIN
or biometrics): `amr` ``hwk user``, level high. Without it: ``hwk``, level
substantial. A passkey added in the cabinet gives at most the level of the
session that added it (`capped`); one made at activation keeps its own.
"""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session
from webauthn import generate_authentication_options
from webauthn.helpers import options_to_json_dict
from webauthn.helpers.structs import PublicKeyCredentialDescriptor, UserVerificationRequirement

from idp.audit.log import record
from idp.auth.levels import LEVELS, AuthEvent, lower
from idp.db import utcnow
from idp.passkeys import credentials
from idp.passkeys.ceremonies import Ceremonies, RelyingParty
from idp.passkeys.errors import (
    AccountDisabled,
    CounterRegression,
    NoPasskey,
    PasskeyDisabled,
    PasskeyError,
    PasskeyUnderReview,
    UnknownCredential,
    WrongAccount,
)
from idp.passkeys.results import CeremonyOptions, PasskeyResult
from idp.passkeys.verify import credential_id_of, verify_assertion

VERIFIED_EVENT = AuthEvent(method="passkey", amr=("hwk", "user"), level="high")
UNVERIFIED_EVENT = AuthEvent(method="passkey", amr=("hwk",), level="substantial")


def capped(event: AuthEvent, max_level: str | None) -> AuthEvent:
    """The event a passkey gives: its natural level, but never above the level of
    the session that enrolled it (NIST 800-63B 6.1.2.1), so a password session
    cannot make itself a high-assurance credential."""
    if max_level not in LEVELS:
        return event
    return replace(event, level=lower(event.level, max_level))


def authentication_options(session: Session, ceremonies: Ceremonies, rp: RelyingParty, *, binding: str,
                           purpose: str = "login", account_id: str | None = None,
                           require_user_verification: bool = False) -> CeremonyOptions:
    """Request options. ``purpose="step_up"`` needs the logged-in ``account_id``
    and raises `NoPasskey` when it has no usable passkey."""
    allowed: list = []
    if purpose == "step_up":
        if account_id is None:
            raise ValueError("a step-up needs the logged-in account")
        allowed = [row for row in credentials.rows_of(session, account_id) if credentials.usable(row)]
        if not allowed:
            raise NoPasskey()
    ceremony = ceremonies.begin(purpose, binding=binding, account_id=account_id,
                                require_user_verification=require_user_verification,
                                allowed=tuple(row.credential_id for row in allowed))
    options = generate_authentication_options(
        rp_id=rp.id, challenge=ceremony.challenge, timeout=ceremonies.ttl * 1000,
        allow_credentials=[PublicKeyCredentialDescriptor(id=row.credential_id) for row in allowed],
        user_verification=(UserVerificationRequirement.REQUIRED if require_user_verification
                           else UserVerificationRequirement.PREFERRED),
    )
    return CeremonyOptions(ceremony.handle, options_to_json_dict(options))


def authenticate(session: Session, ceremonies: Ceremonies, rp: RelyingParty, *, handle: object, binding: str,
                 credential: object, purpose: str = "login", account_id: str | None = None) -> PasskeyResult:
    """Verify a login or step-up answer; the caller commits (also after a failure,
    to keep its audit record and a clone flag)."""
    row = None
    try:
        ceremony = ceremonies.take(handle, purpose=purpose, binding=binding, account_id=account_id)
        row = credentials.find_by_credential_id(session, credential_id_of(credential))
        if row is None:
            raise UnknownCredential()
        if account_id is not None and row.account_id != account_id:
            row = None  # nothing about the owner goes into this session's records
            raise WrongAccount()
        if row.disabled:
            raise PasskeyDisabled()
        if row.data.get("review"):
            raise PasskeyUnderReview()
        if not row.account.active:
            raise AccountDisabled()
        stored_count = int(row.data.get("sign_count") or 0)
        verified = verify_assertion(
            credential=credential, expected_challenge=ceremony.challenge, expected_rp_id=rp.id,
            expected_origins=rp.origins, expected_user_handle=credentials.stored_user_handle(row),
            credential_public_key=credentials.public_key_of(row), stored_sign_count=stored_count,
            require_user_verification=ceremony.require_user_verification, allowed_credentials=ceremony.allowed)
    except CounterRegression as exc:
        credentials.flag_for_review(row, reason=exc.code, at=utcnow(), stored_sign_count=stored_count)
        record(session, "passkey.clone_suspected", actor=row.account_id, subject=row.account_id, passkey=row.id,
               stored_sign_count=stored_count, detail=exc.detail)
        return PasskeyResult(False, exc.code, passkey_id=row.id)
    except PasskeyError as exc:
        subject = account_id or (row.account_id if row is not None else None)
        if subject is not None:  # as with passwords, nobody's log fills up with strangers' attempts
            record(session, "login.passkey.failed", actor=subject, subject=subject, reason=exc.code,
                   purpose=purpose, passkey=row.id if row is not None else None)
        return PasskeyResult(False, exc.code)
    credentials.record_use(row, sign_count=verified.sign_count, backed_up=verified.backed_up, at=utcnow())
    event = capped(VERIFIED_EVENT if verified.user_verified else UNVERIFIED_EVENT, row.max_level)
    record(session, "login.passkey.succeeded", actor=row.account_id, subject=row.account_id, passkey=row.id,
           purpose=purpose, user_verified=verified.user_verified)
    return PasskeyResult(True, account_id=row.account_id, passkey_id=row.id, event=event)
