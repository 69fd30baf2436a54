"""Reading an e-mail address or a phone number (any country) as a person types it.

Phone numbers are validated and normalised to E.164 with `phonenumbers`.
Changing an account's address, confirmed by a code bound to that address, is
`idp.cabinet.contact_change`."""
from __future__ import annotations

import re

import phonenumbers

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
