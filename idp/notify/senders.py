"""`EmailSender` and `SmsSender`: real adapters and development outboxes."""
from __future__ import annotations

import json
import logging
import smtplib
import ssl
import urllib.error
import urllib.request
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import unquote, urlsplit

from idp.db import Database
from idp.notify.models import OutboxMessage

log = logging.getLogger(__name__)


class DeliveryError(RuntimeError):
    """The message could not be handed over; the caller tells the person to retry."""


class EmailSender(Protocol):
    def send(self, to: str, subject: str, body: str) -> None: ...


class SmsSender(Protocol):
    def send(self, to: str, body: str) -> None: ...


def _refuse_in_production(environment: str, what: str) -> None:
    if environment == "production":
        raise RuntimeError(f"the {what} outbox is a development stand-in and is refused in production")


class OutboxEmailSender:
    def __init__(self, database: Database, *, environment: str):
        _refuse_in_production(environment, "e-mail")
        self.database = database

    def send(self, to: str, subject: str, body: str) -> None:
        with self.database.transaction() as s:
            s.add(OutboxMessage(channel="email", recipient=to, subject=subject, body=body))


class OutboxSmsSender:
    def __init__(self, database: Database, *, environment: str):
        _refuse_in_production(environment, "SMS")
        self.database = database

    def send(self, to: str, body: str) -> None:
        with self.database.transaction() as s:
            s.add(OutboxMessage(channel="sms", recipient=to, body=body))


class SmtpEmailSender:
    """SMTP delivery. URL forms: ``smtp://user:pass@host:587`` (STARTTLS when
    the server offers it), ``smtps://host:465`` (implicit TLS)."""

    def __init__(self, url: str, *, sender: str, timeout: float = 10.0):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("IDP_SMTP_URL must look like smtp://user:password@host:port")
        self.scheme, self.host = parts.scheme, parts.hostname
        self.port = parts.port or (465 if parts.scheme == "smtps" else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender, self.timeout = sender, timeout

    def send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(body)
        try:
            if self.scheme == "smtps":
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                        context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with smtp:
                if self.scheme == "smtp" and smtp.has_extn("starttls"):
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("e-mail delivery failed: %s", type(exc).__name__)
            raise DeliveryError("email") from None


class HttpSmsSender:
    """An SMS gateway's JSON API: ``POST {url}`` with ``{"to": E.164, "text": ...}``
    and a bearer token; any 2xx is accepted."""

    def __init__(self, url: str, *, token: str = "", timeout: float = 10.0):
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, to: str, body: str) -> None:
        request = urllib.request.Request(self.url, data=json.dumps({"to": to, "text": body}).encode(),
                                         method="POST", headers={"Content-Type": "application/json"})
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                if not 200 <= response.status < 300:
                    raise DeliveryError("sms")
        except (urllib.error.URLError, OSError) as exc:
            log.warning("SMS delivery failed: %s", type(exc).__name__)
            raise DeliveryError("sms") from None


def make_senders(settings, database: Database) -> tuple[EmailSender, SmsSender | None]:
    if settings.smtp_url:
        email: EmailSender = SmtpEmailSender(settings.smtp_url, sender=settings.mail_from)
    else:
        email = OutboxEmailSender(database, environment=settings.env)
    if settings.sms_gateway_url:
        sms: SmsSender | None = HttpSmsSender(settings.sms_gateway_url, token=settings.sms_gateway_token)
    elif settings.production:
        sms = None  # no SMS in production without a gateway; e-mail and other methods still work
    else:
        sms = OutboxSmsSender(database, environment=settings.env)
    return email, sms
