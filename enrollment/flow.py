"""The browser's enrollment state: one typed object, the only reader and
writer of the enrollment cookie.

The cookie `idp_enroll` (path /enroll, HttpOnly, SameSite=Lax, Secure over
https) holds the case id, the random browser key whose SHA-256 the case
keeps, while the citizen sets up an authenticator app during activation
that app's new secret, and while resuming on a new device the e-mail
address a code went to, and while a raise of the identity level runs the
query parameters of the login it interrupted (checked again when used).
It is signed with the server secret; it outlives a closed tab (for the
case's lifetime) so a case resumes where it stopped.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "idp_enroll"
PATH = "/enroll"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="enrollment-flow")


@dataclass
class EnrollmentFlow:
    case_id: str | None = None
    key: str | None = None
    totp_secret: str | None = None  # the authenticator app being set up at activation
    resume_email: str | None = None  # the address a resume code was sent to
    back: dict | None = None  # a raise of the level: the login continuation to resume after it (query parameters)

    @classmethod
    def load(cls) -> "EnrollmentFlow | None":
        raw = request.cookies.get(COOKIE)
        if not raw or len(raw) > 1024:
            return None
        try:
            data = _serializer().loads(raw)
            return cls(**data)
        except (BadSignature, TypeError):
            return None

    @property
    def binding(self) -> str:
        """This browser's binding for passkey ceremonies during activation."""
        return "enroll:" + self.key

    def save(self, response, *, max_age: int) -> None:
        response.set_cookie(COOKIE, _serializer().dumps(asdict(self)), max_age=max_age, path=PATH, httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"], samesite="Lax")

    @staticmethod
    def clear(response) -> None:
        response.delete_cookie(COOKIE, path=PATH, secure=current_app.config["SESSION_COOKIE_SECURE"],
                               httponly=True, samesite="Lax")
