"""POST /enroll/document/scan at the route level: an unreadable page is
refused with its reason and leaves nothing behind, the scan reads only for
the browser that holds the case, and each case has its own scan budget."""
from __future__ import annotations

import io
from html import unescape

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from enrollment_journey import Journey, csrf_in
import scan_pages

from enrollment.models import BiometricRecord
from idp.audit.models import AuditEvent

pytestmark = pytest.mark.skipif(scan_pages.mrz_pages.OCRB is None,
                                reason="the OCR-B font (Debian fonts-ocr-b) is not installed")


def at_document_step(journey, route: str = "register_photo"):
    assert journey.start(route=route).status_code == 302
    assert journey.contact().status_code == 302
    assert journey.verify_email().status_code == 302


def post_scan(http, token: str, photo: bytes | None):
    data = {"csrf_token": token}
    if photo is not None:
        data["photo"] = (io.BytesIO(photo), "page.jpg", "image/jpeg")
    return http.post("/enroll/document/scan", data=data, content_type="multipart/form-data")


def scans_recorded(idp) -> list[dict]:
    with idp.db.transaction() as s:
        return [dict(e.data) for e in s.scalars(select(AuditEvent).where(
            AuditEvent.event == "enrollment.document.scanned").order_by(AuditEvent.seq))]


def records_of(idp, case_id: str) -> list[str]:
    with idp.db.transaction() as s:
        return list(s.scalars(select(BiometricRecord.kind).where(BiometricRecord.case_id == case_id)))


@pytest.mark.parametrize("photo,reason,text", [
    (lambda: scan_pages.jpeg(scan_pages.blank_page()), "mrz_not_found",
     "We could not find the two lines of letters and < at the bottom of the page."),
    (lambda: scan_pages.jpeg((scan_pages.framed(scan_pages.flat_page()) * 0.08).astype("uint8")), "too_dark",
     "The photo is too dark."),
])
def test_an_unreadable_page_is_refused_with_its_reason_and_nothing_is_kept(journey, idp, photo, reason, text):
    at_document_step(journey)
    # a readable scan first: what it kept is dropped by the refused one after it
    token = csrf_in(journey.get("/enroll/document").get_data(as_text=True))
    assert post_scan(journey.http, token, scan_pages.page_photo()).status_code == 200
    assert sorted(records_of(idp, journey.case().id)) == ["page_portrait", "page_scan"]

    response = post_scan(journey.http, token, photo())
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert text in html and 'id="scan-type-instead"' in html  # typing is offered instead
    assert 'value="FA1234567"' not in html
    assert scans_recorded(idp)[-1] == {"ok": False, "reasons": [reason], "confidence": 0.0, "portrait": False}
    case = journey.case()
    assert records_of(idp, case.id) == [] and case.document_number is None and case.document_at is None


def test_the_scan_reads_only_for_the_browser_that_started_the_case(app, idp, journey):
    at_document_step(journey)
    case = journey.case()
    other = Journey(app, idp, journey.passport, email="someone@example.org")
    token = csrf_in(other.get("/enroll/").get_data(as_text=True))
    # another browser, without the case's cookie: sent to the start, nothing read
    response = post_scan(other.http, token, scan_pages.page_photo())
    assert response.status_code == 302 and response.headers["Location"].endswith("/enroll/")
    # another browser that knows the case id but not the browser key the case was started with
    with app.app_context():
        forged = URLSafeSerializer(app.config["SECRET_KEY"], salt="enrollment-flow").dumps(
            {"case_id": case.id, "key": "not-the-browser-key", "totp_secret": None, "resume_email": None})
    other.http.set_cookie("idp_enroll", forged, path="/enroll")
    response = post_scan(other.http, token, scan_pages.page_photo())
    assert response.status_code == 302 and response.headers["Location"].endswith("/enroll/")
    assert scans_recorded(idp) == [] and records_of(idp, case.id) == []
    # the browser that started it reads the page
    token = csrf_in(journey.get("/enroll/document").get_data(as_text=True))
    assert post_scan(journey.http, token, scan_pages.page_photo()).status_code == 200
    assert [e["ok"] for e in scans_recorded(idp)] == [True]


def test_scans_are_limited_per_case(journey, idp):
    from enrollment.services.ratelimit import LIMITS

    at_document_step(journey)
    token = csrf_in(journey.get("/enroll/document").get_data(as_text=True))
    budget = LIMITS["scan_case"].count
    for _ in range(budget):
        assert post_scan(journey.http, token, b"not a photo").status_code == 400
    response = post_scan(journey.http, token, scan_pages.page_photo())
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert len(scans_recorded(idp)) == budget  # the refused request was not read
    assert records_of(idp, journey.case().id) == []


def test_on_the_chip_route_the_scan_keeps_nothing(journey, idp):
    at_document_step(journey, route="passport")
    token = csrf_in(journey.get("/enroll/document").get_data(as_text=True))
    response = post_scan(journey.http, token, scan_pages.page_photo())
    assert response.status_code == 200 and 'id="scan-portrait-kept"' not in response.get_data(as_text=True)
    assert records_of(idp, journey.case().id) == []
    assert scans_recorded(idp)[-1]["portrait"] is False
