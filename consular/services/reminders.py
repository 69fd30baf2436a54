"""Reminder e-mails for upcoming appointments (`idp consular send-reminders`).

Each appointment is claimed before its e-mail is sent (appointments.
claim_reminder), so two schedulers running at once send it once; when the
e-mail cannot be handed over the claim is released and the next run tries
again."""
from __future__ import annotations

import logging

from idp.notify.senders import DeliveryError

from consular import notify
from consular.services import appointments

log = logging.getLogger(__name__)


def send_due(idp, svc, *, within_hours: int) -> dict:
    """Needs an application context (the e-mails are translated)."""
    sent = failed = 0
    with idp.db.transaction() as session:
        due = [a.id for a in appointments.due_reminders(session, within_hours=within_hours)]
    for appointment_id in due:
        with idp.db.transaction() as session:
            appointment = session.get(appointments.Appointment, appointment_id)
            if appointment is None or not appointments.claim_reminder(session, appointment):
                continue
        try:
            notify.reminder(idp.email, appointment, svc.manage_url(appointment))
            sent += 1
        except DeliveryError:
            failed += 1
            log.warning("reminder for appointment %s not delivered; will retry", appointment_id)
            with idp.db.transaction() as session:
                appointments.release_reminder(session, appointment)
    return {"due": len(due), "sent": sent, "failed": failed}
