"""An officer's review of a case that raises the identity level of an
existing account: the queue and the case page say so, and the approval
e-mail asks the citizen to log in to their account, not to create a new
login method."""
from __future__ import annotations

from consular_people import CITIZENS


def as_raise_case(idp, case_id: str) -> None:
    from enrollment.models import RAISE, EnrollmentCase

    with idp.db.transaction() as s:
        s.get(EnrollmentCase, case_id).purpose = RAISE


def test_an_officer_sees_a_raise_and_its_approval_mail_keeps_the_login_methods(idp, cases, portal, outbox):
    case = cases(citizen=CITIZENS[0], email="bekzod@example.org", locale="en")
    as_raise_case(idp, case)
    officer = portal("officer")
    assert "Higher identity level for an account" in officer.page("/consular/officer/MOW/queue?lang=en")
    page = officer.page(f"/consular/officer/MOW/cases/{case}?lang=en")
    assert "Higher identity level for an account" in page
    assert officer.action(f"/consular/officer/MOW/cases/{case}/approve", None, page=page).status_code == 302
    [(_to, subject, body)] = outbox("bekzod@example.org")
    assert subject == "Your identity was confirmed"
    assert "raise the identity level" in body and "/enroll/activate/" in body and "passkey" not in body
