"""Desk images are deleted after the retention period; the decision stays."""
from __future__ import annotations

import datetime as dt

from consular_citizen import Citizen
from consular_desk import Desk
from consular_people import CITIZENS


def test_images_of_decided_visits_are_purged_after_the_retention_period(app, idp, open_slot, portal, faces_jpeg,
                                                                        passport_of, audit):
    from consular.models import Visit, VisitImage
    from consular.services.retention import purge_visits

    reference, _path = Citizen(app, idp, "zarina@example.org").book("MOW", open_slot("MOW"))
    desk = Desk(portal("officer"))
    visit = desk.arrive(reference)
    desk.record_passport(visit, CITIZENS[5])
    desk.read_chip(visit, passport_of(CITIZENS[5]))
    desk.photo(visit, faces_jpeg["hopper"])
    desk.approve(visit)
    days = idp.settings.biometric_retention_days
    with idp.db.transaction() as s:
        assert s.query(VisitImage).filter_by(visit_id=visit).count() == 2
        assert purge_visits(s, retention_days=days) == {"visits": 0, "images": 0}
        later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days, hours=1)
        assert purge_visits(s, retention_days=days, now=later, dry_run=True) == {"visits": 1, "images": 2}
    with idp.db.transaction() as s:
        assert s.query(VisitImage).filter_by(visit_id=visit).count() == 2  # a dry run deletes nothing
        assert purge_visits(s, retention_days=days, now=later) == {"visits": 1, "images": 2}
    with idp.db.transaction() as s:
        row = s.get(Visit, visit)
        assert s.query(VisitImage).filter_by(visit_id=visit).count() == 0
        assert row.status == "approved" and row.face_match["decision"] == "match" and row.biometrics_purged_at
    page = desk.visit_page(visit)
    assert "No chip portrait" in page and "No photo yet" in page and "Face match" in page
    assert audit("consular.biometrics.purged")[0].data == {"visits": 1, "images": 2}
