"""Typed login-flow state for views: the one place that reads the Flask
session's login entries, and the known-device cookie."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import ClassVar

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from idp.auth.levels import AuthEvent
from idp.flowstate import SessionFlow

DEVICE_COOKIE = "idp_dev"


@dataclass
class LoginFlow(SessionFlow):
    """A login between its first and second step, or a code login in progress."""

    KEY: ClassVar[str] = "login_flow"
    TTL: ClassVar[int] = 600

    account_id: str | None = None  # for a code login: None when the identifier named nobody
    first: dict | None = None  # the AuthEvent of a completed first factor
    code_channel: str | None = None

    @property
    def first_event(self) -> AuthEvent | None:
        return AuthEvent(self.first["method"], tuple(self.first["amr"]), self.first["level"]) if self.first else None


def event_dict(event: AuthEvent) -> dict:
    return {"method": event.method, "amr": list(event.amr), "level": event.level}


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def known_device(account_id: str | None) -> str | None:
    """This browser's device id if it has logged in to `account_id` before."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw or not account_id:
        return None
    try:
        data = _serializer().loads(raw)
    except BadSignature:
        return None
    return data.get("d") if account_id in data.get("a", []) else None


def remember_device(response, account_id: str) -> None:
    data = {"d": secrets.token_urlsafe(12), "a": []}
    raw = request.cookies.get(DEVICE_COOKIE)
    if raw:
        try:
            data = _serializer().loads(raw)
        except BadSignature:
            pass
    if account_id not in data["a"]:
        data["a"] = (data["a"] + [account_id])[-5:]
    response.set_cookie(DEVICE_COOKIE, _serializer().dumps(data), max_age=365 * 86400, httponly=True,
                        secure=current_app.config["SESSION_COOKIE_SECURE"], samesite="Lax")
