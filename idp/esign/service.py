"""E-signature key login: single-use challenges, verification, and the
account behind a certificate. No Flask: views pass in what they read.

A challenge lives 120 seconds in the short-lived state store and is bound to
the browser that asked for it (a random value kept in that browser's signed
session cookie; the store keeps only its SHA-256). Taking it deletes it, so a
challenge is consumed by the first attempt that names it, whatever the
outcome. See docs/esign.md, "The login".
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.auth.levels import AuthEvent
from idp.auth.services import LoginResult, find_account
from idp.esign.cms import MAX_CMS_BYTES
from idp.esign.config import EsignVerifier
from idp.esign.errors import EsignError
from idp.esign.result import EsignResult

log = logging.getLogger(__name__)

CHALLENGE_TTL = 120
KEY_PREFIX = "esign:challenge:"
# base64 of the verifier's DER limit, with room for line breaks and PEM armour
MAX_CMS_TEXT = MAX_CMS_BYTES * 3 // 2
# Failures that are the operator's to fix (stale CRL, responder down), not the user's.
OPERATOR_REASONS = frozenset({"crl_invalid", "ocsp_unavailable", "revocation_unknown"})
CHALLENGE_EXPIRED = "challenge_expired"
NO_ACCOUNT = "no_account"
ACCOUNT_DISABLED = "account_disabled"
OTHER_PERSON = "other_person"


@dataclass(frozen=True)
class Challenge:
    """What the browser signs: the UTF-8 bytes of ``text``."""

    id: str
    text: str
    expires_in: int

    def as_json(self) -> dict:
        return {"id": self.id, "challenge": self.text, "expires_in": self.expires_in}


def binding_hash(binding: str) -> str:
    return hashlib.sha256(binding.encode()).hexdigest()


def esign_event(result: EsignResult) -> AuthEvent:
    """A key login is high on its own (ARCHITECTURE.md, assurance model); a
    legal-entity certificate makes the holder act for the organisation."""
    acting_for = None
    if result.user_type == "L":
        acting_for = {"tin": result.tin, "organisation": result.organisation, "user_type": "L"}
    return AuthEvent(method="esign", amr=tuple(result.amr), level="high", acting_for=acting_for)


class EsignLogin:
    """Issues challenges and turns a signed one into a login result."""

    def __init__(self, state, verifier: EsignVerifier, *, audience: str, ttl: int = CHALLENGE_TTL):
        self.state, self.verifier = state, verifier
        self.audience, self.ttl = audience, ttl

    def issue(self, *, binding: str) -> Challenge:
        """A fresh challenge for the browser identified by ``binding``. The
        text names this service, so a signature made for it means nothing
        to another one."""
        challenge_id = secrets.token_urlsafe(16)
        text = f"{self.audience} login {secrets.token_urlsafe(32)}"
        self.state.put(KEY_PREFIX + challenge_id, {"text": text, "binding": binding_hash(binding)}, self.ttl)
        return Challenge(challenge_id, text, self.ttl)

    def take(self, challenge_id: str, *, binding: str) -> bytes | None:
        """The challenge's bytes, once: None when it is unknown, expired,
        already used or was issued to another browser."""
        if not challenge_id or len(challenge_id) > 64 or not binding:
            return None
        stored = self.state.take(KEY_PREFIX + challenge_id)
        if stored is None:
            return None
        if not hmac.compare_digest(stored.get("binding", ""), binding_hash(binding)):
            return None
        return stored["text"].encode("utf-8")

    def login(self, session: Session, *, challenge_id: str, cms: str, binding: str,
              stepping_up: str | None = None, now: datetime | None = None) -> LoginResult:
        """Check a signed challenge and find the holder's account.

        ``stepping_up`` is the account of the live session this login would
        raise; a key of anyone else is refused rather than replacing it. The
        result carries reason codes only (``idp.esign.ALL_REASONS`` plus
        challenge_expired, no_account, account_disabled, other_person) and
        is safe to log."""
        challenge = self.take(challenge_id, binding=binding)
        if challenge is None:
            return self._failed(session, CHALLENGE_EXPIRED)
        if not cms or len(cms) > MAX_CMS_TEXT:
            return self._failed(session, "malformed", detail="CMS missing or too large")
        try:
            result = self.verifier.verify(cms, expected_challenge=challenge, now=now)
        except EsignError as exc:
            return self._failed(session, exc.reason, detail=exc.detail)
        account = find_account(session, result.pinfl)
        if account is None:
            return self._failed(session, NO_ACCOUNT, user_type=result.user_type)
        if not account.active:
            record(session, "login.refused", actor=account.id, subject=account.id, reason="account_" + account.status)
            return LoginResult(False, ACCOUNT_DISABLED)
        if stepping_up is not None and stepping_up != account.id:
            record(session, "login.esign.failed", actor=account.id, subject=stepping_up, reason=OTHER_PERSON)
            return LoginResult(False, OTHER_PERSON)
        fields = result.log_fields()
        record(session, "login.esign.succeeded", actor=account.id, subject=account.id,
               user_type=result.user_type, certificate_fingerprint=result.certificate_fingerprint,
               signature_algorithm=result.signature_algorithm, revocation_checks=fields["revocation_checks"])
        return LoginResult(True, account_id=account.id, event=esign_event(result),
                           extra={"user_type": result.user_type})

    def _failed(self, session: Session, reason: str, *, detail: str = "", **data) -> LoginResult:
        if reason in OPERATOR_REASONS:
            log.error("e-signature login cannot check revocation: %s (%s)", reason, detail)
        else:
            log.info("e-signature login refused: %s (%s)", reason, detail)
        record(session, "login.esign.failed", reason=reason, **data)
        return LoginResult(False, reason, extra={"operator": reason in OPERATOR_REASONS})
