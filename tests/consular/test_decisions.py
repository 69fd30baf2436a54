"""Decisions on remote cases: approve, reject with a reason the citizen reads
in their language, ask for a consular visit; four eyes for flagged cases and
overrides; decisions are final, audited and e-mailed."""
from __future__ import annotations

import pytest

from consular_people import CITIZENS, STAFF


def case_status(idp, case_id):
    from enrollment.models import EnrollmentCase

    with idp.db.transaction() as s:
        return s.get(EnrollmentCase, case_id).status


def decide(browser, case_id, action, data=None, *, code="MOW"):
    page = browser.page(f"/consular/officer/{code}/cases/{case_id}")
    return browser.action(f"/consular/officer/{code}/cases/{case_id}/{action}", data, page=page)


def test_an_unflagged_case_is_approved_by_one_officer(idp, cases, portal, outbox, audit):
    case = cases(citizen=CITIZENS[0], email="bekzod@example.org", locale="en")
    officer = portal("officer")
    assert decide(officer, case, "approve").status_code == 302
    assert case_status(idp, case) == "approved"
    [(to, subject, body)] = outbox("bekzod@example.org")
    assert subject == "Your OneID enrollment is approved" and "/enroll/activate/" in body
    [decided] = audit("consular.case.decided")
    assert decided.subject == case and decided.actor == officer_id(idp, "officer")
    assert decided.data["outcome"] == "approved" and decided.data["role"] == "officer"
    page = officer.page(f"/consular/officer/MOW/cases/{case}")
    assert 'id="decision-outcome"' in page and 'id="approve"' not in page


def test_the_activation_link_in_the_e_mail_opens_enrollment_activation(app, idp, cases, portal, outbox):
    case = cases(citizen=CITIZENS[0], email="bekzod@example.org")
    decide(portal("officer"), case, "approve")
    [(_to, _subject, body)] = outbox("bekzod@example.org")
    link = next(word for word in body.split() if "/enroll/activate/" in word)
    citizen = app.test_client()
    response = citizen.get(link.replace("http://localhost", ""))
    assert response.status_code in (200, 302)
    assert case_status(idp, case) == "approved"


def test_a_rejection_tells_the_citizen_why_in_their_language(idp, cases, portal, outbox, audit):
    case = cases(citizen=CITIZENS[1], email="shahnoza@example.org", locale="ru")
    response = decide(portal("officer"), case, "reject", {"reason": "face_mismatch", "note": "Фото размыто."})
    assert response.status_code == 302
    assert case_status(idp, case) == "rejected"
    [(_to, subject, body)] = outbox("shahnoza@example.org")
    assert subject == "Ваша регистрация в OneID не одобрена"
    assert "не совпадает" in body and "Фото размыто." in body and "/consular/book" in body
    assert audit("consular.case.decided")[0].data["reason"] == "face_mismatch"
    from enrollment.models import EnrollmentCase

    with idp.db.transaction() as s:
        assert s.get(EnrollmentCase, case).decision_reasons == ["consular_face_mismatch"]


def test_a_rejection_needs_a_known_reason(idp, cases, portal):
    case = cases(citizen=CITIZENS[1], email="shahnoza@example.org")
    assert decide(portal("officer"), case, "reject", {"reason": "because"}).status_code == 400
    assert case_status(idp, case) == "awaiting_review"


def test_asking_for_a_consular_visit_closes_the_case_on_the_consular_route(idp, cases, portal, outbox):
    from enrollment.models import EnrollmentClaim

    case = cases(citizen=CITIZENS[2], email="rustam@example.org", locale="uz")
    assert decide(portal("officer"), case, "visit", {"note": ""}).status_code == 302
    assert case_status(idp, case) == "consular"
    with idp.db.transaction() as s:
        assert s.get(EnrollmentClaim, CITIZENS[2][0]) is None  # the person may enrol at the desk
    [(_to, subject, body)] = outbox("rustam@example.org")
    assert "konsullik" in subject.lower() and "/consular/book" in body


def test_decisions_are_final(idp, cases, portal):
    case = cases(citizen=CITIZENS[0], email="bekzod@example.org")
    officer = portal("officer")
    decide(officer, case, "reject", {"reason": "other"})
    assert decide(officer, case, "approve").status_code == 409
    assert decide(portal("supervisor"), case, "visit", {"note": ""}).status_code == 409
    assert case_status(idp, case) == "rejected"


