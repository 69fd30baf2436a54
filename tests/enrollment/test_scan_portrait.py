"""The register-photo route with the page scan: the portrait cut from the
photo of the data page (where ICAO 9303 TD3 puts it, found from the MRZ)
is kept encrypted for the case, matched with the selfie, and that match
reaches the decision policy; the names read from the MRZ are checked
against the register's. A page showing another face than the selfie, or
other names than the register's, is flagged for the officer."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from enrollment_journey import HOLDER, csrf_in
import scan_pages
from test_register_photo_route import evidence_of, register_check, seed_photo, selfie

from enrollment.models import AWAITING_REVIEW, BiometricRecord, EnrollmentCase, RegisterEvidence
from enrollment.services import register_check as register_service

pytestmark = pytest.mark.skipif(scan_pages.mrz_pages.OCRB is None,
                                reason="the OCR-B font (Debian fonts-ocr-b) is not installed")


def scan_then_confirm(journey, photo: bytes, identity=HOLDER):
    """Register-photo route up to the register check, the document scanned
    from `photo` and confirmed as `identity`."""
    assert journey.start(route="register_photo").status_code == 302
    assert journey.contact().status_code == 302
    assert journey.verify_email().status_code == 302
    token = csrf_in(journey.get("/enroll/document").get_data(as_text=True))
    scanned = journey.http.post("/enroll/document/scan", content_type="multipart/form-data",
                                data={"csrf_token": token, "photo": (io.BytesIO(photo), "page.jpg", "image/jpeg")})
    assert scanned.status_code == 200, scanned.get_data(as_text=True)[-3000:]
    confirmed = journey.document(identity)
    assert confirmed.status_code == 302
    return scanned.get_data(as_text=True)


def kept(idp, case_id: str) -> dict[str, bytes]:
    with idp.db.transaction() as s:
        return {r.kind: r.ciphertext for r in s.scalars(select(BiometricRecord).where(
            BiometricRecord.case_id == case_id))}


def register_evidence(idp, case_id: str) -> RegisterEvidence:
    with idp.db.transaction() as s:
        case = s.get(EnrollmentCase, case_id)
        row = s.get(RegisterEvidence, case.register_evidence_id)
        s.expunge(row)
        return row


def test_the_page_portrait_matches_the_selfie_and_the_names_the_register(app, idp, journey):
    seed_photo(idp, "grace_hopper")
    html = scan_then_confirm(journey, scan_pages.page_photo("grace_hopper"))
    assert 'id="scan-portrait-kept"' in html  # the citizen is told the page photo is kept, and until when
    case = journey.case()
    sealed = kept(idp, case.id)
    assert set(sealed) == {"page_portrait", "page_scan"}
    assert b"\xff\xd8" not in sealed["page_portrait"][:64] and b"TESTOVA" not in sealed["page_scan"]  # encrypted
    cipher = app.extensions["enrollment"].cipher
    with idp.db.transaction() as s:
        portrait = register_service.page_portrait(s, s.get(EnrollmentCase, case.id), cipher)
    assert portrait[:2] == b"\xff\xd8"  # a JPEG of the portrait, opened with the case's key

    assert register_check(journey).status_code == 302
    evidence = register_evidence(idp, case.id)
    assert evidence.mrz_source == "scan"
    assert evidence.register_match["family_name"] is True and evidence.register_match["given_name"] is True
    assert selfie(journey, "grace_hopper").get_json()["done"]
    faces, _ = evidence_of(idp, case.id)
    assert faces["register_photo"]["decision"] == "match" and faces["page_portrait"]["decision"] == "match"
    assert journey.submit().status_code == 302
    case = journey.case()
    assert case.status == AWAITING_REVIEW and case.decision_reasons == ["register_photo_route"] and case.flags == []

    # the officer sees the page portrait beside the register's photo
    from consular.services import evidence as consular_evidence
    from enrollment.services.faces import FaceComparer

    enrollment = app.extensions["enrollment"]
    with idp.db.transaction() as s:
        found = consular_evidence.gather(s, s.get(EnrollmentCase, case.id), cipher=enrollment.cipher,
                                         registry=idp.registry, state=idp.state,
                                         faces=FaceComparer(enrollment.biometrics_settings()).analyzer)
        assert found.page_portrait == portrait and found.register.mrz_source == "scan"


def test_a_page_with_another_face_and_other_names_is_flagged(idp, journey):
    seed_photo(idp, "grace_hopper")  # the register's photo and the selfie are the same person ...
    scan_then_confirm(journey, scan_pages.page_photo("astronaut", given_names="MALIKAXON"))  # ... the page is not
    case = journey.case()
    assert register_check(journey).status_code == 302
    evidence = register_evidence(idp, case.id)
    assert evidence.mrz_source == "scan" and evidence.register_match["given_name"] is False
    assert selfie(journey, "grace_hopper").get_json()["done"]
    faces, _ = evidence_of(idp, case.id)
    assert faces["register_photo"]["decision"] == "match" and faces["page_portrait"]["decision"] == "no_match"
    journey.submit()
    case = journey.case()
    assert case.status == AWAITING_REVIEW
    assert case.decision_reasons == ["register_photo_route", "page_portrait_mismatch", "register_name_mismatch"]
    assert case.flags == ["page_portrait_mismatch", "register_name_mismatch"]


def test_a_page_whose_pinfl_is_not_the_registers_is_refused_at_the_register_check(idp, journey):
    seed_photo(idp, "grace_hopper")
    scan_then_confirm(journey, scan_pages.page_photo("grace_hopper", pinfl="41705901234568"))
    case = journey.case()
    page = register_check(journey)
    assert page.status_code == 400 and "personal number on your passport" in page.get_data(as_text=True)
    with idp.db.transaction() as s:
        evidence = s.scalars(select(RegisterEvidence).where(RegisterEvidence.case_id == case.id)).one()
        assert evidence.reasons == ["register_pinfl_mismatch"] and evidence.register_match["personal_number"] is False
        assert s.get(EnrollmentCase, case.id).register_at is None


def test_the_pinfl_read_from_the_page_is_checked_when_it_is_the_registers(idp, journey):
    seed_photo(idp, "grace_hopper")
    scan_then_confirm(journey, scan_pages.page_photo("grace_hopper"))
    case = journey.case()
    assert register_check(journey).status_code == 302
    assert register_evidence(idp, case.id).register_match["personal_number"] is True


def test_a_scan_of_another_document_than_the_one_confirmed_is_not_used(idp, journey):
    seed_photo(idp, "grace_hopper")
    scan_then_confirm(journey, scan_pages.page_photo("astronaut", number="FA7654321"))  # then HOLDER's is typed
    case = journey.case()
    assert register_check(journey).status_code == 302
    evidence = register_evidence(idp, case.id)
    assert evidence.mrz_source == "form" and "family_name" not in evidence.register_match
    assert set(kept(idp, case.id)) == {"register_photo"}  # the other document's portrait is gone


def test_a_scan_after_the_register_check_is_read_but_not_kept(idp, journey):
    seed_photo(idp, "grace_hopper")
    scan_then_confirm(journey, scan_pages.page_photo("grace_hopper"))
    assert register_check(journey).status_code == 302
    case = journey.case()
    before = kept(idp, case.id)
    # back at the document page, another page is scanned: its portrait must not replace the checked one
    token = csrf_in(journey.get("/enroll/document").get_data(as_text=True))
    again = journey.http.post("/enroll/document/scan", content_type="multipart/form-data", data={
        "csrf_token": token, "photo": (io.BytesIO(scan_pages.page_photo("astronaut")), "page.jpg", "image/jpeg")})
    assert again.status_code == 200 and 'value="FA1234567"' in again.get_data(as_text=True)
    assert kept(idp, case.id) == before
