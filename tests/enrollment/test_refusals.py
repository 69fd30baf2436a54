"""Every refusal of the passport route, as the citizen and the reader meet it."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select, update

from nfc.testing import make_passport, tampered

from enrollment.models import ChipEvidence, EnrollmentCase
from enrollment.services.reader import NONCE_PREFIX, TOKEN_PREFIX
from enrollment_doubles import use_engine
from enrollment_journey import HOLDER, Journey, upload_for
from idp.state.models import ShortLivedState


def chip_reads(idp, case_id):
    with idp.db.transaction() as s:
        return [(e.accepted, list(e.reasons)) for e in s.scalars(
            select(ChipEvidence).where(ChipEvidence.case_id == case_id).order_by(ChipEvidence.created_at))]


def refused_with(journey, response, reason):
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["outcome"] == "refused"
    case = journey.case()
    assert case.chip_at is None and case.pinfl is None
    accepted, reasons = chip_reads(journey.idp, case.id)[-1]
    assert not accepted and reason in reasons
    return reasons


@pytest.mark.parametrize("variant", ["altered_dg", "wrong_signer", "unknown_csca", "expired_dsc"])
def test_tampered_chip_data_is_refused(journey, pki, variant):
    journey.through_document()
    forged = tampered(variant, pki, HOLDER).passport
    reasons = refused_with(journey, journey.read_chip(forged), "chip_not_authentic")
    assert reasons == ["chip_not_authentic"]
    page = journey.get("/enroll/chip").get_data(as_text=True)
    assert "could not be confirmed as issued by Uzbekistan" in page
    assert "Readings left: 4." in page


def test_a_cloned_chip_fails_active_authentication(journey, pki):
    journey.through_document()
    clone = tampered("aa_key_mismatch", pki, HOLDER).passport
    assert refused_with(journey, journey.read_chip(clone), "chip_aa_failed") == ["chip_aa_failed"]


def test_active_authentication_over_a_stale_nonce_is_refused(journey):
    journey.through_document()
    journey.chip_page()
    stale = bytes.fromhex(journey.challenge().get_json()["nonce"])
    fresh = bytes.fromhex(journey.challenge().get_json()["nonce"])  # supersedes the first
    assert stale != fresh
    response = journey.upload(upload_for(journey.passport, stale))
    assert refused_with(journey, response, "chip_aa_failed") == ["chip_aa_failed"]


def test_a_signature_over_an_old_nonce_with_the_new_nonce_echoed_is_refused(journey):
    journey.through_document()
    journey.chip_page()
    fresh = bytes.fromhex(journey.challenge().get_json()["nonce"])
    response = journey.upload(upload_for(journey.passport, fresh, sign_nonce=b"\x00" * 8))
    refused_with(journey, response, "chip_aa_failed")


def test_a_chip_of_another_passport_than_the_typed_one_is_refused(journey):
    other = dataclasses.replace(HOLDER, document_number="FA7654321")
    journey.through_document(other)
    reasons = refused_with(journey, journey.read_chip(), "mrz_mismatch")
    assert reasons == ["mrz_mismatch"]
    page = journey.get("/enroll/chip").get_data(as_text=True)
    assert 'href="/enroll/document"' in page


def test_an_expired_passport_is_refused_when_its_dates_are_typed(journey, today):
    expired = dataclasses.replace(HOLDER, date_of_expiry=today - dt.timedelta(days=1))
    journey.start(), journey.contact(), journey.verify_email()
    response = journey.document(expired)
    assert response.status_code == 400
    assert "Your passport has expired" in response.get_data(as_text=True)
    assert journey.case().document_at is None


@pytest.mark.parametrize("change", [dict(nationality="RUS"), dict(issuing_state="KAZ", nationality="KAZ")])
def test_a_passport_that_is_not_uzbek_is_refused(journey, pki, change):
    foreign = dataclasses.replace(HOLDER, **change)
    journey.through_document(foreign)
    refused_with(journey, journey.read_chip(make_passport(pki, foreign)), "not_uzbek_passport")
    page = journey.get("/enroll/chip").get_data(as_text=True)
    assert "Only passports of the Republic of Uzbekistan" in page
    assert "Continue at a consulate" in page and "--token" not in page  # no new reading offered


def test_a_passport_the_register_does_not_know_is_refused(app, idp, passport):
    journey = Journey(app, idp, passport)  # no register entry for the holder
    journey.through_document()
    refused_with(journey, journey.read_chip(), "register_no_match")
    page = journey.get("/enroll/chip").get_data(as_text=True)
    assert "could not find this passport in the population register" in page


def test_a_chip_naming_another_pinfl_than_the_register_is_refused(app, idp, pki):
    from enrollment_journey import register_holder

    register_holder(idp, pinfl="41705901234999")
    journey = Journey(app, idp, make_passport(pki, HOLDER))
    journey.through_document()
    refused_with(journey, journey.read_chip(), "register_pinfl_mismatch")


def test_a_face_that_does_not_match_the_chip_is_refused_and_may_be_retried(app, journey):
    use_engine(app, "mismatch")
    journey.through_document()
    assert journey.read_chip().status_code == 202
    result = journey.selfie().get_json()
    assert result["ok"] and result["outcome"] == "fail" and not result["done"]
    assert result["reasons"] == ["face_mismatch"] and result["attempts_left"] == 2
    assert any("sunglasses" in m for m in result["messages"])
    assert journey.case().selfie_at is None


def test_a_failed_liveness_check_tells_why_and_ends_at_the_consulate(app, journey):
    use_engine(app, "fail")
    journey.through_document()
    journey.read_chip()
    for left in (2, 1, 0):
        result = journey.selfie().get_json()
        assert result["outcome"] == "fail" and result["reasons"] == ["liveness_failed"]
        assert result["attempts_left"] == left
    again = journey.post_json("/enroll/selfie/challenge")
    assert again.status_code == 409 and again.get_json()["error"] == "attempts_exhausted"
    page = journey.get("/enroll/selfie").get_data(as_text=True)
    assert "used every attempt" in page and "/enroll/consular" in page
    journey.post_form("/enroll/consular", {"why": "selfie_attempts"}, page="/enroll/selfie")
    assert journey.case().status == "consular"


def test_frames_sent_again_are_refused_as_a_replay(app, journey):
    use_engine(app, "fail")
    journey.through_document()
    journey.read_chip()
    assert journey.selfie(seed=7).get_json()["reasons"] == ["liveness_failed"]
    replay = journey.selfie(seed=7).get_json()
    assert replay["reasons"] == ["replayed_frames"]


def test_a_replayed_upload_is_refused(app, idp, journey, holder, passport):
    journey.through_document()
    journey.chip_page()
    nonce = bytes.fromhex(journey.challenge().get_json()["nonce"])
    captured = upload_for(passport, nonce)
    assert journey.upload(captured).get_json()["outcome"] == "verified"
    again = journey.upload(captured)  # the same token: used up
    assert again.status_code == 401 and again.get_json()["error"] == "token_invalid"
    # Someone else's case, with its own token and nonce, gets nothing from it either.
    other = Journey(app, idp, passport, email="someone@example.org")
    other.through_document()
    other.chip_page()
    other.challenge()
    refused_with(other, other.upload(captured), "chip_aa_failed")


def test_an_expired_case_token_is_refused(journey, idp):
    journey.through_document()
    journey.chip_page()
    with idp.db.transaction() as s:
        s.execute(update(ShortLivedState).where(ShortLivedState.key.startswith(TOKEN_PREFIX))
                  .values(expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))
    answer = journey.challenge()
    assert answer.status_code == 401 and answer.get_json()["error"] == "token_invalid"
    assert 'Bearer error="invalid_token"' in answer.headers["WWW-Authenticate"]


def test_a_case_token_works_only_for_its_own_case(app, idp, journey, passport):
    journey.through_document()
    journey.chip_page()
    other = Journey(app, idp, passport, email="someone@example.org")
    other.through_document()
    case = other.case()
    answer = journey.api("get", f"/enroll/api/cases/{case.id}/chip/challenge")
    assert answer.status_code == 401


def test_an_expired_nonce_is_refused_and_a_new_challenge_works(journey, idp):
    journey.through_document()
    journey.chip_page()
    nonce = bytes.fromhex(journey.challenge().get_json()["nonce"])
    with idp.db.transaction() as s:
        s.execute(update(ShortLivedState).where(ShortLivedState.key.startswith(NONCE_PREFIX))
                  .values(expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))
    late = journey.upload(upload_for(journey.passport, nonce))
    assert late.status_code == 409 and late.get_json()["error"] == "nonce_expired"
    assert journey.read_chip(token=journey.token).get_json()["outcome"] == "verified"


def test_a_second_enrollment_of_the_same_person_is_refused(app, idp, journey, passport):
    journey.through_document()
    assert journey.read_chip().get_json()["outcome"] == "verified"
    second = Journey(app, idp, passport, email="another@example.org")
    second.through_document()
    refused_with(second, second.read_chip(), "enrollment_in_progress")
    page = second.get("/enroll/chip").get_data(as_text=True)
    assert "Another enrollment for you is already in progress" in page


def test_a_person_with_an_account_cannot_enroll_again(app, idp, demo, pki):
    from idp.people.models import RegisterEntry

    with idp.db.transaction() as s:  # Aziz Karimov, who has an account
        entry = s.get(RegisterEntry, "31503901234567")
        aziz = dataclasses.replace(HOLDER, surname="KARIMOV", given_names="AZIZ", document_number=entry.document_number,
                                   date_of_birth=entry.birth_date, sex="M", personal_number=entry.pinfl)
    journey = Journey(app, idp, make_passport(pki, aziz), email="aziz.abroad@example.org")
    journey.through_document(aziz)
    refused_with(journey, journey.read_chip(), "already_enrolled")
    page = journey.get("/enroll/chip").get_data(as_text=True)
    assert "/enroll/?purpose=recovery" in page


def test_uploads_are_limited_per_case(app, journey, pki):
    app.extensions["enrollment"].config = dataclasses.replace(app.extensions["enrollment"].config, chip_attempts=2)
    journey.through_document()
    forged = tampered("altered_dg", pki, HOLDER).passport
    journey.read_chip(forged)
    journey.read_chip(forged)
    page = journey.get("/enroll/chip").get_data(as_text=True)
    assert "used every attempt" in page and "--token" not in page


def test_malformed_unauthenticated_and_oversized_uploads(journey):
    journey.through_document()
    journey.chip_page()
    case = journey.case()
    url = f"/enroll/api/cases/{case.id}/chip"
    assert journey.http.post(url, json={}).status_code == 401
    journey.challenge()
    bad = journey.upload({"format": "oneid-emrtd-chip/1", "nonce": "00" * 8, "files": {}})
    assert bad.status_code == 400 and bad.get_json()["error"] == "upload_malformed"
    journey.chip_page()
    journey.challenge()
    huge = journey.http.post(url, data=b"{" + b" " * (3 * 1024 * 1024) + b"}",
                             headers={"Content-Type": "application/json", "Authorization": f"Bearer {journey.token}"})
    assert huge.status_code == 413
    with journey.idp.db.transaction() as s:
        assert s.get(EnrollmentCase, case.id).chip_attempts == 0  # none of these was a reading


def test_a_reader_cannot_start_again_once_the_chip_step_is_done(journey):
    journey.through_document()
    journey.chip_page()
    spare = journey.token
    journey.chip_page()
    assert journey.read_chip(token=journey.token).get_json()["outcome"] == "verified"
    late = journey.challenge(spare)
    assert late.status_code == 409 and late.get_json()["error"] == "step_not_allowed"
