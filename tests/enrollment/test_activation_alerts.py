"""Activation is the account's first login: the new account's owner gets no
new-device alert for it (idp/cabinet/alerts.py)."""
from __future__ import annotations

from sqlalchemy import select

from enrollment_journey import Journey
from test_activation import activation_path, set_up_app


def test_activation_on_another_phone_is_not_a_new_device_alert(app, idp, journey, passport, cli, demo):
    from idp.cabinet import alerts
    from idp.config import LOCALES
    from idp.db import utcnow
    from idp.notify.models import OutboxMessage

    journey.through_submit()
    cli("enrollment", "approve", journey.case().id, "--by", "consul-1")
    phone = Journey(app, idp, passport)  # the link opened on another device, which has never logged in
    phone.get(activation_path(journey))
    response, _secret = set_up_app(phone)
    assert response.status_code == 302 and response.headers["Location"].endswith("/enroll/done")
    with app.app_context():
        new_device = {alerts.email_text(locale, alerts.NEW_DEVICE_LOGIN, "UTC", at=utcnow(), user_agent=None)[0]
                      for locale in LOCALES}
    with idp.db.transaction() as s:
        subjects = set(s.scalars(select(OutboxMessage.subject).where(OutboxMessage.recipient == journey.email)))
    assert subjects and not subjects & new_device
