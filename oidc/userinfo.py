"""Values of person claims for one account."""
from __future__ import annotations

from idp.auth.models import LoginSession
from idp.people.models import Account

GENDER = {"M": "male", "F": "female"}


# Claims that need the login session (and so a read of it), and those that need the identity document.
LOGIN_CLAIMS = frozenset({"user_type", "legal_info", "auth_method"})
DOCUMENT_CLAIMS = frozenset({"document", "pport_no"})

AUTH_METHODS = (("swk", "PKCSMETHOD"), ("hwk", "PKCSMETHOD"), ("otp", "MOBILEMETHOD"), ("sms", "MOBILEMETHOD"))


def _oneid_auth_method(amr: list[str], acting_for: dict | None) -> str:
    """OneID's `auth_method` for the strongest method in this login."""
    if acting_for and {"swk", "hwk"} & set(amr):
        return "LEPKCSMETHOD"
    for value, method in AUTH_METHODS:
        if value in amr:
            return method
    return "LOGINPASSMETHOD"


def claim_values(account: Account, names: set[str], login: LoginSession | None = None) -> dict:
    """Claim values; `login` (the session the tokens came from) supplies
    what belongs to the login rather than the person: the organisation an
    e-signature login acts for, and how the person logged in."""
    if not names:  # an ID token without individually requested claims: nothing to read
        return {}
    person = account.person
    doc = (person.documents[0] if person.documents else None) if names & DOCUMENT_CLAIMS else None
    acting_for = login.acting_for if login is not None and login.acting_for else None
    amr = list(login.amr) if login is not None else []
    available = {
        "name": person.full_name,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "middle_name": person.patronymic,
        "birthdate": person.birth_date.isoformat() if person.birth_date else None,
        "gender": GENDER.get(person.sex or ""),
        "nationality": person.citizenship,
        "pinfl": person.pinfl,
        "residency": person.residency,
        # how the identity was proofed: remote_passport (chip), remote_register_photo (no chip), in_person, ...
        "proofing_method": account.proofing_method,
        "email": account.email,
        # Without an address there is nothing to be verified: the claim is left out.
        "email_verified": bool(account.email_verified) if account.email else None,
        "phone_number": account.phone,
        "phone_number_verified": bool(account.phone_verified) if account.phone else None,
        "document": ({"type": doc.kind, "number": doc.number, "issuing_state": doc.issuing_state,
                      "expiry": doc.expiry_date.isoformat() if doc.expiry_date else None} if doc else None),
        "user_type": "L" if acting_for else "I",
        "legal_info": ({"tin": acting_for.get("tin"), "name": acting_for.get("organisation")} if acting_for else None),
        # OneID's own field names
        "pin": person.pinfl,
        "sur_name": person.family_name,
        "first_name": person.given_name,
        "mid_name": person.patronymic,
        "birth_date": person.birth_date.strftime("%d.%m.%Y") if person.birth_date else None,
        "pport_no": doc.number if doc else None,
        "auth_method": _oneid_auth_method(amr, acting_for) if login is not None else None,
    }
    return {k: v for k, v in available.items() if k in names and v not in (None, "")}
