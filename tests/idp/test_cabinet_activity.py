"""The cabinet's activity: every audit record about the account reads as a
sentence in the citizen's language, newest first, filtered by kind; no event
name or client id reaches the page."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from idp.cabinet.activity import CHANGES, DATA, LOGINS, OFFICIALS, describe
from oidc_helpers import csrf_from

PINFL = "31503901234567"  # Aziz Karimov in the demo register
PASSWORD = "demo-password-2026"
PORTAL = "demo-portal"

# event, actor, data -> kind, key (one per kind of record a citizen can see)
CASES = [
    ("login.password.succeeded", None, {}, LOGINS, "login_password"),
    ("login.email_code.succeeded", None, {}, LOGINS, "login_email_code"),
    ("login.sms_code.succeeded", None, {}, LOGINS, "login_sms_code"),
    ("login.totp.succeeded", None, {}, LOGINS, "login_totp"),
    ("login.passkey.succeeded", None, {"passkey": "p"}, LOGINS, "login_passkey"),
    ("login.esign.succeeded", None, {}, LOGINS, "login_esign"),
    ("login.recovery_code.used", None, {"left": 9}, LOGINS, "login_recovery_code"),
    ("login.password.failed", None, {}, LOGINS, "login_failed"),
    ("login.email_code.throttled", None, {}, LOGINS, "login_throttled"),
    ("login.refused", None, {"reason": "account_locked"}, LOGINS, "login_refused"),
    ("oidc.authorized", "c1", {"scope": "openid"}, LOGINS, "portal_login"),
    ("session.logout", "a", {"client": "c1"}, LOGINS, "logout_at_portal"),
    ("session.logout", "a", {"client": None}, LOGINS, "logout"),
    ("session.ended_by_user", "a", {}, LOGINS, "session_ended_by_user"),
    ("oidc.userinfo", "c1", {"claims": ["name", "pinfl"]}, DATA, "portal_received"),
    ("oidc.userinfo", "c1", {"claims": ["pin"], "protocol": "oneid"}, DATA, "portal_received"),
    ("oidc.consent.granted", "a", {"client": "c1", "claims": ["name"]}, DATA, "consent_granted"),
    ("oidc.consent.revoked", "a", {"client": "c1"}, DATA, "consent_revoked"),
    ("oidc.consent.denied", "a", {"client": "c1"}, DATA, "consent_denied"),
    ("authenticator.password.changed", "a", {}, CHANGES, "password_changed"),
    ("authenticator.totp.added", "a", {}, CHANGES, "totp_added"),
    ("authenticator.totp.removed", "a", {}, CHANGES, "totp_removed"),
    ("authenticator.recovery.generated", "a", {}, CHANGES, "recovery_generated"),
    ("passkey.registered", "a", {}, CHANGES, "passkey_added"),
    ("passkey.removed", "a", {}, CHANGES, "passkey_removed"),
    ("account.email.verified", "a", {}, CHANGES, "email_changed"),
    ("account.phone.verified", "a", {}, CHANGES, "phone_changed"),
    ("account.recovered", "a", {}, CHANGES, "account_recovered"),
    ("consular.activated", "a", {}, CHANGES, "account_activated_code"),
    ("consular.case.viewed", "o", {"consulate": "k"}, OFFICIALS, "officer_opened_case"),
    ("consular.visit.viewed", "o", {"consulate": "k"}, OFFICIALS, "officer_opened_visit"),
    ("consular.case.decided", "o", {"consulate": "k"}, OFFICIALS, "officer_decided"),
    ("something.new", "a", {}, CHANGES, "other"),
]


@pytest.mark.parametrize("event,actor,data,kind,key", CASES)
def test_each_event_has_a_kind_and_a_sentence(event, actor, data, kind, key):
    from idp.cabinet.activity_text import SENTENCES

    line = describe(event, actor, data)
    assert (line.kind, line.key) == (kind, key)
    assert key in SENTENCES


def test_the_portal_is_named_by_the_event_not_by_who_wrote_it():
    assert describe("oidc.userinfo", "c1", {"claims": []}).params["client"] == "c1"
    assert describe("oidc.consent.revoked", "acct", {"client": "c1"}).params["client"] == "c1"


@pytest.fixture
def citizen(app, idp, demo, http):
    from idp.people.models import Account, Person

    page = http.get("/login?lang=en").get_data(as_text=True)
    response = http.post("/login?lang=en", data={"identifier": PINFL, "password": PASSWORD,
                                                 "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    with idp.db.transaction() as s:
        account = s.scalars(select(Account).join(Person).where(Person.pinfl == PINFL)).one()
        return account.id


def _write(idp, account_id):
    from consular.models import Consulate
    from idp.audit.log import record

    with idp.db.transaction() as s:
        consulate = s.scalars(select(Consulate).where(Consulate.code == "MOW")).first()
        if consulate is None:
            consulate = Consulate(code="MOW", name="Consulate General in Moscow", city="Moscow", country="RU",
                                  timezone="Europe/Moscow")
            s.add(consulate)
            s.flush()
        consulate.name = "Consulate General in Moscow"
        record(s, "login.email_code.succeeded", actor=account_id, subject=account_id)
        record(s, "oidc.userinfo", actor=PORTAL, subject=account_id, claims=["document", "name", "pinfl"])
        record(s, "consular.case.viewed", actor="officer-1", subject=account_id, case="c", consulate=consulate.id)
        record(s, "authenticator.totp.added", actor=account_id, subject=account_id)
        record(s, "oidc.userinfo", actor=PORTAL, subject="someone-else", claims=["birthdate"])


def test_activity_page_reads_as_sentences_newest_first(idp, http, citizen):
    _write(idp, citizen)
    html = http.get("/cabinet/activity?lang=en").get_data(as_text=True)
    received = html.index("my.gov.uz (demo portal) received your data: Passport number and expiry date, "
                          "Full name, PINFL (personal identification number)")
    officer = html.index("A consular officer at Consulate General in Moscow opened your enrollment case")
    email = html.index("You logged in with a code sent by e-mail")
    totp = html.index("An authenticator app was set up")
    assert totp < officer < received < email
    for raw in ("oidc.userinfo", "login.email_code", "consular.case.viewed", "authenticator.totp", PORTAL,
                "Date of birth", "UTC"):
        assert raw not in html


def test_activity_filters_by_kind(idp, http, citizen):
    _write(idp, citizen)
    html = http.get("/cabinet/activity?kind=officials&lang=en").get_data(as_text=True)
    assert "opened your enrollment case" in html
    assert "received your data" not in html and "authenticator app" not in html
    html = http.get("/cabinet/activity?kind=data&lang=en").get_data(as_text=True)
    assert "received your data" in html and "enrollment case" not in html
    assert http.get("/cabinet/activity?kind=nonsense&lang=en").status_code == 200


def test_home_shows_activity_in_words(idp, http, citizen):
    _write(idp, citizen)
    html = http.get("/?lang=en").get_data(as_text=True)
    assert "You logged in with a code sent by e-mail" in html
    assert "oidc.userinfo" not in html and "<code>" not in html


@pytest.mark.parametrize("lang", ["uz", "uz-Cyrl", "ru"])
def test_activity_page_in_each_language(idp, http, citizen, lang):
    _write(idp, citizen)
    html = http.get(f"/cabinet/activity?lang={lang}").get_data(as_text=True)
    assert "You logged in with a code sent by e-mail" not in html
    assert "oidc.userinfo" not in html


def test_activity_needs_a_login(app, http):
    response = http.get("/cabinet/activity")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
