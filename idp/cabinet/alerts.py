"""Alerts to the citizen about their account, by e-mail in their language, or
by SMS to a verified phone when the account has no verified e-mail address.

    new_device_login      a login from a browser that never logged in to the account
    new_portal            a portal receives the person's data for the first time
    login_method_changed  a password, authenticator app, passkey or recovery codes changed
    contact_changed       the e-mail address or phone number changed
    officer_viewed_case   a consular officer opened the citizen's enrollment case

Each says what happened in words (the device as "Chrome on Android", and
the place the login came from when the offline place database knows it:
"Chrome on Android, near Berlin, Germany", never the address; the
portal's name, the consulate, the time on the citizen's clock) and what to do
if it was not them, with a link to the cabinet built from the issuer setting.

`schedule` sends after the request's commit (`idp.db.after_commit`), so an
action rolled back alerts nobody; `send` is for code already past its commit.
A failed delivery is logged without personal data and never undoes anything.
An alert given `once` goes out at most once per key and period across every
instance: the key is claimed atomically in the short-lived state store.
Security alerts (a new device, a login method, a contact, the identity
level, an officer opening a case) cannot be turned off; the owner may turn
off the new-portal alert in the cabinet (`set_optional`)."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from idp.app import services
from idp.audit.log import record
from idp.audit.models import AuditEvent
from idp.config import LOCALES
from idp.db import after_commit, utcnow
from idp.formatting import datetime_human
from idp.links import external_url
from idp.notify.senders import DeliveryError
from idp.people.models import Account

log = logging.getLogger(__name__)

NEW_DEVICE_LOGIN = "new_device_login"
NEW_PORTAL = "new_portal"
LOGIN_METHOD_CHANGED = "login_method_changed"
CONTACT_CHANGED = "contact_changed"
OFFICER_VIEWED_CASE = "officer_viewed_case"
KINDS = (NEW_DEVICE_LOGIN, NEW_PORTAL, LOGIN_METHOD_CHANGED, CONTACT_CHANGED, OFFICER_VIEWED_CASE)
SECURITY = frozenset({NEW_DEVICE_LOGIN, LOGIN_METHOD_CHANGED, CONTACT_CHANGED, OFFICER_VIEWED_CASE})  # always on
OPTIONAL = {NEW_PORTAL: "alert_new_portal"}  # the alerts the owner may turn off: the account's column for each
DAY = 86400

CHANGES = {
    "password": _l("The password was set or changed."),
    "totp_added": _l("An authenticator app was set up."),
    "totp_removed": _l("The authenticator app was turned off."),
    "recovery_codes": _l("New recovery codes were made; the old ones no longer work."),
    "passkey_added": _l("A passkey was added."),
    "passkey_removed": _l("A passkey was removed."),
    "email": _l("The e-mail address was changed; this address no longer receives codes."),
    "phone": _l("A phone number was confirmed."),
    "identity_level": _l("Your identity was verified again and the account's identity level was raised."),
}
CONTACT_CHANGES = ("email", "phone")


@dataclass(frozen=True)
class Recipient:
    email: str | None  # a verified address
    phone: str | None  # a verified number, used only without an e-mail address
    locale: str


def verified_email(account: Account) -> str | None:
    return account.email if account.email and account.email_verified else None


def recipient_of(account: Account, *, address: str | None = None) -> Recipient:
    """The account's verified channels; `address` instead of its e-mail (the
    one an e-mail change replaced)."""
    return Recipient(email=address or verified_email(account),
                     phone=account.phone if account.phone and account.phone_verified else None,
                     locale=account.locale if account.locale in LOCALES else "uz")


def schedule(db_session, recipient: Recipient, kind: str, *, once: str | None = None, once_for: int = DAY,
             **facts) -> None:
    """Send the alert right after `db_session` commits."""
    at = facts.pop("at", None) or utcnow()

    def effect() -> None:
        try:
            send(recipient, kind, once=once, once_for=once_for, at=at, **facts)
        except Exception as exc:  # the action is committed: its response must not fail
            log.warning("alert %s not sent: %s", kind, type(exc).__name__)
    after_commit(db_session, effect)


def send(recipient: Recipient, kind: str, *, once: str | None = None, once_for: int = DAY, **facts) -> bool:
    """Send the alert now; False when there is no channel, it went out already
    (`once`) or delivery failed."""
    if kind not in KINDS:
        raise ValueError(kind)
    if not recipient.email and not recipient.phone:
        return False
    idp = services()
    if once is not None and not idp.state.add(f"alert:{kind}:{once}", {"at": utcnow().isoformat()}, once_for):
        return False
    facts.setdefault("at", utcnow())
    try:
        if recipient.email:
            subject, body = email_text(recipient.locale, kind, idp.settings.timezone, **facts)
            idp.email.send(recipient.email, subject, body)
        elif idp.sms is not None:
            idp.sms.send(recipient.phone, sms_text(recipient.locale, kind, idp.settings.timezone, **facts))
        else:
            return False
    except DeliveryError:
        log.warning("alert %s not delivered", kind)
        return False
    return True


def _what(kind: str, when: str, facts: dict) -> str:
    from idp.cabinet.device_text import device_label, place_label
    from idp.cabinet.places import Place

    if kind == NEW_DEVICE_LOGIN:
        device = device_label(facts.get("user_agent"))
        where = place_label(Place.from_dict(facts.get("place")))
        if where:
            device = _("%(device)s, near %(place)s", device=device, place=where)
        return _("Someone logged in to your OneID account on %(time)s from %(device)s.", time=when, device=device)
    if kind == NEW_PORTAL:
        return _("%(portal)s received your data from OneID for the first time on %(time)s.",
                 portal=facts["portal"], time=when)
    if kind in (LOGIN_METHOD_CHANGED, CONTACT_CHANGED):
        return _("Your OneID account was changed on %(time)s: %(change)s", time=when, change=str(CHANGES[facts["change"]]))
    return _("An officer of %(consulate)s opened your enrollment case on %(time)s.",
             consulate=facts["consulate"], time=when)


def _subject(kind: str) -> str:
    return {
        NEW_DEVICE_LOGIN: _("New login to your OneID account"),
        NEW_PORTAL: _("A new service received your OneID data"),
        LOGIN_METHOD_CHANGED: _("Your OneID login settings were changed"),
        CONTACT_CHANGED: _("Your OneID login settings were changed"),
        OFFICER_VIEWED_CASE: _("A consular officer opened your enrollment case"),
    }[kind]


def _react(kind: str, cabinet: str) -> str:
    if kind == OFFICER_VIEWED_CASE:
        return _("This is part of the review of your case; every opening is listed in your cabinet: %(url)s. "
                 "If you did not ask OneID or a consulate for anything, contact the support service.", url=cabinet)
    if kind == NEW_PORTAL:
        return _("Not you? End all sessions at %(url)s, change your password and withdraw the service's access "
                 "there.", url=cabinet)
    return _("Not you? End all sessions at %(url)s and change your password. If you cannot log in, contact the "
             "support service.", url=cabinet)


def email_text(locale: str, kind: str, zone: str, *, at: dt.datetime, **facts) -> tuple[str, str]:
    with force_locale(locale):
        when = datetime_human(at, locale, zone)
        return _subject(kind), _what(kind, when, facts) + "\n\n" + _react(kind, external_url("cabinet.home"))


def sms_text(locale: str, kind: str, zone: str, *, at: dt.datetime, **facts) -> str:
    with force_locale(locale):
        when = datetime_human(at, locale, zone)
        return _("OneID: %(what)s Not you? %(url)s", what=_what(kind, when, facts), url=external_url("cabinet.home"))


# What each alert is about, for the places that notice it.

def new_device_login(db_session: Session, account: Account, *, user_agent: str | None, place=None) -> None:
    """`place`: the idp.cabinet.places.Place of the login's address, if known
    (its city and country go into the alert; the address never does)."""
    schedule(db_session, recipient_of(account), NEW_DEVICE_LOGIN, user_agent=user_agent,
             place=place.as_dict() if place is not None else None)


def had_login_before(db_session: Session, account_id: str, *, besides: str) -> bool:
    """Whether the account logged in before the session `besides`: its very
    first login (right after registration or activation) is no news to the owner."""
    from idp.auth.models import LoginSession

    return db_session.scalars(select(LoginSession.id).where(
        LoginSession.account_id == account_id, LoginSession.id != besides).limit(1)).first() is not None


def new_portal(db_session: Session, account: Account, *, client_id: str, portal: str) -> None:
    """Alert when no earlier authorization for `client_id` is on record for
    the account (OpenID Connect and the OneID facade both end in one)."""
    earlier = db_session.scalars(select(AuditEvent.seq).where(
        AuditEvent.subject == account.id, AuditEvent.event == "oidc.authorized",
        AuditEvent.actor == client_id).limit(1)).first()
    if earlier is None and wanted(account, NEW_PORTAL):
        schedule(db_session, recipient_of(account), NEW_PORTAL, portal=portal, once=f"{account.id}:{client_id}")


def wanted(account: Account, kind: str) -> bool:
    """Whether the owner receives `kind`: security alerts always, the others as they chose."""
    column = OPTIONAL.get(kind)
    return column is None or bool(getattr(account, column))


def set_optional(db_session: Session, account: Account, kind: str, on: bool) -> bool:
    """The owner turns an optional alert on or off; True when it changed.
    ValueError for a security alert (those cannot be turned off)."""
    column = OPTIONAL.get(kind)
    if column is None:
        raise ValueError(kind)
    if bool(getattr(account, column)) == on:
        return False
    setattr(account, column, on)
    record(db_session, "account.alert_preference", actor=account.id, subject=account.id, alert=kind, on=on)
    return True


def officer_viewed_case(db_session: Session, account: Account, *, case_id: str, officer_id: str,
                        consulate: str) -> None:
    """At most one alert per case, officer and day, however often the page is opened."""
    schedule(db_session, recipient_of(account), OFFICER_VIEWED_CASE, consulate=consulate,
             once=f"{case_id}:{officer_id}")


def changed(account: Account, change: str, *, address: str | None = None) -> bool:
    """A login method or contact changed; called after the change is committed."""
    kind = CONTACT_CHANGED if change in CONTACT_CHANGES else LOGIN_METHOD_CHANGED
    return send(recipient_of(account, address=address), kind, change=change)
