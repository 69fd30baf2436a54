import re

import pyotp
import pytest
from sqlalchemy import select

from idp.notify.models import OutboxMessage
from oidc_helpers import csrf_from

PINFL = "31503901234567"
PASSWORD = "demo-password-2026"


class Browser:
    """A Flask test client with form helpers."""

    def __init__(self, http, idp):
        self.http, self.idp = http, idp

    def form(self, path, data, page=None):
        token = csrf_from(self.http.get(page or path).get_data(as_text=True))
        return self.http.post(path, data={**data, "csrf_token": token})

    def password_login(self, identifier=PINFL, password=PASSWORD, path="/login"):
        return self.form(path, {"identifier": identifier, "password": password})

    def last_code(self, channel="email"):
        with self.idp.db.transaction() as s:
            msg = s.scalars(select(OutboxMessage).where(OutboxMessage.channel == channel)
                            .order_by(OutboxMessage.created_at.desc())).first()
        return re.search(r"\b(\d{6})\b", msg.body).group(1)

    def step_up_with_email_code(self):
        """Password + a code to the verified address: the recent substantial login that
        changes to the login methods need (idp/auth/sensitive.py)."""
        self.form("/login/verify", {"action": "send_email"})
        done = self.form("/login/verify", {"action": "email", "code": self.last_code()})
        assert done.status_code == 302, done.get_data(as_text=True)[:300]

    def enable_totp(self):
        if self.http.get("/cabinet/security/totp").status_code == 302:
            self.step_up_with_email_code()
        page = self.http.get("/cabinet/security/totp").get_data(as_text=True)
        secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
        resp = self.form("/cabinet/security/totp", {"code": pyotp.TOTP(secret).now()}, page="/cabinet/security/totp")
        assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
        return secret


@pytest.fixture
def browser(http, idp, demo):
    return Browser(http, idp)
