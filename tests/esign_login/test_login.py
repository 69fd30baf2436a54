"""Logging in with an e-signature key: success for an individual and for a
legal-entity certificate, and each way it is refused."""
from __future__ import annotations

import datetime as dt

from asn1crypto import cms as asn1_cms
from sqlalchemy import select, update

from idp.audit.models import AuditEvent
from idp.auth.models import LoginSession
from idp.db import utcnow
from idp.esign.democa import DEMO_HOLDERS, build_demo_pki
from idp.esign.pki import make_crl, make_person
from idp.people.models import Account, Person
from idp.state.models import ShortLivedState

HOLDERS = {h.slug: h for h in DEMO_HOLDERS}
EN = "?lang=en"


def live_sessions(idp) -> list[LoginSession]:
    with idp.db.transaction() as s:
        rows = s.scalars(select(LoginSession).where(LoginSession.ended_at.is_(None))).all()
        return [(r.account.person.pinfl, sorted(r.amr), r.auth_level, r.acting_for) for r in rows]


def events(idp, name: str) -> list[dict]:
    with idp.db.transaction() as s:
        return [e.data for e in s.scalars(select(AuditEvent).where(AuditEvent.event == name).order_by(AuditEvent.seq))]


def refused_with(response, status: int, text: str) -> None:
    assert response.status_code == status, response.status_code
    html = response.get_data(as_text=True)
    assert 'id="esign-error"' in html and text in html, html[:2000]


# -- success ----------------------------------------------------------------------

def test_individual_key_logs_in_at_level_high(key_login, holders, idp):
    response = key_login.login("individual-rsa")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/")  # the personal cabinet
    assert "idp_sid=" in response.headers.get("Set-Cookie", "")
    assert live_sessions(idp) == [(HOLDERS["individual-rsa"].pinfl, ["swk"], "high", None)]
    succeeded = events(idp, "login.esign.succeeded")
    assert [e["user_type"] for e in succeeded] == ["I"]
    assert HOLDERS["individual-rsa"].pinfl not in str(succeeded)  # no personal data in the audit log


def test_ecdsa_key_logs_in(key_login, holders, idp):
    assert key_login.login("individual-ec").status_code == 302
    assert live_sessions(idp)[0][0] == HOLDERS["individual-ec"].pinfl


def test_legal_entity_key_logs_in_acting_for_the_organisation(key_login, holders, idp, http):
    response = key_login.login("legal-rsa")
    assert response.status_code == 302
    [(pinfl, amr, level, acting_for)] = live_sessions(idp)
    assert pinfl == HOLDERS["legal-rsa"].pinfl and level == "high" and amr == ["swk"]
    assert acting_for == {"tin": "301234567", "organisation": "DEMO TEXTILE LLC", "user_type": "L"}
    assert events(idp, "login.esign.succeeded")[0]["user_type"] == "L"


def test_login_continues_to_the_pending_authorization(key_login, holders, http):
    from oidc_helpers import RP

    rp = RP(http, None, client_id=holders["client"]["client_id"], secret=holders["client"]["client_secret"],
            redirect_uri="http://rp.example/callback")
    _params, response = rp.authorize()
    login_url = response.headers["Location"]
    assert login_url.startswith("/login?")
    query = "?" + login_url.split("?", 1)[1]
    response = key_login.login("individual-rsa", query=query)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/authorize?")


# -- the challenge ------------------------------------------------------------------

def test_challenge_lives_120_seconds_and_names_the_service(key_login, holders, idp):
    key_login.open()
    before = utcnow()
    challenge = key_login.challenge()
    assert challenge["expires_in"] == 120
    assert challenge["challenge"].startswith("http://localhost login ")
    with idp.db.transaction() as s:
        row = s.get(ShortLivedState, "esign:challenge:" + challenge["id"])
        expires = row.expires_at
    assert dt.timedelta(seconds=119) <= expires - before <= dt.timedelta(seconds=121)
    assert key_login.challenge()["challenge"] != challenge["challenge"]


def test_expired_challenge_is_refused(key_login, holders, idp):
    key_login.open(EN)
    challenge = key_login.challenge()
    with idp.db.transaction() as s:
        s.execute(update(ShortLivedState).where(ShortLivedState.key == "esign:challenge:" + challenge["id"])
                  .values(expires_at=utcnow() - dt.timedelta(seconds=1)))
    response = key_login.post(challenge["id"], key_login.sign("individual-rsa", challenge["challenge"]), query=EN)
    refused_with(response, 400, "The login request has expired or was already used.")
    assert live_sessions(idp) == []
    assert events(idp, "login.esign.failed") == [{"reason": "challenge_expired"}]


def test_reused_challenge_is_refused(key_login, holders, http, idp):
    key_login.open(EN)
    challenge = key_login.challenge()
    cms = key_login.sign("individual-rsa", challenge["challenge"])
    assert key_login.post(challenge["id"], cms, query=EN).status_code == 302
    http.post("/logout", data={"csrf_token": key_login.csrf})
    refused_with(key_login.post(challenge["id"], cms, query=EN), 400, "expired or was already used")


