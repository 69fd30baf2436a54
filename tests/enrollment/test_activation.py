"""From an approved case to an account that logs in through OIDC at once:
approval by the operator CLI (until the consular portal exists) or by the
policy, the e-mailed activation link, a password with an authenticator app
or a passkey."""
from __future__ import annotations

import os
import re
import sys

import pyotp
import pytest
from sqlalchemy import select

from enrollment.models import ACTIVATED, APPROVED, EnrollmentCase
from enrollment_journey import Journey
from idp.auth.models import Authenticator
from idp.people.models import Account, Person

PORTAL = {"client_id": "demo-portal", "redirect_uri": "http://rp.example/callback"}


def activation_path(journey) -> str:
    body = journey.last_mail().body
    return re.search(r"http://localhost(/enroll/activate/[A-Za-z0-9_-]+)", body).group(1)


def set_up_app(browser: Journey, password: str = "a long walk by the Chirchiq"):
    page = browser.get("/enroll/activate/app").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    response = browser.post_form("/enroll/activate/app", {
        "password": password, "password_again": password, "code": pyotp.TOTP(secret).now()})
    return response, secret


def account_of(idp, pinfl="41705901234567"):
    with idp.db.transaction() as s:
        account = s.scalars(select(Account).join(Person).where(Person.pinfl == pinfl)).first()
        if account is not None:
            s.expunge(account.person)
            s.expunge(account)
        return account


def test_an_operator_approves_and_the_citizen_activates_on_another_phone(app, idp, journey, passport, cli, demo):
    journey.through_submit()
    case = journey.case()
    listed = cli("enrollment", "list", as_json=True)
    assert [c["id"] for c in listed] == [case.id] and listed[0]["reasons"] == ["manual_review_required"]
    shown = cli("enrollment", "show", case.id, as_json=True)
    assert shown["chip_reads"][0]["accepted"] and shown["selfies"][0]["outcome"] == "pass"
    assert "enrollment.chip.verified" in [h["event"] for h in shown["history"]]
    assert "approved" in cli("enrollment", "approve", case.id, "--by", "consul-1").output
    assert journey.case().status == APPROVED
    link = activation_path(journey)

    phone = Journey(app, idp, passport)  # the link opened on another device
    assert phone.get(link).headers["Location"].endswith("/enroll/activate")
    page = phone.get("/enroll/activate").get_data(as_text=True)
    assert "Create a passkey" in page and "Set up a password and an app" in page
    response, secret = set_up_app(phone)
    assert response.status_code == 302 and response.headers["Location"].endswith("/enroll/done")
    assert "idp_sid=" in response.headers.get("Set-Cookie", "")
    done = phone.get("/enroll/done").get_data(as_text=True)
    assert "Your account is ready" in done

    account = account_of(idp)
    assert account.identity_level == "substantial" and account.proofing_method == "remote_passport"
    assert account.person.residency == "non_resident" and account.email == journey.email and account.email_verified
    with idp.db.transaction() as s:
        assert sorted(a.kind for a in s.scalars(select(Authenticator).where(Authenticator.account_id == account.id))) \
            == ["password", "totp"]
        case = s.get(EnrollmentCase, case.id)
        assert case.status == ACTIVATED and case.account_id == account.id and case.activation_token_hash is None
    # The link worked once: the case is activated.
    assert phone.get(link).status_code == 400

    # At once usable for an OIDC login at level substantial, as a non-resident.
    sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))
    from oidc_helpers import RP
    from idp.demo import PORTAL_SECRET

    rp = RP(phone.http, app, secret=PORTAL_SECRET, scope="openid profile pinfl", **PORTAL)
    _params, response = rp.authorize(acr_values="http://eidas.europa.eu/LoA/substantial")
    code = rp.follow_to_code(response)["code"]
    tokens = rp.token(code).get_json()
    claims = rp.decode_id_token(tokens["id_token"]).claims
    assert claims["acr"] == "http://eidas.europa.eu/LoA/substantial"
    assert set(claims["amr"]) >= {"pwd", "otp"}
    userinfo = phone.http.get("/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}).get_json()
    assert userinfo["residency"] == "non_resident" and userinfo["pinfl"] == "41705901234567"


def test_with_auto_approval_a_clean_case_is_approved_at_once(app, journey):
    app.extensions["enrollment"].config = __import__("dataclasses").replace(
        app.extensions["enrollment"].config, auto_approve=True)
    response = journey.through_submit()
    assert response.headers["Location"].endswith("/enroll/activate")
    assert journey.case().status == APPROVED and journey.case().decided_by == "policy"
    assert "approved" in journey.last_mail().subject
    response, _secret = set_up_app(journey)
    assert response.headers["Location"].endswith("/enroll/done")


def test_a_weak_password_or_a_wrong_code_does_not_activate(app, idp, journey, cli):
    journey.through_submit()
    cli("enrollment", "approve", journey.case().id)
    journey.get(activation_path(journey))
    page = journey.get("/enroll/activate/app").get_data(as_text=True)
    bad = journey.post_form("/enroll/activate/app", {"password": "password", "password_again": "password",
                                                      "code": "000000"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "too common" in text and "code is not right" in text
    assert journey.case().status == APPROVED
    # The same authenticator-app secret is kept until activation succeeds.
    assert re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1) in text


def test_only_a_case_awaiting_review_can_be_decided(journey, cli):
    journey.through_document()
    case = journey.case()
    result = cli("enrollment", "approve", case.id, ok=False)
    assert result.exit_code != 0 and "not awaiting review" in result.output
    assert cli("enrollment", "approve", "no-such-case", ok=False).exit_code != 0


def test_a_rejected_case_tells_the_citizen_why(journey, cli):
    journey.through_submit()
    case = journey.case()
    cli("enrollment", "reject", case.id, "--reason", "face_mismatch")
    assert journey.case().status == "rejected"
    page = journey.get("/enroll/status").get_data(as_text=True)
    assert "Not approved" in page and "sunglasses" in page and "/enroll/consular" in page
    assert "not approved" in journey.last_mail().subject


@pytest.fixture
def soft_authenticator():
    here = os.path.join(os.path.dirname(os.path.dirname(__file__)), "passkeys")
    if not os.path.exists(os.path.join(here, "soft_authenticator.py")):
        pytest.skip("the passkey tests' software authenticator is not there")
    sys.path.insert(0, here)
    from soft_authenticator import SoftAuthenticator

    return SoftAuthenticator(origin="http://localhost")


def test_activation_with_a_passkey(app, idp, journey, cli, soft_authenticator):
    journey.through_submit()
    cli("enrollment", "approve", journey.case().id)
    journey.get(activation_path(journey))
    options = journey.post_json("/enroll/activate/passkey/options", page="/enroll/activate").get_json()
    assert options["ok"] and options["publicKey"]["authenticatorSelection"]["userVerification"] == "required"
    credential = soft_authenticator.create(options["publicKey"], uv=True)
    result = journey.post_json("/enroll/activate/passkey", {"ceremony": options["ceremony"], "credential": credential},
                               page="/enroll/activate")
    assert result.status_code == 200 and result.get_json()["redirect"].endswith("/enroll/done")
    account = account_of(idp)
    with idp.db.transaction() as s:
        kinds = [a.kind for a in s.scalars(select(Authenticator).where(Authenticator.account_id == account.id))]
    assert kinds == ["passkey"]
    assert journey.case().status == ACTIVATED
    assert "Your account is ready" in journey.get("/enroll/done").get_data(as_text=True)
