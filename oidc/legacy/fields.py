"""The fields of OneID's user-data answer (`one_access_token_identify`),
from the account, its person and the login the token came from.

Fields the register does not hold here (addresses, birth place, passport
issue data, the person's own TIN) are sent as empty strings, as OneID does
for unknown values, so that portals reading every key still work.
"""
from __future__ import annotations

from idp.auth.models import LoginSession
from idp.people.models import Account
from oidc.userinfo import _oneid_auth_method

# which registered scope releases which group of fields
PERSON_SCOPES = {"oneid", "profile", "pinfl"}


def identify_fields(account: Account, login: LoginSession | None, *, user_id: str, scopes: set[str]) -> dict:
    person = account.person
    doc = person.documents[0] if person.documents else None
    acting_for = login.acting_for if login is not None and login.acting_for else None
    amr = list(login.amr) if login is not None else []
    person_ok = bool(scopes & PERSON_SCOPES)
    legal_ok = bool(acting_for) and "legal_entity" in scopes | {"oneid"}
    tin = (acting_for or {}).get("tin") or ""
    org = (acting_for or {}).get("organisation") or ""
    fields = {
        "user_id": user_id,
        "user_type": "L" if acting_for else "I",
        "valid": "true" if account.proofing_method else "false",
        "validation_method": [account.proofing_method.upper()] if account.proofing_method else [],
        "auth_method": _oneid_auth_method(amr, acting_for),
        "sess_id": login.id if login is not None else "",
        "ret_cd": "0",
    }
    if person_ok:
        fields.update({
            "pin": person.pinfl,
            "tin": "",
            "sur_name": person.family_name or "",
            "first_name": person.given_name or "",
            "mid_name": person.patronymic or "",
            "full_name": " ".join(p for p in (person.family_name, person.given_name, person.patronymic) if p),
            "birth_date": person.birth_date.isoformat() if person.birth_date else "",
            "birth_place": "",
            "birth_cntry": "",
            "gd": person.sex or "",
            "natn": "",
            "ctzn": person.citizenship or "",
            "per_adr": "",
            "tem_adr": "",
            "pport_no": doc.number if doc else "",
            "pport_issue_place": "",
            "pport_issue_date": "",
            "pport_expr_date": doc.expiry_date.isoformat() if doc and doc.expiry_date else "",
        })
    fields["email"] = account.email if "email" in scopes and account.email and account.email_verified else ""
    fields["mob_phone_no"] = (account.phone if "phone" in scopes and account.phone and account.phone_verified
                              else "")
    fields["pkcs_legal_tin"] = tin if legal_ok else ""
    fields["legal_info"] = ([{"is_basic": True, "tin": tin, "acron_UZ": org, "le_tin": tin, "le_name": org}]
                            if legal_ok else [])
    return fields


def released(fields: dict) -> list[str]:
    """The person fields actually sent, for the audit log and the citizen's activity."""
    skip = {"user_id", "user_type", "valid", "validation_method", "auth_method", "sess_id", "ret_cd"}
    return sorted(k for k, v in fields.items() if k not in skip and v not in ("", [], None))