def test_a_failed_attempt_uses_the_challenge_up(key_login, holders, idp):
    key_login.open(EN)
    challenge = key_login.challenge()
    other = key_login.sign("individual-rsa", "some other text")
    refused_with(key_login.post(challenge["id"], other, query=EN), 401, "The signature could not be checked.")
    good = key_login.sign("individual-rsa", challenge["challenge"])
    refused_with(key_login.post(challenge["id"], good, query=EN), 400, "expired or was already used")
    assert live_sessions(idp) == []


def test_challenge_is_bound_to_the_browser_that_asked_for_it(key_login, holders, app, pki, idp):
    key_login.open(EN)
    challenge = key_login.challenge()
    cms = key_login.sign("individual-rsa", challenge["challenge"])
    other_browser = type(key_login)(app.test_client(), pki)
    other_browser.open(EN)
    refused_with(other_browser.post(challenge["id"], cms, query=EN), 400, "expired or was already used")
    assert live_sessions(idp) == []


def test_a_post_without_a_challenge_is_refused(key_login, holders):
    key_login.open(EN)
    refused_with(key_login.post("", "", query=EN), 400, "expired or was already used")


def test_challenge_needs_the_csrf_token(http, holders):
    http.get("/login/esign")
    assert http.post("/login/esign/challenge").status_code == 400


def test_oversized_cms_is_refused_before_parsing(key_login, holders, idp):
    key_login.open(EN)
    challenge = key_login.challenge()
    refused_with(key_login.post(challenge["id"], "A" * 100_000, query=EN), 400, "could not be checked")
    assert events(idp, "login.esign.failed") == [{"reason": "malformed"}]


# -- the signature and the certificate -------------------------------------------------

def _tampered(cms_b64: str) -> str:
    import base64

    info = asn1_cms.ContentInfo.load(base64.b64decode(cms_b64))
    signer = info["content"]["signer_infos"][0]
    signature = bytearray(signer["signature"].native)
    signature[-1] ^= 0x01
    signer["signature"] = bytes(signature)
    return base64.b64encode(info.dump(force=True)).decode()


def test_tampered_signature_is_refused(key_login, holders, idp):
    key_login.open(EN)
    challenge = key_login.challenge()
    cms = _tampered(key_login.sign("individual-rsa", challenge["challenge"]))
    refused_with(key_login.post(challenge["id"], cms, query=EN), 401, "The signature could not be checked.")
    assert live_sessions(idp) == []
    assert events(idp, "login.esign.failed") == [{"reason": "bad_signature"}]


def test_key_from_an_untrusted_ca_is_refused(key_login, holders, idp):
    # Same holder, same PINFL, but a CA this server was not configured to trust.
    foreign = build_demo_pki()
    response = key_login.login("individual-rsa", query=EN, pki=foreign)
    refused_with(response, 401, "This key was not issued by a certification centre we accept.")
    assert live_sessions(idp) == []


def test_expired_certificate_is_refused(key_login, holders, idp):
    refused_with(key_login.login("expired-rsa", query=EN), 401, "Your key has expired.")
    assert events(idp, "login.esign.failed") == [{"reason": "cert_expired"}]


def test_certificate_revoked_by_crl_is_refused(key_login, holders, idp):
    refused_with(key_login.login("revoked-ec", query=EN), 401, "This key has been revoked.")
    assert live_sessions(idp) == []


def test_unknown_pinfl_is_told_to_register(key_login, holders, pki, idp):
    stranger = make_person(pki.issuing, surname="NAZAROV", given_name="OTABEK", pinfl="31212990010079")
    response = key_login.login(stranger, query=EN)
    refused_with(response, 401, "There is no account for this certificate. Register first")
    assert 'href="/register' in response.get_data(as_text=True)
    assert events(idp, "login.esign.failed") == [{"reason": "no_account", "user_type": "I"}]
    with idp.db.transaction() as s:
        assert s.scalars(select(Person).where(Person.pinfl == "31212990010079")).first() is None


def test_blocked_account_is_refused(key_login, holders, idp):
    with idp.db.transaction() as s:
        account = s.scalars(select(Account).join(Person).where(Person.pinfl == HOLDERS["individual-rsa"].pinfl)).one()
        account.status = "suspended"
    refused_with(key_login.login("individual-rsa", query=EN), 403, "This account is blocked.")


def test_stale_crl_is_an_operator_problem(settings_overrides, pki, trust_files, tmp_path, holders, key_login):
    from idp.app import create_app

    now = dt.datetime.now(dt.timezone.utc)
    stale = make_crl(pki.issuing, this_update=now - dt.timedelta(days=10), next_update=now - dt.timedelta(days=3))
    app = create_app({**settings_overrides, **trust_files(tmp_path, pki, issuing_crl=stale)})
    try:
        browser = type(key_login)(app.test_client(), pki)
        refused_with(browser.login("individual-rsa", query=EN), 503, "We cannot check your key right now.")
    finally:
        app.extensions["idp"].db.dispose()


# -- when it is not configured -----------------------------------------------------

def test_without_trust_anchors_the_method_is_off(settings_overrides):
    from idp.app import create_app

    app = create_app({k: v for k, v in settings_overrides.items() if not k.startswith("esign_")})
    try:
        http = app.test_client()
        assert http.get("/login/esign").status_code == 404
        assert "esign-login-link" not in http.get("/login").get_data(as_text=True)
    finally:
        app.extensions["idp"].db.dispose()
