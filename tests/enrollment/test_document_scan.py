"""Step "document" by camera: a photo of the passport page posted to
/enroll/document/scan fills the document form for confirmation; a photo
that cannot be read says what to change; the photo is never stored."""
from __future__ import annotations

import os
import re
import sys

import numpy as np
import pytest
from sqlalchemy import select

from enrollment_journey import HOLDER, csrf_in

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docscan"))

import mrz_pages  # noqa: E402

pytestmark = pytest.mark.skipif(mrz_pages.OCRB is None, reason="the OCR-B font (Debian fonts-ocr-b) is not installed")


def holder_page(seed: int = 3, **change) -> bytes:
    values = dict(surname=HOLDER.surname, given_names=HOLDER.given_names, number=HOLDER.document_number,
                  birth=HOLDER.date_of_birth.strftime("%y%m%d"), expiry=HOLDER.date_of_expiry.strftime("%y%m%d"),
                  sex=HOLDER.sex, pinfl=HOLDER.personal_number)
    values.update(change)
    rng = np.random.default_rng(seed)
    return mrz_pages.photograph(mrz_pages.draw_page(mrz_pages.Identity(**values), rng), rng, guided=True).data


def at_document_step(journey):
    assert journey.start().status_code == 302
    assert journey.contact().status_code == 302
    assert journey.verify_email().status_code == 302


def scan(journey, photo: bytes | None, *, token: str | None = None):
    html = journey.get("/enroll/document").get_data(as_text=True)
    data = {"csrf_token": token if token is not None else csrf_in(html)}
    if photo is not None:
        import io

        data["photo"] = (io.BytesIO(photo), "page.jpg", "image/jpeg")
    return journey.http.post("/enroll/document/scan", data=data, content_type="multipart/form-data")


def test_the_document_page_offers_the_scan_with_camera_and_gallery(journey):
    at_document_step(journey)
    html = journey.get("/enroll/document").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and 'accept="image/*"' in html and 'capture="environment"' in html
    assert re.search(r"enrollment/scan[.\w]*\.js", html) and 'id="scan-video"' in html


def test_a_scanned_page_fills_the_form_and_the_citizen_confirms_it(journey, idp):
    at_document_step(journey)
    response = scan(journey, holder_page())
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:3000]
    assert 'value="FA1234567"' in html and 'value="1990-05-17"' in html
    assert f'value="{HOLDER.date_of_expiry.isoformat()}"' in html
    assert "TESTOVA" in html and "MALIKA" in html and "41705901234567" in html
    # Nothing is taken on trust from the scan: the form is submitted as typed fields.
    assert journey.case().document_number is None
    form = dict(number="FA1234567", number_digit="3", birth_date="1990-05-17", birth_digit="8",
                expiry_date=HOLDER.date_of_expiry.isoformat(),
                expiry_digit=mrz_pages.check_digit(HOLDER.date_of_expiry.strftime("%y%m%d")))
    assert journey.post_form("/enroll/document", form).headers["Location"].endswith("/enroll/chip")
    assert journey.case().document_number == "FA1234567"
    from idp.audit.models import AuditEvent

    with idp.db.transaction() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.event == "enrollment.document.scanned")).one()
        assert event.data["ok"] is True and "FA1234567" not in str(event.data)


@pytest.mark.parametrize("lang,text", [
    ("en", "This is not an Uzbek passport."),
    ("ru", "Это не паспорт Узбекистана."),
    ("uz", "Bu O‘zbekiston pasporti emas."),
])
def test_a_foreign_passport_is_refused_in_the_citizens_language(app, idp, holder, passport, lang, text):
    from enrollment_journey import Journey

    journey = Journey(app, idp, passport, lang=lang)
    at_document_step(journey)
    response = scan(journey, holder_page(issuing_state="KAZ", nationality="KAZ"))
    assert response.status_code == 400
    assert text in response.get_data(as_text=True)


@pytest.mark.parametrize("photo,text", [
    (b"not an image at all", "This file is not a photo we can open."),
    (None, "Choose or take a photo of the page first."),
])
def test_a_file_that_is_no_photo_is_a_clear_error(journey, photo, text):
    at_document_step(journey)
    response = scan(journey, photo)
    assert response.status_code == 400 and text in response.get_data(as_text=True)


def test_a_dark_photo_asks_for_light(journey):
    from PIL import Image
    import io

    at_document_step(journey)
    pixels = np.asarray(Image.open(io.BytesIO(holder_page())), np.float32) * 0.05
    noise = np.random.default_rng(1).normal(0, 2.5, pixels.shape)
    dark = mrz_pages.encode(np.clip(pixels + noise, 0, 255).astype(np.uint8), 85)
    response = scan(journey, dark)
    assert response.status_code == 400 and "The photo is too dark." in response.get_data(as_text=True)


def test_the_scan_needs_the_csrf_token_and_the_step(journey):
    assert journey.start().status_code == 302
    token = csrf_in(journey.get("/enroll/contact").get_data(as_text=True))
    response = journey.http.post("/enroll/document/scan", data={"csrf_token": token},
                                 content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].endswith("/enroll/contact")  # e-mail first
    assert journey.contact().status_code == 302 and journey.verify_email().status_code == 302
    assert scan(journey, holder_page(), token="forged").status_code == 400


def test_an_oversized_upload_is_refused_before_it_is_read(journey):
    at_document_step(journey)
    from enrollment.services.scan import MAX_SCAN_UPLOAD

    assert scan(journey, b"\xff\xd8\xff" + b"0" * MAX_SCAN_UPLOAD).status_code == 413
