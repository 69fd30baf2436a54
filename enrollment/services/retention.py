"""Retention: close abandoned cases and delete biometric data that is no
longer needed (`idp enrollment purge`, run daily from cron or a timer).

* An unfinished case expires `IDP_ENROLLMENT_CASE_LIFETIME_DAYS` after its
  last activity; an approved case that was never activated expires when its
  activation link does.
* Chip portraits and selfie frames are deleted `IDP_BIOMETRIC_RETENTION_DAYS`
  after the decision (approval, rejection), after the switch to the consular
  route, and at once for a withdrawn or expired case. Scores, reason codes
  and the chip report stay with the case.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from idp.audit.log import record
from idp.db import utcnow

from enrollment.config import ACTIVATION_TTL_DAYS
from enrollment.models import (
    APPROVED,
    CONSULAR,
    EXPIRED,
    IN_PROGRESS,
    WITHDRAWN,
    BiometricRecord,
    EnrollmentCase,
)
from enrollment.services.cases import delete_biometrics, expire


@dataclass(frozen=True)
class PurgeReport:
    cases_expired: int
    cases_purged: int
    records_deleted: int

    def as_dict(self) -> dict:
        return {"cases_expired": self.cases_expired, "cases_purged": self.cases_purged,
                "records_deleted": self.records_deleted}


def purge(session: Session, *, retention_days: int, now: dt.datetime | None = None,
          dry_run: bool = False) -> PurgeReport:
    now = now or utcnow()
    stale = list(session.scalars(select(EnrollmentCase).where(or_(
        and_(EnrollmentCase.status == IN_PROGRESS, EnrollmentCase.expires_at <= now),
        and_(EnrollmentCase.status == APPROVED,
             EnrollmentCase.decided_at <= now - dt.timedelta(days=ACTIVATION_TTL_DAYS))))))
    if not dry_run:
        for case in stale:
            expire(session, case)
        session.flush()
    cutoff = now - dt.timedelta(days=retention_days)
    with_data = select(BiometricRecord.case_id).distinct()
    due = list(session.scalars(select(EnrollmentCase).where(
        EnrollmentCase.id.in_(with_data),
        or_(EnrollmentCase.status.in_((WITHDRAWN, EXPIRED)),
            and_(EnrollmentCase.decided_at.is_not(None), EnrollmentCase.decided_at <= cutoff),
            and_(EnrollmentCase.status == CONSULAR, EnrollmentCase.updated_at <= cutoff)))))
    deleted = 0
    for case in due:
        if dry_run:
            deleted += len(session.scalars(select(BiometricRecord.id).where(
                BiometricRecord.case_id == case.id)).all())
            continue
        count = delete_biometrics(session, case)
        deleted += count
        record(session, "enrollment.biometrics.purged", subject=case.id, records=count)
    return PurgeReport(len(stale), len(due), deleted)
