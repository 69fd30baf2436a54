"""Enrollment owns its case lifecycle: consular/ changes a case only through
enrollment.services.lifecycle, and the rule for overriding an automatic
rejection is stated once (is_overridable) and used by the queue and the
decisions alike."""
from __future__ import annotations

import datetime as dt
import pathlib
import re

import pytest

from idp.db import utcnow

from enrollment import policy
from enrollment.errors import StepNotAllowed
from enrollment.models import (
    APPROVED,
    AWAITING_REVIEW,
    CONSULAR,
    IN_PROGRESS,
    REJECTED,
    EnrollmentCase,
    EnrollmentClaim,
)
from enrollment.services import lifecycle

CASE_FIELDS = ("status", "route", "decision", "decision_reasons", "decided_at", "decided_by", "flags",
               "activation_token_hash", "submitted_at", "pinfl", "account_id", "activated_at")
CONSULAR_SOURCE = pathlib.Path(__file__).resolve().parents[2] / "consular"


def test_consular_never_writes_enrollment_case_columns():
    assignment = re.compile(r"\bcase\.(%s)\b(\s*,\s*case\.\w+)*\s*=(?!=)" % "|".join(CASE_FIELDS))
    offenders = []
    for path in CONSULAR_SOURCE.rglob("*.py"):
        text = path.read_text()
        for number, line in enumerate(text.splitlines(), 1):
            if (assignment.search(line) or "update(EnrollmentCase" in line or "EnrollmentClaim(" in line
                    or "release_claim" in line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []


def _case(s, *, status=AWAITING_REVIEW, pinfl="41705901234567", decided_by=None, decided_days_ago=0):
    now = utcnow()
    case = EnrollmentCase(purpose="enroll", route="passport", status=status, browser_key_hash="0" * 64,
                          created_at=now, updated_at=now, expires_at=now + dt.timedelta(days=30), pinfl=pinfl,
                          decided_by=decided_by, decided_at=now - dt.timedelta(days=decided_days_ago)
                          if decided_by else None, flags=[], decision_reasons=[])
    s.add(case)
    s.flush()
    return case


def test_send_to_consulate_closes_a_case_in_review_and_frees_the_person(idp):
    with idp.db.transaction() as s:
        case = _case(s)
        s.add(EnrollmentClaim(pinfl=case.pinfl, case_id=case.id))
        s.flush()
        lifecycle.send_to_consulate(s, case, by="officer:x")
        assert (case.status, case.route, case.decided_by) == (CONSULAR, "consular", "officer:x")
        assert s.get(EnrollmentClaim, case.pinfl) is None


@pytest.mark.parametrize("transition", ["approve", "reject", "send_to_consulate"])
def test_reviewer_transitions_take_only_cases_in_review(idp, transition):
    with idp.db.transaction() as s:
        case = _case(s, status=IN_PROGRESS)
        kwargs = {"reasons": ()} if transition == "reject" else {}
        with pytest.raises(StepNotAllowed):
            getattr(lifecycle, transition)(s, case, by="officer:x", **kwargs)
        assert case.status == IN_PROGRESS


def test_which_automatic_rejections_may_be_overridden(idp):
    with idp.db.transaction() as s:
        recent = _case(s, status=REJECTED, decided_by="policy", decided_days_ago=1)
        old = _case(s, status=REJECTED, decided_by="policy", decided_days_ago=lifecycle.OVERRIDE_DAYS + 1,
                    pinfl="41705901234568")
        unknown = _case(s, status=REJECTED, decided_by="policy", pinfl=None)
        by_officer = _case(s, status=REJECTED, decided_by="officer:x", pinfl="41705901234569")
        assert [lifecycle.is_overridable(c) for c in (recent, old, unknown, by_officer)] == [True, False, False,
                                                                                                False]
        from sqlalchemy import select

        found = set(s.scalars(select(EnrollmentCase.id).where(lifecycle.overridable_clause())))
        assert recent.id in found and not {old.id, unknown.id, by_officer.id} & found
        from consular.services import queue

        assert [queue.routable(c) for c in (recent, old, unknown)] == [True, False, False]


def test_override_approves_and_holds_the_person_again(idp):
    with idp.db.transaction() as s:
        case = _case(s, status=REJECTED, decided_by="policy", decided_days_ago=1)
        token = lifecycle.override(s, case, by="officer:x")
        assert token and case.status == APPROVED and case.decision_reasons == ["rejection_overridden"]
        assert s.get(EnrollmentClaim, case.pinfl).case_id == case.id


def test_override_refused_while_another_open_case_holds_the_person(idp):
    with idp.db.transaction() as s:
        other = _case(s, status=IN_PROGRESS)
        s.add(EnrollmentClaim(pinfl=other.pinfl, case_id=other.id))
        case = _case(s, status=REJECTED, decided_by="policy", decided_days_ago=1)
        with pytest.raises(lifecycle.OverrideRefused) as refused:
            lifecycle.override(s, case, by="officer:x")
        assert refused.value.code == "enrollment_in_progress" and case.status == REJECTED


def test_policy_decision_is_recorded_by_the_lifecycle(idp):
    with idp.db.transaction() as s:
        case = _case(s, status=IN_PROGRESS)
        s.add(EnrollmentClaim(pinfl=case.pinfl, case_id=case.id))
        s.flush()
        assert lifecycle.decide(s, case, policy.Decision(policy.REJECT, ("selfie_missing",)), by="policy") is None
        assert case.status == REJECTED and lifecycle.is_overridable(case)
        assert s.get(EnrollmentClaim, case.pinfl) is None


def test_the_case_page_of_the_register_photo_route_speaks_in_sentences(app, idp, cases, portal):
    """The route, the register's photo beside the page portrait and the best
    frame, and each check and face match as a sentence."""
    from consular_people import CITIZENS

    from enrollment.models import BiometricRecord, RegisterEvidence
    from idp.registry.photos import sample_portrait

    case_id = cases(citizen=CITIZENS[0], email="bekzod@example.org", images=True)
    cipher = app.extensions["enrollment"].cipher
    with idp.db.transaction() as s:
        case = s.get(EnrollmentCase, case_id)
        evidence = RegisterEvidence(case_id=case.id, accepted=True, reasons=[], mrz_source="form",
                                    register_match={"found": True, "expiry_date": True, "citizenship": True,
                                                    "photo": True},
                                    face_match={"register_photo": {"decision": "review", "distance": 0.55,
                                                                   "threshold": 0.5, "review_threshold": 0.6}})
        s.add(evidence)
        s.flush()
        s.add(BiometricRecord(case_id=case.id, kind="register_photo", evidence_id=evidence.id,
                              media_type="image/jpeg",
                              ciphertext=cipher.seal(case.id, "register_photo", sample_portrait("grace_hopper"))))
        case.route, case.register_evidence_id, case.register_at = "register_photo", evidence.id, case.chip_at
        case.chip_at = case.chip_evidence_id = None
    page = portal("officer").page(f"/consular/officer/MOW/cases/{case_id}?lang=en")
    assert "no chip was read" in page and 'id="register-photo"' in page and 'id="best-frame"' in page
    assert "No portrait was taken from a page scan." in page
    assert "The expiry date is the one the register holds." in page
    assert "entered or confirmed the passport details in the passport form" in page
    assert "The faces may match: compare them yourself." in page and "distance 0.550" in page
    assert 'id="chip-report"' not in page
    ru = portal("officer").page(f"/consular/officer/MOW/cases/{case_id}?lang=ru")
    assert "Лица, возможно, совпадают" in ru
