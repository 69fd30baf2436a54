"""Texts for the cabinet's own reason codes; everything else comes from idp.messages."""
from flask_babel import lazy_gettext as _l

from idp.messages import message as common_message

MESSAGES = {
    "contact_code_pending": _l("We sent a code to another address a moment ago. Enter that code, or ask for "
                               "a code to this address in %(seconds)d seconds."),
    "alerts_saved": _l("Your alert settings are saved."),
    "alert_choice_unknown": _l("Choose whether to receive this alert."),
}


def message(code: str, seconds: int = 0) -> str:
    text = MESSAGES.get(code)
    if text is None:
        return common_message(code, seconds)
    return str(text) % {"seconds": seconds} if "%(seconds)" in str(text) else str(text)
