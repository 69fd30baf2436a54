"""A notice to the owner after a change to how the account logs in (NIST SP
800-63B 6.1.2.2: by a channel independent of the change), so a takeover does
not go unseen. One of the account alerts (idp/cabinet/alerts.py); called after
the change is committed, and a failed delivery does not undo the change."""
from __future__ import annotations

from idp.cabinet.alerts import CHANGES, changed, verified_email
from idp.people.models import Account

__all__ = ["CHANGES", "tell_owner", "verified_email"]


def tell_owner(account: Account, change: str, *, address: str | None = None) -> None:
    """Alert the owner, in their language, about `change`: at `address` (the
    verified one before an e-mail change), else at the account's verified
    address, else by SMS to its verified phone."""
    changed(account, change, address=address)