def test_a_flagged_case_needs_a_supervisor_as_the_second_approver(idp, cases, portal, outbox, audit):
    case = cases(citizen=CITIZENS[3], email="kamola@example.org", flags=("face_match_uncertain",), selfie="review",
                 distance=0.56)
    officer, colleague, supervisor = portal("officer"), portal("officer2"), portal("supervisor")
    assert decide(officer, case, "approve").status_code == 302
    assert case_status(idp, case) == "awaiting_review" and outbox("kamola@example.org") == []
    assert 'id="first-approval"' in officer.page(f"/consular/officer/MOW/cases/{case}")
    # the same officer cannot take the second role
    response = decide(officer, case, "approve")
    assert response.status_code == 403 and "another person" in response.get_data(as_text=True)
    # another officer who is not a supervisor cannot either
    assert decide(colleague, case, "approve").status_code == 403
    assert decide(colleague, case, "reject", {"reason": "other"}).status_code == 403
    assert case_status(idp, case) == "awaiting_review"
    # a supervisor confirms
    assert decide(supervisor, case, "approve").status_code == 302
    assert case_status(idp, case) == "approved"
    [first] = audit("consular.case.first_approval")
    [final] = audit("consular.case.decided")
    assert first.actor == officer_id(idp, "officer") and final.actor == officer_id(idp, "supervisor")
    assert final.data["first_approval_by"] == first.actor and final.data["role"] == "supervisor"
    assert len(outbox("kamola@example.org")) == 1


def test_a_supervisor_alone_cannot_approve_a_flagged_case_twice(idp, cases, portal):
    case = cases(citizen=CITIZENS[3], email="kamola@example.org", flags=("register_name_mismatch",))
    supervisor = portal("supervisor")
    decide(supervisor, case, "approve")
    assert decide(supervisor, case, "approve").status_code == 403
    assert case_status(idp, case) == "awaiting_review"
    assert decide(portal("supervisor2"), case, "approve").status_code == 302
    assert case_status(idp, case) == "approved"


def test_a_supervisor_may_reject_after_a_first_approval(idp, cases, portal):
    case = cases(citizen=CITIZENS[3], email="kamola@example.org", flags=("face_match_uncertain",))
    decide(portal("officer"), case, "approve")
    assert decide(portal("supervisor"), case, "reject", {"reason": "face_mismatch"}).status_code == 302
    assert case_status(idp, case) == "rejected"


def test_overriding_an_automatic_rejection_needs_four_eyes(idp, cases, portal, outbox):
    from enrollment.models import EnrollmentClaim

    case = cases(citizen=CITIZENS[4], email="otabek@example.org", rejected=True)
    officer = portal("officer")
    assert f'data-case="{case}"' in officer.page("/consular/officer/MOW/queue?status=auto_rejected")
    assert decide(officer, case, "approve").status_code == 302
    assert case_status(idp, case) == "rejected"
    assert decide(officer, case, "approve").status_code == 403
    assert decide(portal("supervisor"), case, "approve").status_code == 302
    assert case_status(idp, case) == "approved"
    with idp.db.transaction() as s:
        assert s.get(EnrollmentClaim, CITIZENS[4][0]).case_id == case  # one open enrollment per person again
    assert "/enroll/activate/" in outbox("otabek@example.org")[0][2]


@pytest.mark.parametrize("action", ["approve", "reject", "visit"])
def test_nobody_decides_on_their_own_enrollment(idp, cases, portal, action):
    """A supervisor whose own recovery case reaches the queue cannot decide it."""
    from consular_people import PASSWORD  # noqa: F401  (the staff's accounts exist)

    staff = STAFF["officer2"]
    citizen = (staff[0], staff[2], staff[1], "1988-04-03", "M", "FA1000099")
    from idp.people.models import RegisterEntry
    import datetime as dt

    with idp.db.transaction() as s:
        s.add(RegisterEntry(pinfl=staff[0], family_name=staff[2], given_name=staff[1], patronymic=None,
                            birth_date=dt.date(1988, 4, 3), sex="M", citizenship="UZB", document_number="FA1000099",
                            document_expiry=dt.date(2032, 1, 31)))
    case = cases(citizen=citizen, email="own@example.org", purpose="recovery")
    response = decide(portal("officer2"), case, action, {"reason": "other", "note": ""})
    assert response.status_code == 409
    assert case_status(idp, case) == "awaiting_review"


def officer_id(idp, who: str) -> str:
    from idp.auth.services import find_account

    with idp.db.transaction() as s:
        return find_account(s, STAFF[who][0]).id
