"""The review queue: routing by country of residence, oldest first, filters
and counts; one consulate never sees another's cases."""
from __future__ import annotations

import re

from consular_people import CITIZENS


def case_ids_in(page: str) -> list[str]:
    return re.findall(r'<tr data-case="([^"]+)"', page)


def count_in(page: str, key: str) -> int:
    return int(re.search(rf'data-count="{key}">(\d+)<', page).group(1))


def test_cases_are_routed_by_the_country_of_residence_or_phone_number_or_to_the_fallback(idp, cases, portal):
    from consular.models import CaseReview

    russia = cases(citizen=CITIZENS[0], email="a@example.org", phone="+79161234567")
    turkey = cases(citizen=CITIZENS[1], email="b@example.org", phone="+905321234567")
    unknown = cases(citizen=CITIZENS[2], email="c@example.org")
    uzbek_phone = cases(citizen=CITIZENS[3], email="d@example.org", phone="+998901234567")
    told = cases(citizen=CITIZENS[4], email="e@example.org", phone="+79161234567", country="TR")
    portal("officer").page("/consular/officer/MOW/queue")  # routes what is new
    with idp.db.transaction() as s:
        routed = {r.case_id: (r.consulate.code, r.country, r.routed_by) for r in s.query(CaseReview)}
    assert routed[russia] == ("MOW", "RU", "phone")
    assert routed[turkey] == ("IST", "TR", "phone")
    assert routed[unknown] == ("MOW", None, "fallback")
    assert routed[uzbek_phone] == ("MOW", None, "fallback")  # a home number says nothing about residence
    assert routed[told] == ("IST", "TR", "residence")  # what the citizen said wins over the phone


def test_the_queue_lists_oldest_first_and_each_consulate_only_its_own(cases, portal):
    newer = cases(citizen=CITIZENS[0], email="a@example.org", phone="+79161234567", submitted_hours_ago=2)
    older = cases(citizen=CITIZENS[1], email="b@example.org", phone="+375291234567", submitted_hours_ago=30)
    turkish = cases(citizen=CITIZENS[2], email="c@example.org", phone="+905321234567", submitted_hours_ago=50)
    moscow = portal("officer").page("/consular/officer/MOW/queue")
    assert case_ids_in(moscow) == [older, newer]
    istanbul = portal("istanbul").page("/consular/officer/IST/queue")
    assert case_ids_in(istanbul) == [turkish]
    officer = portal("officer")
    assert officer.get(f"/consular/officer/MOW/cases/{turkish}").status_code == 404
    assert officer.get(f"/consular/officer/IST/cases/{turkish}").status_code == 404
    assert portal("istanbul").get(f"/consular/officer/IST/cases/{older}").status_code == 404


def test_filters_and_counts(cases, portal, idp):
    target = idp.settings.consular_review_target_hours
    fresh = cases(citizen=CITIZENS[0], email="a@example.org", submitted_hours_ago=1)
    flagged = cases(citizen=CITIZENS[1], email="b@example.org", flags=("face_match_uncertain",),
                    submitted_hours_ago=0.8 * target, distance=0.55, selfie="review")
    overdue = cases(citizen=CITIZENS[2], email="c@example.org", flags=("register_name_mismatch",),
                    submitted_hours_ago=target + 5)
    rejected = cases(citizen=CITIZENS[3], email="d@example.org", rejected=True, submitted_hours_ago=3)
    officer = portal("officer")
    page = officer.page("/consular/officer/MOW/queue")
    assert case_ids_in(page) == [overdue, flagged, fresh]
    counts = {key: count_in(page, key) for key in ("awaiting", "flagged", "overdue", "due_soon", "on_track",
                                                    "auto_rejected")}
    assert counts == {"awaiting": 3, "flagged": 2, "overdue": 1, "due_soon": 1, "on_track": 1, "auto_rejected": 1}
    assert case_ids_in(officer.page("/consular/officer/MOW/queue?flag=any")) == [overdue, flagged]
    assert case_ids_in(officer.page("/consular/officer/MOW/queue?flag=none")) == [fresh]
    assert case_ids_in(officer.page("/consular/officer/MOW/queue?flag=face_match_uncertain")) == [flagged]
    assert case_ids_in(officer.page("/consular/officer/MOW/queue?age=overdue")) == [overdue]
    assert case_ids_in(officer.page("/consular/officer/MOW/queue?age=due_soon")) == [flagged]
    assert case_ids_in(officer.page("/consular/officer/MOW/queue?flag=any&age=on_track")) == []
    auto = officer.page("/consular/officer/MOW/queue?status=auto_rejected")
    assert case_ids_in(auto) == [rejected]
    assert 'id="queue-total">1 cases' in auto


def test_a_supervisor_moves_a_case_to_the_consulate_of_the_citizens_residence(cases, portal, audit):
    case = cases(citizen=CITIZENS[0], email="a@example.org")  # no phone: the fallback (MOW)
    supervisor = portal("supervisor")
    page = supervisor.page(f"/consular/officer/MOW/cases/{case}")
    response = supervisor.action(f"/consular/officer/MOW/cases/{case}/move", {"consulate": "IST"}, page=page)
    assert response.status_code == 302
    assert case_ids_in(supervisor.page("/consular/officer/MOW/queue")) == []
    assert case_ids_in(portal("istanbul").page("/consular/officer/IST/queue")) == [case]
    assert audit("consular.case.moved")[0].data["case"] == case
    officer = portal("officer")  # an officer may not move cases
    assert officer.get(f"/consular/officer/IST/cases/{case}").status_code == 404
