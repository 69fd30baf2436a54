"""Codes delivered through a real SMTP server (aiosmtpd) and an HTTP SMS gateway."""
import http.server as hs
import json
import re
import socket
import threading

import pytest
from aiosmtpd.controller import Controller

from idp.notify.senders import DeliveryError, HttpSmsSender, SmtpEmailSender

from .conftest import Browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def sms_gateway():
    received = []

    class Gateway(hs.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append((self.headers.get("Authorization"), body))
            self.send_response(202)
            self.end_headers()

    server = hs.HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/send", received
    server.shutdown()


def test_smtp_sender_delivers(smtp_server):
    controller, inbox = smtp_server
    SmtpEmailSender(f"smtp://127.0.0.1:{controller.port}", sender="OneID <no-reply@id.example>").send(
        "citizen@example.com", "Kod", "Sizning kodingiz 123456")
    (rcpt, content), = inbox.messages
    assert rcpt == ["citizen@example.com"] and "123456" in content and "Subject: Kod" in content


def test_smtp_sender_reports_an_unreachable_server():
    with pytest.raises(DeliveryError):
        SmtpEmailSender(f"smtp://127.0.0.1:{free_port()}", sender="x@y.z", timeout=2).send("a@b.c", "s", "b")


def test_sms_gateway_sender(sms_gateway):
    url, received = sms_gateway
    HttpSmsSender(url, token="t0ken").send("+79123456789", "Kod 654321")
    assert received == [("Bearer t0ken", {"to": "+79123456789", "text": "Kod 654321"})]


def test_code_login_by_smtp_end_to_end(smtp_server, settings_overrides, demo):
    from idp.app import create_app

    controller, inbox = smtp_server
    app = create_app({**settings_overrides, "smtp_url": f"smtp://127.0.0.1:{controller.port}"})
    browser = Browser(app.test_client(), app.extensions["idp"])
    browser.form("/login/code", {"action": "request", "identifier": "aziz@example.uz", "channel": "email"})
    (rcpt, content), = inbox.messages
    assert rcpt == ["aziz@example.uz"]
    code = re.search(r"\b(\d{6})\b", content).group(1)
    resp = browser.form("/login/code", {"action": "verify", "code": code}, page="/login/code")
    assert resp.status_code == 302


def test_foreign_phone_verified_by_sms_then_used_as_second_factor(sms_gateway, settings_overrides, demo):
    from idp.app import create_app

    url, received = sms_gateway
    app = create_app({**settings_overrides, "sms_gateway_url": url})
    browser = Browser(app.test_client(), app.extensions["idp"])
    browser.password_login()
    browser.step_up_with_email_code()
    bad = browser.form("/cabinet/security/contact/sms?lang=en", {"value": "12345"}, page="/cabinet/security/")
    assert bad.status_code == 400 and "not a valid phone number" in bad.get_data(as_text=True)
    browser.form("/cabinet/security/contact/sms", {"value": "+7 912 345-67-89"}, page="/cabinet/security/")
    assert received[-1][1]["to"] == "+79123456789"  # E.164
    code = re.search(r"\b(\d{6})\b", received[-1][1]["text"]).group(1)
    done = browser.form("/cabinet/security/contact/sms", {"action": "confirm", "code": code}, page="/cabinet/security/")
    assert done.status_code == 302
    page = browser.http.get("/cabinet/security/").get_data(as_text=True)
    assert "+79123456789 ✓" in page
    # The verified number now offers SMS as a step-up.
    step = browser.form("/login/verify", {"action": "send_sms"})
    assert step.status_code == 302 and received[-1][1]["to"] == "+79123456789"


def test_outbox_refused_in_production(idp):
    from idp.notify.senders import OutboxEmailSender

    with pytest.raises(RuntimeError):
        OutboxEmailSender(idp.db, environment="production")
