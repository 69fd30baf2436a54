"""Ending everything an account's old authenticators opened, for a recovery:
every login session at the IdP (with back-channel logout to the relying
parties they were used at) and every token issued to them.

The IdP's service container does it (`Idp.revoke_account`), through the hook
the OpenID Provider registers, so enrollment needs no OpenID Provider import.
"""
from __future__ import annotations


def end_everything(idp, account_id: str) -> None:
    idp.revoke_account(account_id)
