"""Biometric data at rest: encrypted, bound to its case, deleted after the
decision plus the retention period; scores and reasons stay."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from enrollment.models import BiometricRecord, EnrollmentCase, EnrollmentClaim, SelfieEvidence
from enrollment.services import retention
from enrollment.services.crypto import derive_key, unpack_frames
from enrollment_journey import HOLDER

NOW = dt.datetime.now(dt.timezone.utc)


def records(idp, case_id):
    with idp.db.transaction() as s:
        return {r.kind: r.ciphertext for r in s.scalars(select(BiometricRecord).where(BiometricRecord.case_id == case_id))}


def test_chip_portrait_and_frames_are_stored_encrypted_and_bound_to_their_case(app, idp, journey, passport):
    journey.through_document()
    journey.read_chip()
    journey.selfie()
    case = journey.case()
    stored = records(idp, case.id)
    assert set(stored) == {"chip_portrait", "selfie_frames"}
    from nfc.lds import parse_dg2

    portrait = parse_dg2(passport.files["DG2"]).portrait.image
    assert portrait[:3] == b"\xff\xd8\xff"
    import base64

    from cryptography.fernet import Fernet

    from enrollment.services.crypto import BiometricCipher

    for blob in stored.values():  # neither raw nor merely encoded
        assert portrait[:64] not in blob and base64.b64encode(portrait)[:64] not in blob
        assert base64.urlsafe_b64encode(portrait)[:64] not in blob
    stranger = BiometricCipher.from_config("", lambda: Fernet.generate_key().decode())
    with pytest.raises(ValueError):
        stranger.open(case.id, "chip_portrait", stored["chip_portrait"])
    cipher = app.extensions["enrollment"].cipher
    assert cipher.open(case.id, "chip_portrait", stored["chip_portrait"]) == portrait
    frames = unpack_frames(cipher.open(case.id, "selfie_frames", stored["selfie_frames"]))
    assert len(frames) == 12 and frames[0][1][:3] == b"\xff\xd8\xff"
    with pytest.raises(ValueError):
        cipher.open("another-case", "chip_portrait", stored["chip_portrait"])
    with pytest.raises(ValueError):
        cipher.open(case.id, "selfie_frames", stored["chip_portrait"])


def test_the_biometric_key_is_derived_apart_from_the_key_encryption_key():
    from cryptography.fernet import Fernet

    kek = Fernet.generate_key().decode()
    derived = derive_key(kek)
    assert derived != kek and derive_key(kek) == derived
    Fernet(derived.encode())  # a valid key


def test_biometrics_go_after_the_decision_plus_retention_and_scores_stay(app, idp, journey, cli):
    journey.through_submit()
    case = journey.case()
    cli("enrollment", "reject", case.id, "--reason", "face_mismatch")
    with idp.db.transaction() as s:
        kept = retention.purge(s, retention_days=30, now=NOW + dt.timedelta(days=29))
    assert kept.records_deleted == 0 and records(idp, case.id)
    with idp.db.transaction() as s:
        report = retention.purge(s, retention_days=30, now=NOW + dt.timedelta(days=31))
    assert report.records_deleted == 2 and report.cases_purged == 1
    assert records(idp, case.id) == {}
    with idp.db.transaction() as s:
        assert s.get(EnrollmentCase, case.id).biometrics_purged_at is not None
        selfie = s.scalars(select(SelfieEvidence).where(SelfieEvidence.case_id == case.id)).one()
        assert selfie.outcome == "pass" and selfie.result["engine"] == "test"


def test_an_abandoned_case_expires_frees_the_person_and_loses_its_photos(app, idp, journey, cli):
    journey.through_document()
    journey.read_chip()
    case = journey.case()
    with idp.db.transaction() as s:
        s.execute(update(EnrollmentCase).where(EnrollmentCase.id == case.id)
                  .values(expires_at=NOW - dt.timedelta(minutes=1)))
    dry = cli("enrollment", "purge", "--dry-run", as_json=True)
    assert dry["cases_expired"] == 1 and dry["dry_run"] and records(idp, case.id)
    done = cli("enrollment", "purge", as_json=True)
    assert done["cases_expired"] == 1 and done["records_deleted"] == 1
    with idp.db.transaction() as s:
        assert s.get(EnrollmentCase, case.id).status == "expired"
        assert s.get(EnrollmentClaim, HOLDER.personal_number) is None
    # The browser that held it starts over.
    assert journey.get("/enroll/chip").headers["Location"].endswith("/enroll/status")


def test_an_approved_case_never_activated_expires_with_its_link(idp, journey, cli):
    journey.through_submit()
    case = journey.case()
    cli("enrollment", "approve", case.id)
    with idp.db.transaction() as s:
        report = retention.purge(s, retention_days=30, now=NOW + dt.timedelta(days=15))
    assert report.cases_expired == 1
    with idp.db.transaction() as s:
        assert s.get(EnrollmentCase, case.id).status == "expired"
