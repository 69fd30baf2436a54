"""Naming and removing passkeys from the personal cabinet."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.auth.models import Authenticator
from idp.passkeys import credentials
from idp.passkeys.errors import LastLoginMethod, PasskeyError
from idp.passkeys.results import PasskeyResult

# Kinds that cannot log in on their own (recovery codes only restore access).
NOT_A_LOGIN = {"passkey", "recovery"}


def rename_passkey(session: Session, account_id: str, passkey_id: str, label: object) -> PasskeyResult:
    try:
        row = credentials.owned(session, account_id, passkey_id)
        row.label = credentials.clean_label(label)
    except PasskeyError as exc:
        return PasskeyResult(False, exc.code)
    record(session, "passkey.renamed", actor=account_id, subject=account_id, passkey=row.id)
    return PasskeyResult(True, account_id=account_id, passkey_id=row.id)


def _other_login_methods(session: Session, account_id: str, keep: Authenticator) -> bool:
    others = session.scalars(select(Authenticator).where(
        Authenticator.account_id == account_id, Authenticator.id != keep.id,
        Authenticator.disabled.is_(False)))
    return any(row.kind not in NOT_A_LOGIN or (row.kind == credentials.KIND and credentials.usable(row))
               for row in others)


def remove_passkey(session: Session, account_id: str, passkey_id: str) -> PasskeyResult:
    """Delete the passkey; it can no longer log in. A usable passkey that is the
    account's only way to log in stays (remove it after adding another method)."""
    try:
        row = credentials.owned(session, account_id, passkey_id)
        if credentials.usable(row) and not _other_login_methods(session, account_id, row):
            raise LastLoginMethod()
    except PasskeyError as exc:
        return PasskeyResult(False, exc.code)
    record(session, "passkey.removed", actor=account_id, subject=account_id, passkey=row.id,
           was_under_review=bool(row.data.get("review")))
    session.delete(row)
    session.flush()
    return PasskeyResult(True, account_id=account_id, passkey_id=passkey_id)
