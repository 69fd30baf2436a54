"""What the user reads for each passkey error code (services return codes)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

_TRY_AGAIN = _l("The passkey request expired or was already used. Please try again.")
_UNREADABLE = _l("Your browser's passkey answer could not be read. Please try again.")
_NOT_HERE = _l("This passkey answer was made for a different website. Open OneID at its official address and try again.")
_CLONE = _l("This passkey is blocked because it may have been copied. Log in another way, "
            "then remove it in your account and add a new one.")

MESSAGES = {
    "challenge_expired": _TRY_AGAIN,
    "challenge_not_bound": _TRY_AGAIN,
    "challenge_mismatch": _TRY_AGAIN,
    "malformed_response": _UNREADABLE,
    "wrong_ceremony_type": _UNREADABLE,
    "missing_credential_data": _UNREADABLE,
    "credential_id_too_long": _UNREADABLE,
    "invalid_backup_flags": _UNREADABLE,
    "wrong_origin": _NOT_HERE,
    "wrong_rp_id": _NOT_HERE,
    "cross_origin": _NOT_HERE,
    "user_not_present": _l("The passkey did not confirm that you were there. Please try again."),
    "user_not_verified": _l("This step needs your passkey to check that it is you (fingerprint, face or PIN). "
                            "Turn on the screen lock of your device and try again."),
    "attestation_refused": _l("This kind of passkey is not supported. Try another device or password manager."),
    "already_registered": _l("This passkey is already registered."),
    "unknown_credential": _l("This passkey is not registered with OneID (or it was removed). "
                             "Log in another way and add it in your account."),
    "credential_not_allowed": _l("Use a passkey of the account you are logged in with."),
    "wrong_account": _l("This passkey belongs to a different account than the one you are logged in with."),
    "user_handle_missing": _UNREADABLE,
    "user_handle_mismatch": _l("This passkey does not match its account. Remove it from your device and add a new one."),
    "bad_signature": _l("The passkey's signature is not valid. Please try again."),
    "counter_regression": _CLONE,
    "passkey_under_review": _CLONE,
    "passkey_disabled": _l("This passkey is turned off. Log in another way."),
    "account_disabled": _l("This account is blocked. Please contact the support service."),
    "no_passkey": _l("Your account has no passkey yet."),
    "invalid_label": _l("The name can have at most 100 characters."),
    "not_found": _l("This passkey was not found."),
    "last_login_method": _l("This passkey is your only way to log in. Add another way first, then remove it."),
    "login_required": _l("Please log in first."),
    "csrf": _l("The page was open too long or was sent twice. Please reload it and try again."),
    "bad_request": _l("The request was not understood."),
}


def message(code: str) -> str:
    return str(MESSAGES.get(code, MESSAGES["bad_request"]))


# Shown by the browser script for errors that never reach the server.
BROWSER = {
    "cancelled": _l("The passkey request was cancelled or timed out."),
    "unsupported": _l("This browser cannot use passkeys."),
    "exists": _l("This device already has a passkey for your account."),
    "failed": _l("Something went wrong with the passkey. Please try again."),
}
