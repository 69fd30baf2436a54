"""Login and security settings in the personal cabinet: password, authenticator
app, recovery codes, e-mail and phone."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from idp.app import services
from idp.auth import factors as f
from idp.auth import sensitive, totp
from idp.auth.current import current_login
from idp.auth.models import Authenticator
from idp.auth.policy import policy_errors
from idp.auth.services import password_of
from idp.audit.log import record
from idp.cabinet import alerts, contact_change
from idp.cabinet.messages import message
from idp.cabinet.notices import tell_owner, verified_email
from idp.cabinet.reauth import require_recent
from idp.notify.senders import DeliveryError
from idp.people import contacts

bp = Blueprint("security", __name__, url_prefix="/cabinet/security")
TOTP_SETUP_KEY = "totp_setup"


def _login():
    login = current_login()
    if login is None:
        abort(redirect(url_for("auth.login")))
    return login


def _page(login, **extra):
    idp = services()
    factors = f.available(idp.db.session, login.account, sms_enabled=idp.sms is not None)
    waiting = {channel: contact_change.pending(idp.state, login.account_id, channel)
               for channel in contact_change.CHANNELS}
    return render_template("cabinet/security.html", account=login.account, factors=factors,
                           has_password=password_of(idp.db.session, login.account_id) is not None,
                           sms_enabled=idp.sms is not None, waiting=waiting, **extra)


@bp.route("/")
def page():
    return _page(_login())


@bp.route("/alerts", methods=["POST"])
def alert_settings():
    """The logged-in owner turns the new-portal alert on or off (security alerts stay on)."""
    login = _login()
    idp = services()
    choice = request.form.get("new_portal")
    if choice not in ("on", "off"):
        return _page(login, error=message("alert_choice_unknown")), 400
    changed = alerts.set_optional(idp.db.session, login.account, alerts.NEW_PORTAL, choice == "on")
    idp.db.session.commit()
    return _page(login, notice=message("alerts_saved") if changed else None)


@bp.route("/password", methods=["POST"])
def change_password():
    idp = services()
    login = _login()
    require_recent(login, sensitive.PASSWORD, back=url_for("security.page"))
    account = login.account
    stored = password_of(idp.db.session, account.id)
    new = request.form.get("new_password", "")[:1024]
    if stored is not None and not idp.passwords.verify(stored.secret, request.form.get("current_password", "")[:1024]):
        return _page(login, error=message("invalid_credentials")), 400
    problems = policy_errors(new, context=(account.person.pinfl, account.person.given_name, account.person.family_name))
    if problems:
        return _page(login, error=message(problems[0])), 400
    if stored is None:
        idp.db.session.add(Authenticator(account_id=account.id, kind="password", secret=idp.passwords.hash(new)))
    else:
        stored.secret = idp.passwords.hash(new)
    record(idp.db.session, "authenticator.password.changed", actor=account.id, subject=account.id)
    idp.db.session.commit()
    tell_owner(account, "password")
    return _page(login, notice=_("Your password was changed."))


@bp.route("/totp", methods=["GET", "POST"])
def totp_setup():
    idp = services()
    login = _login()
    require_recent(login, sensitive.TOTP_ADD, back=url_for("security.totp_setup"))
    if "secret" not in session.get(TOTP_SETUP_KEY, {}):  # kept across reloads until enabled
        session[TOTP_SETUP_KEY] = {"secret": totp.new_secret()}
    secret = session[TOTP_SETUP_KEY]["secret"]
    error = None
    if request.method == "POST" and request.form.get("code"):
        result = f.totp_enroll(idp.db.session, idp.keys.fernet, login.account_id, secret, request.form["code"])
        if result.success:
            session.pop(TOTP_SETUP_KEY, None)
            idp.db.session.commit()
            tell_owner(login.account, "totp_added")
            return redirect(url_for("security.page", done="totp"))
        error = message(result.error)
    label = login.account.email or login.account.person.pinfl
    uri = totp.provisioning_uri(secret, label)
    return render_template("cabinet/totp.html", qr=totp.qr_data_uri(uri), secret=secret, error=error), (400 if error else 200)


@bp.route("/totp/remove", methods=["POST"])
def totp_remove():
    idp = services()
    login = _login()
    require_recent(login, sensitive.TOTP_REMOVE, back=url_for("security.page"))
    f.totp_remove(idp.db.session, login.account_id)
    idp.db.session.commit()
    tell_owner(login.account, "totp_removed")
    return redirect(url_for("security.page"))


@bp.route("/recovery-codes", methods=["POST"])
def recovery_codes():
    idp = services()
    login = _login()
    require_recent(login, sensitive.RECOVERY_CODES, back=url_for("security.page"))
    codes = f.recovery_generate(idp.db.session, idp.mac_key("recovery-codes"), login.account_id)
    idp.db.session.commit()
    tell_owner(login.account, "recovery_codes")
    return render_template("cabinet/recovery_codes.html", codes=codes)


def _send(channel: str, value: str):
    idp = services()

    def deliver(code: str) -> None:
        body = _("Your OneID confirmation code is %(code)s. It is valid for 5 minutes.", code=code)
        if channel == "email":
            idp.email.send(value, _("Confirm your e-mail address"), body)
        else:
            idp.sms.send(value, body)
    return deliver


@bp.route("/contact/<channel>", methods=["POST"])
def contact(channel: str):
    idp = services()
    login = _login()
    if channel not in contact_change.CHANNELS or (channel == "sms" and idp.sms is None):
        abort(404)
    require_recent(login, sensitive.EMAIL if channel == "email" else sensitive.PHONE, back=url_for("security.page"))
    if request.form.get("action") == "confirm":
        before = verified_email(login.account)
        result = contact_change.confirm(idp.db.session, idp.state, idp.codes, login.account, channel,
                                        request.form.get("code", "")[:12])
        idp.db.session.commit()  # the new address, or the record of a failed try
        if result.ok:
            # an e-mail change is told to the address it replaces
            tell_owner(login.account, "email" if channel == "email" else "phone", address=before)
            return redirect(url_for("security.page", done=channel))
        return _page(login, error=message(result.error), confirming=channel), 400
    try:
        value = (contacts.normalise_email if channel == "email" else contacts.normalise_phone)(request.form.get("value", ""))
        result = contact_change.request_code(idp.state, idp.codes, login.account_id, channel, value,
                                             _send(channel, value))
    except contacts.ContactError as exc:
        return _page(login, error=message(exc.code)), 400
    except DeliveryError:
        return _page(login, error=message("delivery_failed")), 400
    if not result.ok:
        waiting = contact_change.pending(idp.state, login.account_id, channel)
        return _page(login, error=message(result.error, result.retry_in),
                     confirming=channel if waiting else None), 400
    return _page(login, confirming=channel)
