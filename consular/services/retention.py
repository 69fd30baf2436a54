"""Deleting desk images (photo, chip portrait) once they are no longer
needed: `IDP_BIOMETRIC_RETENTION_DAYS` after the visit's decision, or after
the visit was opened when it was never decided. The decision, the match
distance and every audit record stay."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.db import utcnow

from consular.models import Visit, VisitImage


def purge_visits(session: Session, *, retention_days: int, now: dt.datetime | None = None,
                 dry_run: bool = False) -> dict:
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=retention_days)
    due = list(session.scalars(select(Visit).where(Visit.biometrics_purged_at.is_(None), or_(
        Visit.decided_at <= cutoff, and_(Visit.decided_at.is_(None), Visit.opened_at <= cutoff)))))
    ids = [v.id for v in due]
    images = session.scalar(select(func.count()).select_from(VisitImage).where(VisitImage.visit_id.in_(ids))) \
        if ids else 0
    if not dry_run and ids:
        session.execute(delete(VisitImage).where(VisitImage.visit_id.in_(ids)))
        for visit in due:
            visit.biometrics_purged_at = now
        record(session, "consular.biometrics.purged", actor="system", visits=len(ids), images=images)
    return {"visits": len(ids), "images": images}
