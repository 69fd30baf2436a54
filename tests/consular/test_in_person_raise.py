"""An in-person visit by someone who still uses their account: the officer
records it as a raise of the identity level, not a recovery. The approval
raises the level (never lowers it) and keeps every login method and session;
no activation code exists for it; four eyes as for any visit."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from consular_desk import Desk
from consular_people import CITIZENS, PASSWORD
from consular_portal import csrf_in

OTABEK = CITIZENS[4]
EMAIL = "otabek@example.org"


def account_state(idp, pinfl=OTABEK[0]):
    """(identity level, proofing method, authenticator ids, live login session ids)."""
    from idp.auth.models import Authenticator, LoginSession
    from idp.auth.services import find_account

    with idp.db.transaction() as s:
        account = find_account(s, pinfl)
        methods = sorted(s.scalars(select(Authenticator.id).where(Authenticator.account_id == account.id)))
        sessions = sorted(s.scalars(select(LoginSession.id).where(LoginSession.account_id == account.id,
                                                                  LoginSession.ended_at.is_(None))))
        return account.identity_level, account.proofing_method, methods, sessions


def account_id(idp, pinfl=OTABEK[0]) -> str:
    from idp.auth.services import find_account

    with idp.db.transaction() as s:
        return find_account(s, pinfl).id


@pytest.fixture
def otabek(app, idp, world):
    """Otabek has an account at level low (password, verified e-mail) and is logged in on his phone."""
    from idp.people.services import create_user

    with idp.db.transaction() as s:
        account = create_user(s, idp.passwords, pinfl=OTABEK[0], password=PASSWORD, given_name=OTABEK[2],
                              family_name=OTABEK[1], email=EMAIL, identity_level="low")
        account.locale = "en"
    phone = app.test_client()
    page = phone.get("/login?lang=en").get_data(as_text=True)
    response = phone.post("/login", data={"identifier": OTABEK[0], "password": PASSWORD, "csrf_token": csrf_in(page)})
    assert response.status_code == 302
    return phone


def walk_in(officer) -> str:
    page = officer.page("/consular/officer/MOW/desk?lang=en")
    response = officer.http.post("/consular/officer/MOW/visits", data={"csrf_token": csrf_in(page), "locale": "en"})
    return response.headers["Location"].rsplit("/", 1)[-1]


def checked_visit(desk, faces_jpeg, *, photo="hopper") -> str:
    visit = walk_in(desk.officer)
    assert desk.record_passport(visit, OTABEK).status_code == 302
    assert desk.photo(visit, faces_jpeg[photo]).status_code == 302
    return visit


def test_a_raise_keeps_login_methods_and_sessions_and_alerts_the_owner(idp, otabek, portal, faces_jpeg, audit,
                                                                       outbox):
    before = account_state(idp)
    assert before[0] == "low" and before[2] and before[3]
    desk = Desk(portal("officer"))
    visit = checked_visit(desk, faces_jpeg)
    page = desk.visit_page(visit)
    assert 'data-purpose="recovery"' in page and 'id="purpose-raise"' in page  # recovery stays the default
    assert "Its identity level now: low." in page
    assert desk.post(visit, "purpose", {"purpose": "raise"}).status_code == 302
    page = desk.visit_page(visit)
    assert 'data-purpose="raise"' in page and "Approve and raise the identity level" in page
    response = desk.post(visit, "approve", {"purpose": "raise"})
    assert response.status_code == 302 and not response.headers["Location"].endswith("/code")
    level, method, methods, sessions = account_state(idp)
    assert (level, method) == ("high", "in_person")
    assert methods == before[2] and sessions == before[3]  # nothing replaced, nobody logged out
    assert "This login reaches level" in otabek.get("/?lang=en").get_data(as_text=True)  # still logged in
    assert 'id="visit-raised"' in desk.visit_page(visit)
    # no code exists, and none can be printed for this visit
    assert audit("consular.activation_code.issued") == []
    assert desk.post(visit, "code").status_code == 409
    assert audit("consular.activation_code.issued") == []
    # audited under his account, and he is told
    [raised] = audit("account.identity_level_raised")
    assert raised.subject == account_id(idp) and raised.data["before"] == "low"
    assert raised.data["after"] == "high" and raised.data["method"] == "in_person" and raised.data["visit"] == visit
    purpose = audit("consular.visit.purpose")[0].data
    assert (purpose["visit"], purpose["purpose"], purpose["previous"]) == (visit, "raise", "recovery")
    assert audit("consular.visit.approved")[0].data["purpose"] == "raise"
    subjects = [s for _to, s, _b in outbox(EMAIL)]
    assert "Your OneID login settings were changed" in subjects
    body = [b for _to, s, b in outbox(EMAIL) if s == "Your OneID login settings were changed"][-1]
    assert "identity level was raised" in body
    assert not [s for _to, s, _b in outbox(EMAIL) if "consulate" in s.lower()]  # no "activate with the code"


def test_a_recovery_still_replaces_login_methods(idp, otabek, portal, faces_jpeg):
    """The default for a person with an account is unchanged: a code is printed."""
    desk = Desk(portal("officer"))
    visit = checked_visit(desk, faces_jpeg)
    code = desk.printed_code(desk.post(visit, "approve", {"purpose": "recovery"}))
    assert len(code) == 19
    assert account_state(idp)[0] == "low"  # nothing changes before the citizen activates


def test_an_account_already_high_cannot_be_raised(idp, otabek, portal, faces_jpeg):
    from idp.auth.services import find_account

    with idp.db.transaction() as s:
        find_account(s, OTABEK[0]).identity_level = "high"
    desk = Desk(portal("officer"))
    visit = checked_visit(desk, faces_jpeg)
    page = desk.visit_page(visit)
    assert 'id="raise-not-needed"' in page
    assert desk.post(visit, "purpose", {"purpose": "raise"}).status_code == 409
    assert desk.post(visit, "purpose", {"purpose": "enroll"}).status_code == 409
    assert 'data-purpose="recovery"' in desk.visit_page(visit)


def test_a_person_without_an_account_has_no_choice(idp, world, portal, faces_jpeg):
    desk = Desk(portal("officer"))
    visit = walk_in(desk.officer)
    desk.record_passport(visit, CITIZENS[3])
    assert 'id="purpose-form"' not in desk.visit_page(visit)
    assert desk.post(visit, "purpose", {"purpose": "raise"}).status_code == 409


def test_the_purpose_shown_is_the_purpose_approved(idp, otabek, portal, faces_jpeg):
    """An officer whose page still says recovery cannot approve a visit another officer set to raise."""
    desk = Desk(portal("officer"))
    visit = checked_visit(desk, faces_jpeg)
    Desk(portal("officer2")).post(visit, "purpose", {"purpose": "raise"})
    assert desk.post(visit, "approve", {"purpose": "recovery"}).status_code == 409
    assert account_state(idp)[0] == "low"
    assert 'data-status="open"' in desk.visit_page(visit)


def test_a_flagged_raise_needs_a_supervisor_and_its_purpose_is_then_fixed(idp, otabek, portal, passport_of,
                                                                          faces_jpeg, audit):
    desk = Desk(portal("officer"))
    visit = walk_in(desk.officer)
    desk.record_passport(visit, OTABEK)
    desk.read_chip(visit, passport_of(OTABEK))
    desk.photo(visit, faces_jpeg["astronaut"])
    assert 'data-flag="face_no_match"' in desk.visit_page(visit)
    desk.post(visit, "purpose", {"purpose": "raise"})
    assert desk.post(visit, "approve", {"purpose": "raise"}).status_code == 302  # the first approval
    assert account_state(idp)[0] == "low"
    assert desk.post(visit, "approve", {"purpose": "raise"}).status_code == 403  # not twice by one officer
    assert Desk(portal("officer2")).post(visit, "approve", {"purpose": "raise"}).status_code == 403
    assert desk.post(visit, "purpose", {"purpose": "recovery"}).status_code == 409  # fixed once approved
    assert 'id="purpose-form"' not in desk.visit_page(visit)
    supervisor = Desk(portal("supervisor"))
    assert supervisor.post(visit, "approve", {"purpose": "raise"}).status_code == 302
    assert account_state(idp)[:2] == ("high", "in_person")
    assert audit("consular.visit.approved")[0].data["first_approval_by"] is not None


def test_nobody_raises_their_own_account(idp, portal, faces_jpeg, world):
    """An officer whose own passport is checked at the desk cannot approve it (level high already;
    made low here to make the raise possible)."""
    import datetime as dt

    from consular_people import STAFF
    from idp.auth.services import find_account
    from idp.people.models import RegisterEntry

    pinfl, given, family, _email = STAFF["officer2"]
    with idp.db.transaction() as s:
        find_account(s, pinfl).identity_level = "substantial"
        if s.get(RegisterEntry, pinfl) is None:
            s.add(RegisterEntry(pinfl=pinfl, family_name=family, given_name=given, patronymic=None,
                                birth_date=dt.date(1988, 4, 3), sex="M", citizenship="UZB",
                                document_number="FA2000002", document_expiry=dt.date(2032, 1, 31)))
    officer2 = Desk(portal("officer2"))
    desk = Desk(portal("officer"))
    visit = walk_in(desk.officer)
    desk.record_passport(visit, (pinfl, family, given, "1988-04-03", "M", "FA2000002"))
    desk.photo(visit, faces_jpeg["hopper"])
    desk.post(visit, "purpose", {"purpose": "raise"})
    assert officer2.post(visit, "approve", {"purpose": "raise"}).status_code == 409
    assert account_state(idp, pinfl)[0] == "substantial"


@pytest.mark.parametrize("lang,words", [
    ("en", "Raise the identity level (still has access):"),
    ("ru", "Повышение уровня подтверждения личности"),
    ("uz", "Shaxsni tasdiqlash darajasini oshirish"),
    ("uz_Cyrl", "Шахсни тасдиқлаш даражасини ошириш"),
])
def test_the_officer_reads_the_choice_in_their_language(idp, otabek, portal, faces_jpeg, lang, words):
    desk = Desk(portal("officer"))
    visit = checked_visit(desk, faces_jpeg)
    desk.post(visit, "purpose", {"purpose": "raise"})
    page = desk.officer.page(f"/consular/officer/MOW/visits/{visit}?lang={lang}")
    assert words in page
    if lang != "en":
        assert "still has access" not in page and "Record the choice" not in page


def test_the_in_person_page_names_both_options(app, world):
    page = app.test_client().get("/consular/in-person?lang=en").get_data(as_text=True)
    assert "raises the identity level of your account" in page and "stay as they are" in page
    assert "replaces every login method you have now" in page
    ru = app.test_client().get("/consular/in-person?lang=ru").get_data(as_text=True)
    assert 'id="in-person-options"' in ru and "You can still log in" not in ru


def test_a_code_row_for_a_raise_visit_would_not_activate(idp, otabek, portal, faces_jpeg):
    """Defence in depth: even a code row made for a raise visit is refused at activation."""
    import datetime as dt

    from consular.errors import ActivationRefused
    from consular.models import ActivationCode, Visit
    from consular.services import activation

    desk = Desk(portal("officer"))
    visit = checked_visit(desk, faces_jpeg)
    desk.post(visit, "purpose", {"purpose": "raise"})
    desk.post(visit, "approve", {"purpose": "raise"})
    with idp.db.transaction() as s:
        assert s.get(Visit, visit).status == "approved"
        row = ActivationCode(visit_id=visit, code_hash="0" * 64, created_by="x",
                             expires_at=dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1))
        s.add(row)
        s.flush()
        with pytest.raises(ActivationRefused):
            activation.live(row)
        s.rollback()


def test_an_account_raised_meanwhile_is_kept_and_nobody_is_alerted(idp, otabek, portal, faces_jpeg, audit, outbox):
    """The account reached high between the choice and the approval: the visit closes, nothing is lowered."""
    from idp.auth.services import find_account

    desk = Desk(portal("officer"))
    visit = checked_visit(desk, faces_jpeg)
    desk.post(visit, "purpose", {"purpose": "raise"})
    with idp.db.transaction() as s:
        account = find_account(s, OTABEK[0])
        account.identity_level, account.proofing_method = "high", "operator"
    assert desk.post(visit, "approve", {"purpose": "raise"}).status_code == 302
    assert account_state(idp)[:2] == ("high", "operator")
    assert audit("account.identity_level_raised") == [] and len(audit("account.identity_level_kept")) == 1
    assert [s for _to, s, _b in outbox(EMAIL) if s == "Your OneID login settings were changed"] == []


def test_the_owner_reads_the_raise_in_the_cabinet_activity(idp, otabek, portal, faces_jpeg):
    desk = Desk(portal("officer"))
    visit = checked_visit(desk, faces_jpeg)
    desk.post(visit, "purpose", {"purpose": "raise"})
    desk.post(visit, "approve", {"purpose": "raise"})
    page = otabek.get("/cabinet/activity?lang=en").get_data(as_text=True)
    assert "Your identity was verified again and your identity level was raised" in page
    assert "recorded what your visit is for" in page and "consular.visit" not in page
