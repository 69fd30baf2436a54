"""TOTP (RFC 6238) with pyotp: 30-second steps, one step of drift either way,
and each time step accepted at most once per authenticator."""
from __future__ import annotations

import time

import pyotp
import segno

ISSUER_NAME = "OneID"


def new_secret() -> str:
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, label: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=label, issuer_name=ISSUER_NAME)


def qr_data_uri(uri: str) -> str:
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def already_used(secret: str, code: str, *, last_step: int | None, at: float | None = None) -> bool:
    """Whether `code` is right for a step that was already accepted (RFC 6238
    section 5.2: a code is never accepted twice), so the person can be told to
    wait for the next one."""
    if last_step is None:
        return False
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    totp = pyotp.TOTP(secret)
    current = int((time.time() if at is None else at) // totp.interval)
    return len(code) == 6 and any(totp.verify(code, for_time=step * totp.interval)
                                  for step in (current - 1, current, current + 1) if step <= last_step)


def matching_step(secret: str, code: str, *, last_step: int | None, at: float | None = None) -> int | None:
    """The time step the code belongs to, if valid and newer than `last_step`."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if at is None else at
    current = int(now // totp.interval)
    for step in (current - 1, current, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if totp.verify(code, for_time=step * totp.interval):
            return step
    return None
