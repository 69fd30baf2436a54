"""Who may use the consular portal, and the officer's short portal session.

An officer's portal session starts only when the officer proves a passkey
with user verification on the portal's own login page; it is kept in the
short-lived state store under the IdP login session's id, with an absolute
lifetime and an idle timeout (`IDP_CONSULAR_SESSION_LIFETIME`,
`IDP_CONSULAR_IDLE_TIMEOUT`). Every portal request runs `check_access`:

1. a live IdP login session (idp.auth.current);
2. an active officer or supervisor role at an active consulate;
3. the login reached level high with a passkey and user verification:
   RFC 8176 `amr` values `hwk` and `user` (docs/passkeys.md, "Assurance");
4. a portal session for this very login session, inside its lifetime and
   idle timeout.
"""
from __future__ import annotations

from dataclasses import dataclass

REQUIRED_AMR = frozenset({"hwk", "user"})
PREFIX = "consular:officer:"
TOUCH_EVERY = 15  # seconds between writes of the last-seen time


@dataclass(frozen=True)
class Access:
    """Safe to log: a code, no personal data."""

    ok: bool
    error: str | None = None


def check_access(*, login, roles, portal_session: dict | None, now: float, expected_lifetime: int,
                 expected_idle: int) -> Access:
    if login is None:
        return Access(False, "login_required")
    if not roles:
        return Access(False, "not_an_officer")
    if not REQUIRED_AMR <= set(login.amr or ()) or login.auth_level != "high":
        return Access(False, "passkey_required")
    if (portal_session is None or portal_session.get("login") != login.id
            or portal_session.get("account") != login.account_id):
        return Access(False, "session_expired")
    if now - float(portal_session["started"]) > expected_lifetime:
        return Access(False, "session_expired")
    if now - float(portal_session["seen"]) > expected_idle:
        return Access(False, "session_expired")
    return Access(True)


class PortalSessions:
    """Officer portal sessions in the state store (database or Redis)."""

    def __init__(self, state, *, lifetime: int, idle: int):
        self.state, self.lifetime, self.idle = state, lifetime, idle

    def start(self, *, login_id: str, account_id: str, now: float) -> dict:
        data = {"login": login_id, "account": account_id, "started": now, "seen": now}
        self.state.put(PREFIX + login_id, data, self.idle)
        return data

    def get(self, login_id: str | None) -> dict | None:
        return self.state.get(PREFIX + login_id) if login_id else None

    def touch(self, data: dict, *, now: float) -> None:
        if now - float(data["seen"]) >= TOUCH_EVERY:
            remaining = int(self.lifetime - (now - float(data["started"])))
            self.state.put(PREFIX + data["login"], {**data, "seen": now}, max(1, min(self.idle, remaining)))

    def end(self, login_id: str) -> None:
        self.state.delete(PREFIX + login_id)
