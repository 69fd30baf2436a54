"""A notice to the owner's verified e-mail address after a change to how the
account logs in (NIST SP 800-63B 6.1.2.2: by a channel independent of the
change), so a takeover does not go unseen. Sent after the change is
committed; a failed delivery does not undo the change."""
from __future__ import annotations

import logging

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from idp.app import services
from idp.config import LOCALES
from idp.notify.senders import DeliveryError
from idp.people.models import Account

log = logging.getLogger(__name__)

CHANGES = {
    "password": _l("The password was set or changed."),
    "totp_added": _l("An authenticator app was set up."),
    "totp_removed": _l("The authenticator app was turned off."),
    "recovery_codes": _l("New recovery codes were made; the old ones no longer work."),
    "passkey_added": _l("A passkey was added."),
    "passkey_removed": _l("A passkey was removed."),
    "email": _l("The e-mail address was changed; this address no longer receives codes."),
    "phone": _l("A phone number was confirmed."),
}


def tell_owner(account: Account, change: str, *, address: str | None = None) -> None:
    """E-mail the owner, in their language, about `change`: at `address` (the
    verified one before an e-mail change), else at the account's verified address."""
    address = address or verified_email(account)
    if not address:
        return
    with force_locale(account.locale if account.locale in LOCALES else "uz"):
        subject = _("Your OneID login settings were changed")
        body = _("Your OneID account was changed: %(change)s If this was not you, log in, change your password "
                 "and check your login methods, or contact the support service.", change=str(CHANGES[change]))
    try:
        services().email.send(address, subject, body)
    except DeliveryError:
        log.warning("notice %s not delivered", change)


def verified_email(account: Account) -> str | None:
    return account.email if account.email and account.email_verified else None
