"""The development outbox page (not registered in production)."""
from flask import Blueprint, render_template
from sqlalchemy import select

from idp.app import services
from idp.notify.models import OutboxMessage

bp = Blueprint("outbox", __name__)


@bp.route("/dev/outbox")
def outbox():
    session = services().db.session
    messages = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.created_at.desc()).limit(50)))
    return render_template("outbox.html", messages=messages)
