"""Values of person claims for one account."""
from __future__ import annotations

from idp.people.models import Account

GENDER = {"M": "male", "F": "female"}


def claim_values(account: Account, names: set[str]) -> dict:
    person = account.person
    doc = person.documents[0] if person.documents else None
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
        "email": account.email,
        "email_verified": bool(account.email and account.email_verified),
        "phone_number": account.phone,
        "phone_number_verified": bool(account.phone and account.phone_verified),
        "document": ({"type": doc.kind, "number": doc.number, "issuing_state": doc.issuing_state,
                      "expiry": doc.expiry_date.isoformat() if doc.expiry_date else None} if doc else None),
    }
    return {k: v for k, v in available.items() if k in names and v not in (None, "")}
