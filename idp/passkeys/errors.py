"""One error class per failed passkey check.

Every error carries a stable ``code`` that services return in their results,
views map to a translated message and the audit log records. Section numbers
refer to W3C WebAuthn Level 3: §7.1 "Registering a New Credential" and §7.2
"Verifying an Authentication Assertion".
"""
from __future__ import annotations


class PasskeyError(Exception):
    """A passkey ceremony failed; ``code`` says which check refused it."""

    code = "passkey_error"

    def __init__(self, detail: str = ""):
        super().__init__(detail or self.code)
        self.detail = detail


# -- the challenge and its ceremony ---------------------------------------------
class ChallengeExpired(PasskeyError):
    """Unknown, already used or expired challenge (single use, short life)."""

    code = "challenge_expired"


class ChallengeNotBound(PasskeyError):
    """The challenge was issued to another browser, purpose or account."""

    code = "challenge_not_bound"


# -- the response as a whole ----------------------------------------------------
class MalformedResponse(PasskeyError):
    """The credential JSON, clientDataJSON or authenticator data cannot be parsed."""

    code = "malformed_response"


class WrongCeremonyType(PasskeyError):
    """clientData.type is not webauthn.create / webauthn.get (§7.1 step 7, §7.2 step 11)."""

    code = "wrong_ceremony_type"


class ChallengeMismatch(PasskeyError):
    """clientData.challenge differs from the one issued (§7.1 step 8, §7.2 step 12)."""

    code = "challenge_mismatch"


class WrongOrigin(PasskeyError):
    """clientData.origin is not one of the configured origins (§7.1 step 9, §7.2 step 13)."""

    code = "wrong_origin"


class CrossOriginRefused(PasskeyError):
    """The ceremony ran in a cross-origin iframe (§7.1 step 10, §7.2 step 14); pages here
    are never framed."""

    code = "cross_origin"


class WrongRpId(PasskeyError):
    """authenticatorData.rpIdHash is not SHA-256 of the RP ID (§7.1 step 13, §7.2 step 15)."""

    code = "wrong_rp_id"


class UserNotPresent(PasskeyError):
    """The UP flag is not set (§7.1 step 14, §7.2 step 16)."""

    code = "user_not_present"


class UserNotVerified(PasskeyError):
    """The UV flag is not set where user verification is required (§7.1 step 15, §7.2 step 17)."""

    code = "user_not_verified"


class InvalidBackupFlags(PasskeyError):
    """BS is set without BE (§6.1.3, §7.1 step 16, §7.2 step 18)."""

    code = "invalid_backup_flags"


# -- registration ---------------------------------------------------------------
class MissingCredentialData(PasskeyError):
    """Registration without attested credential data (AT flag, §6.5.1)."""

    code = "missing_credential_data"


class CredentialIdTooLong(PasskeyError):
    """credentialId longer than 1023 bytes (§7.1 step 25)."""

    code = "credential_id_too_long"


class AttestationRefused(PasskeyError):
    """Unsupported key algorithm or an attestation statement that does not verify
    (§7.1 steps 17 and 19-21)."""

    code = "attestation_refused"


class AlreadyRegistered(PasskeyError):
    """The credential ID is already registered to an account (§7.1 step 26)."""

    code = "already_registered"


# -- authentication -------------------------------------------------------------
class UnknownCredential(PasskeyError):
    """No registered passkey has this credential ID (§7.2 step 6); also a removed one."""

    code = "unknown_credential"


class CredentialNotAllowed(PasskeyError):
    """The credential is not one of allowCredentials (§7.2 step 5)."""

    code = "credential_not_allowed"


class UserHandleMissing(PasskeyError):
    """A usernameless login (empty allowCredentials) whose response names no user:
    userHandle must be present then (§7.2 step 6)."""

    code = "user_handle_missing"


class UserHandleMismatch(PasskeyError):
    """response.userHandle names another user than the credential's owner (§7.2 step 6)."""

    code = "user_handle_mismatch"


class BadSignature(PasskeyError):
    """The assertion signature does not verify with the stored public key (§7.2 step 21)."""

    code = "bad_signature"


class CounterRegression(PasskeyError):
    """The signature counter did not grow: the authenticator may be cloned (§7.2 step 22, §6.1.1)."""

    code = "counter_regression"


class PasskeyUnderReview(PasskeyError):
    """The passkey was flagged as possibly cloned and is refused until removed."""

    code = "passkey_under_review"


class PasskeyDisabled(PasskeyError):
    """The authenticator row is disabled."""

    code = "passkey_disabled"


class AccountDisabled(PasskeyError):
    """The passkey's account is suspended or closed."""

    code = "account_disabled"


class WrongAccount(PasskeyError):
    """A passkey of another account was offered to step up this session."""

    code = "wrong_account"


# -- management -----------------------------------------------------------------
class InvalidLabel(PasskeyError):
    """A passkey name that is too long or holds control characters."""

    code = "invalid_label"


class PasskeyNotFound(PasskeyError):
    """No passkey with this id belongs to the account."""

    code = "not_found"


class NoPasskey(PasskeyError):
    """The account has no usable passkey to prove (step-up)."""

    code = "no_passkey"


class LastLoginMethod(PasskeyError):
    """Removing this passkey would leave the account with no way to log in."""

    code = "last_login_method"
