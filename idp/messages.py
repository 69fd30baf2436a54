"""User-facing texts for service reason codes (services return codes; pages
show these, translated)."""
from flask_babel import lazy_gettext as _l

MESSAGES = {
    "invalid_credentials": _l("The PINFL/e-mail or the password is wrong."),
    "account_disabled": _l("This account is blocked. Please contact the support service."),
    "password_too_short": _l("The password must have at least 8 characters."),
    "password_too_long": _l("The password must have at most 128 characters."),
    "password_common": _l("This password is too common: it appears in lists that attackers try first. "
                          "Choose another; a few unrelated words make a good one."),
    "password_contains_personal": _l("The password must not contain your PINFL, passport number or name."),
    "passwords_differ": _l("The two passwords are not the same."),
    "pinfl_invalid": _l("The PINFL has exactly 14 digits."),
    "register_mismatch": _l("We could not find a citizen with this PINFL, document number and birth date. "
                            "Check them against your passport."),
    "account_exists": _l("An account for this PINFL already exists. Log in, or restore access."),
    "registry_unavailable": _l("The population register is not answering. Please try again in a few minutes."),
    "rate_limited": _l("Too many attempts. Please wait a minute and try again."),
    "csrf": _l("The page was open too long or was sent twice. Please try again."),
    "code_wrong": _l("The code is not right. Check it and try again."),
    "code_expired": _l("The code has expired or was already used. Ask for a new one."),
    "totp_code_used": _l("This code was already used. Wait until your authenticator app shows the next one, then enter it."),
    "code_too_many_tries": _l("Too many wrong codes. Ask for a new code."),
    "code_resend_too_soon": _l("A code was sent a moment ago. You can ask for a new one in %(seconds)d seconds."),
    "code_too_many_sends": _l("Too many codes were sent. Please try again later."),
    "email_invalid": _l("This does not look like an e-mail address."),
    "email_taken": _l("This e-mail address belongs to another account."),
    "phone_invalid": _l("This is not a valid phone number. Write it with the country code, for example +998 90 123 45 67 or +7 912 345 67 89."),
    "delivery_failed": _l("We could not send the code just now. Please try again in a minute."),
}


def message(code: str, seconds: int = 0) -> str:
    text = MESSAGES.get(code)
    if text is None:
        return code
    return str(text) % {"seconds": seconds} if "%(seconds)" in str(text) else str(text)

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
    "user_type": _l("Whether you act for yourself or for an organisation"),
    "legal_info": _l("The organisation you act for (name and TIN)"),
    "pin": _l("PINFL (personal identification number)"),
    "sur_name": _l("Family name"),
    "first_name": _l("Given name"),
    "mid_name": _l("Patronymic"),
    "birth_date": _l("Date of birth"),
    "pport_no": _l("Passport number"),
    "auth_method": _l("How you logged in"),
}

LEVEL_LABELS = {
    "low": _l("low"),
    "substantial": _l("substantial"),
    "high": _l("high"),
}
