"""A citizen with an account hears when a consular officer opens their
enrollment case: once per officer, case and day however often the page is
opened, naming the consulate and never the officer."""
from __future__ import annotations

from consular_people import CITIZENS, STAFF


def citizen_account(idp, citizen, email, locale="en"):
    from idp.people.services import create_user

    with idp.db.transaction() as s:
        return create_user(s, idp.passwords, pinfl=citizen[0], password="a-long-citizen-password", email=email,
                           locale=locale).id


def test_an_officer_opening_a_case_alerts_the_citizen_once(idp, cases, portal, outbox):
    citizen_account(idp, CITIZENS[1], "shahnoza@example.org")
    case = cases(citizen=CITIZENS[1], email="shahnoza@example.org", purpose="recovery", flags=("account_recovery",))
    officer = portal("officer")
    officer.page(f"/consular/officer/MOW/cases/{case}")
    officer.page(f"/consular/officer/MOW/cases/{case}")
    [(_to, subject, body)] = outbox("shahnoza@example.org")
    assert subject == "A consular officer opened your enrollment case"
    assert "Consulate General of Uzbekistan in Moscow" in body and "http://localhost/" in body
    assert not any(part in body for part in STAFF["officer"][1:3])  # the officer's own name is not given
    portal("officer2").page(f"/consular/officer/MOW/cases/{case}")  # another officer: the citizen hears again
    assert len(outbox("shahnoza@example.org")) == 2


def test_the_alert_is_in_the_citizens_language(idp, cases, portal, outbox):
    citizen_account(idp, CITIZENS[1], "shahnoza@example.org", locale="ru")
    case = cases(citizen=CITIZENS[1], email="shahnoza@example.org", purpose="recovery", flags=("account_recovery",))
    portal("officer").page(f"/consular/officer/MOW/cases/{case}")
    [(_to, subject, _body)] = outbox("shahnoza@example.org")
    assert subject == "Сотрудник консульства открыл вашу заявку на регистрацию"


def test_a_case_without_an_account_is_not_alerted(cases, portal, outbox):
    """Before activation there is no account to take over; the case's own
    e-mails tell the citizen where it stands."""
    case = cases(citizen=CITIZENS[0], email="bekzod@example.org")
    portal("officer").page(f"/consular/officer/MOW/cases/{case}")
    assert outbox("bekzod@example.org") == []
