"""The step graph: preconditions, the latest allowed step, and what a
submit clears (pure, no database)."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from enrollment import steps
from enrollment.models import AWAITING_REVIEW, IN_PROGRESS

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def case(**done):
    fields = {f: None for s in steps.STEPS for f in s.fields}
    fields.update(status=IN_PROGRESS, started_at=NOW)
    fields.update({steps.BY_NAME[name].done_field: NOW for name in done.get("steps", ())})
    return SimpleNamespace(**fields)


@pytest.mark.parametrize("done,current", [
    ((), "contact"),
    (("contact",), "document"),
    (("contact", "document"), "chip"),
    (("contact", "document", "chip"), "selfie"),
    (("contact", "document", "chip", "selfie"), "submit"),
    (("contact", "document", "chip", "selfie", "submit"), None),
])
def test_the_current_step_follows_what_is_done(done, current):
    assert steps.current_step(case(steps=done)) == current


def test_a_step_whose_preconditions_fail_sends_back_to_the_current_one():
    c = case(steps=("contact",))
    assert steps.guard(c, "document") is None
    assert steps.guard(c, "chip") == "document"
    assert steps.guard(c, "selfie") == "document"


def test_a_later_step_done_without_its_predecessor_does_not_count():
    # A chip verified and then the document cleared: the selfie is not reachable.
    c = case(steps=("contact", "chip"))
    assert steps.guard(c, "selfie") == "document"
    assert steps.current_step(c) == "document"


def test_done_steps_may_be_revisited_but_only_while_in_progress():
    c = case(steps=("contact", "document", "chip"))
    assert steps.guard(c, "contact") is None and steps.guard(c, "document") is None
    c.status = AWAITING_REVIEW
    assert steps.guard(c, "contact") == "status"


def test_a_submit_clears_every_later_step():
    assert set(steps.fields_to_clear("document")) == {
        "chip_at", "chip_evidence_id", "pinfl", "selfie_at", "selfie_evidence_id", "submitted_at"}
    assert "document_number" in steps.fields_to_clear("contact")
    assert steps.fields_to_clear("submit") == ()


def test_progress_marks_done_current_and_todo():
    marks = dict(steps.progress(case(steps=("contact",))))
    assert marks["contact"] == "done" and marks["document"] == "current" and marks["chip"] == "todo"
