"""User-facing texts for service reason codes (services return codes; pages
show these, translated)."""
from flask_babel import lazy_gettext as _l

MESSAGES = {
    "invalid_credentials": _l("The PINFL/e-mail or the password is wrong."),
    "account_disabled": _l("This account is blocked. Please contact the support service."),
    "password_too_short": _l("The password must have at least 8 characters."),
    "password_too_long": _l("The password must have at most 128 characters."),
    "passwords_differ": _l("The two passwords are not the same."),
    "pinfl_invalid": _l("The PINFL has exactly 14 digits."),
    "register_mismatch": _l("We could not find a citizen with this PINFL, document number and birth date. "
                            "Check them against your passport."),
    "account_exists": _l("An account for this PINFL already exists. Log in, or restore access."),
    "registry_unavailable": _l("The population register is not answering. Please try again in a few minutes."),
    "rate_limited": _l("Too many attempts. Please wait a minute and try again."),
    "csrf": _l("The page was open too long or was sent twice. Please try again."),
}


def message(code: str) -> str:
    return str(MESSAGES.get(code, code))

CLAIM_LABELS = {
    "name": _l("Full name"),
    "given_name": _l("Given name"),
    "family_name": _l("Family name"),
    "middle_name": _l("Patronymic"),
    "birthdate": _l("Date of birth"),
    "gender": _l("Sex"),
    "nationality": _l("Citizenship"),
    "pinfl": _l("PINFL (personal identification number)"),
    "residency": _l("Residency (in Uzbekistan or abroad)"),
    "email": _l("E-mail address"),
    "email_verified": _l("Whether the e-mail address is verified"),
    "phone_number": _l("Phone number"),
    "phone_number_verified": _l("Whether the phone number is verified"),
    "document": _l("Passport number and expiry date"),
}

LEVEL_LABELS = {
    "low": _l("low"),
    "substantial": _l("substantial"),
    "high": _l("high"),
}
