"""Passkeys (WebAuthn discoverable credentials) with py_webauthn.

Services here import no Flask; `views.py` is the `passkeys` blueprint.

    from idp.passkeys import Ceremonies, RelyingParty, registration_options, register
    rp = RelyingParty.from_settings(idp.settings)
    ceremonies = Ceremonies(idp.state)

See docs/passkeys.md.
"""
from idp.passkeys.authentication import authenticate, authentication_options
from idp.passkeys.ceremonies import Ceremonies, RelyingParty
from idp.passkeys.credentials import PasskeyInfo, count_usable, has_any, list_passkeys
from idp.passkeys.manage import remove_passkey, rename_passkey
from idp.passkeys.registration import register, registration_options
from idp.passkeys.results import CeremonyOptions, PasskeyResult

__all__ = [
    "Ceremonies", "CeremonyOptions", "PasskeyInfo", "PasskeyResult", "RelyingParty", "authenticate",
    "authentication_options", "count_usable", "has_any", "list_passkeys", "register", "registration_options",
    "remove_passkey", "rename_passkey",
]
