"""E-mails to the citizen, in the language the case was started in."""
from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from enrollment.config import ACTIVATION_TTL_DAYS
from enrollment.messages import message
from enrollment.models import RAISE, EnrollmentCase


def code_email(code: str) -> tuple[str, str]:
    return (_("Your OneID enrollment code"),
            _("Your OneID code is %(code)s. It is valid for 5 minutes. Never tell it to anyone, not even to "
              "someone who says they are from OneID.", code=code))


def activation_url(issuer: str, token: str) -> str:
    return f"{issuer}/enroll/activate/{token}"


def send_decision(email_sender, case: EnrollmentCase, *, issuer: str, activation_token: str | None) -> None:
    """Tell the citizen what happened to their submitted case."""
    if not case.email:
        return
    with force_locale(case.locale):
        if case.status == "approved" and activation_token and case.purpose == RAISE:
            subject = _("Your identity was confirmed")
            body = _("Your identity was confirmed. To raise the identity level of your OneID account, open this "
                     "link within %(days)d days and log in to your account:\n\n%(url)s\n\nYour login methods "
                     "stay as they are.", days=ACTIVATION_TTL_DAYS, url=activation_url(issuer, activation_token))
        elif case.status == "approved" and activation_token:
            subject = _("Your OneID enrollment is approved")
            body = _("Your identity was confirmed. Activate your OneID account within %(days)d days by opening "
                     "this link on your phone:\n\n%(url)s\n\nThere you create a passkey, or a password and an "
                     "authenticator app code.", days=ACTIVATION_TTL_DAYS,
                     url=activation_url(issuer, activation_token))
        elif case.status == "awaiting_review":
            subject = _("We received your OneID enrollment")
            body = _("Thank you. A consular officer will check your enrollment, usually within three working "
                     "days. We will write to you at this address. You can see the status at any time:\n\n%(url)s",
                     url=f"{issuer}/enroll/status")
        elif case.status == "rejected":
            subject = _("Your OneID enrollment was not approved")
            reasons = "\n".join("- " + message(code) for code in case.decision_reasons or [])
            body = _("We could not confirm your identity remotely:\n\n%(reasons)s\n\nYou can enroll in person "
                     "at a consulate of Uzbekistan.", reasons=reasons)
        else:
            return
        email_sender.send(case.email, subject, body)
