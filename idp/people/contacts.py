"""Adding and verifying an e-mail address or a phone number (any country).

A new contact is held in the short-lived store until its code is confirmed;
only then does it replace the account's verified one. Phone numbers are
validated and normalised to E.164 with `phonenumbers`."""
from __future__ import annotations

import re

import phonenumbers
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.auth.codes import CodeResult, OneTimeCodes
from idp.people.models import Account

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


class ContactError(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def normalise_email(value: str) -> str:
    value = (value or "").strip()
    if len(value) > 254 or not EMAIL_RE.match(value):
        raise ContactError("email_invalid")
    return value


def normalise_phone(value: str) -> str:
    """E.164 from what a person types: with a + and country code; a number
    without one is read as Uzbek."""
    try:
        number = phonenumbers.parse((value or "").strip(), "UZ")
    except phonenumbers.NumberParseException:
        raise ContactError("phone_invalid") from None
    if not phonenumbers.is_valid_number(number):
        raise ContactError("phone_invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def start(state, codes: OneTimeCodes, account_id: str, channel: str, value: str, deliver) -> CodeResult:
    state.put(f"contact:{account_id}:{channel}", {"value": value}, 600)
    return codes.send(f"verify-{channel}", account_id, channel, deliver)


def confirm(session: Session, state, codes: OneTimeCodes, account: Account, channel: str, code: str) -> CodeResult:
    held = state.get(f"contact:{account.id}:{channel}")
    if held is None:
        return CodeResult(False, "code_expired")
    result = codes.verify(f"verify-{channel}", account.id, channel, code)
    if not result.ok:
        return result
    state.delete(f"contact:{account.id}:{channel}")
    if channel == "email":
        taken = session.scalars(select(Account.id).where(func.lower(Account.email) == held["value"].lower(),
                                                         Account.id != account.id)).first()
        if taken:
            return CodeResult(False, "email_taken")
        account.email, account.email_verified = held["value"], True
    else:
        account.phone, account.phone_verified = held["value"], True
    record(session, f"account.{channel}.verified", actor=account.id, subject=account.id)
    return CodeResult(True)
