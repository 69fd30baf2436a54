"""The decision policy (pure): reject, review with flags, or approve."""
from __future__ import annotations

import pytest

from enrollment.policy import APPROVE, REJECT, REVIEW, CaseEvidence, decide

CLEAN = dict(purpose="enroll", chip_accepted=True, selfie_outcome="pass")


@pytest.mark.parametrize("auto,outcome,reasons", [
    (False, REVIEW, ("manual_review_required",)),
    (True, APPROVE, ()),
])
def test_a_clean_case_is_reviewed_until_auto_approval_is_enabled(auto, outcome, reasons):
    decision = decide(CaseEvidence(**CLEAN), auto_approve=auto)
    assert (decision.outcome, decision.reasons, decision.flags) == (outcome, reasons, ())


@pytest.mark.parametrize("change,flags", [
    (dict(selfie_outcome="review", selfie_reasons=("face_match_uncertain",)), ("face_match_uncertain",)),
    (dict(selfie_outcome="review", selfie_reasons=("reference_unusable",)), ("reference_unusable",)),
    (dict(chip_warnings=("register_name_mismatch",)), ("register_name_mismatch",)),
    (dict(chip_warnings=("chip_crl_missing",)), ("chip_crl_missing",)),
    (dict(purpose="recovery"), ("account_recovery",)),
])
def test_anything_borderline_goes_to_an_officer_even_with_auto_approval(change, flags):
    decision = decide(CaseEvidence(**{**CLEAN, **change}), auto_approve=True)
    assert decision.outcome == REVIEW and decision.flags == flags and decision.reasons == flags


@pytest.mark.parametrize("change,reasons", [
    (dict(chip_accepted=False, chip_reasons=("chip_not_authentic",)), ("chip_not_authentic",)),
    (dict(chip_accepted=False), ("chip_not_verified",)),
    (dict(selfie_outcome="fail", selfie_reasons=("face_mismatch",)), ("face_mismatch",)),
    (dict(selfie_outcome=None), ("selfie_missing",)),
])
def test_a_failed_check_is_rejected_whatever_the_setting(change, reasons):
    for auto in (False, True):
        decision = decide(CaseEvidence(**{**CLEAN, **change}), auto_approve=auto)
        assert decision.outcome == REJECT and decision.reasons == reasons
