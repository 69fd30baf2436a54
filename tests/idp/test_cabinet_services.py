"""Connected services: which claims each portal received and when; withdraw
revokes the consent and the portal's tokens, so its refresh token fails."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from oidc.clients import create_client
from oidc_helpers import RP, csrf_from

PINFL = "31503901234567"
PASSWORD = "demo-password-2026"
REDIRECT = "http://portal.example/callback"


@pytest.fixture
def portal(app, idp, demo, http):
    """A portal the citizen logged in to, holding tokens; it read userinfo once."""
    with idp.db.transaction() as s:
        new = create_client(s, name="Tax portal", redirect_uris=[REDIRECT],
                            scopes=["openid", "profile", "pinfl"])
    rp = RP(http, app, client_id=new.client.client_id, secret=new.secret, redirect_uri=REDIRECT,
            scope="openid profile pinfl")
    _params, response = rp.authorize()
    rp.issued = rp.token(rp.follow_to_code(response, identifier=PINFL, password=PASSWORD)["code"]).get_json()
    assert http.get("/userinfo", headers={"Authorization": "Bearer " + rp.issued["access_token"]}).status_code == 200
    return rp


def test_services_page_lists_what_each_portal_received(http, portal):
    html = http.get("/cabinet/services?lang=en").get_data(as_text=True)
    visible = re.sub(r"<form[^>]*>", "", html)  # the withdraw form's address names the client; no text does
    assert "Tax portal" in html and portal.client_id not in visible
    assert "PINFL (personal identification number)" in html and "Family name" in html
    assert "Times in all: 1" in html and "Withdraw" in html


def test_withdraw_revokes_consent_and_tokens(http, idp, portal):
    from oidc.models import Consent

    token = csrf_from(http.get("/cabinet/services?lang=en").get_data(as_text=True))
    response = http.post(f"/cabinet/consents/{portal.client_id}/revoke",
                         data={"csrf_token": token, "back": "services"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/cabinet/services")
    refreshed = portal.refresh(portal.issued["refresh_token"])
    assert refreshed.status_code == 400 and refreshed.get_json()["error"] == "invalid_grant"
    assert http.get("/userinfo", headers={"Authorization": "Bearer " + portal.issued["access_token"]}
                    ).status_code == 401
    with idp.db.transaction() as s:
        assert s.scalars(select(Consent).where(Consent.client_id == portal.client_id,
                                               Consent.revoked_at.is_(None))).first() is None
    # Next time the portal must ask again.
    _params, response = portal.authorize()
    assert "/authorize/consent" in response.headers["Location"]


def test_withdraw_needs_the_csrf_token(http, portal):
    assert http.post(f"/cabinet/consents/{portal.client_id}/revoke").status_code == 400
    assert portal.refresh(portal.issued["refresh_token"]).status_code == 200


def test_services_page_needs_a_login(app):
    response = app.test_client().get("/cabinet/services")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_withdraw_from_an_unknown_portal_is_not_found(http, portal):
    token = csrf_from(http.get("/cabinet/services?lang=en").get_data(as_text=True))
    assert http.post("/cabinet/consents/" + "x" * 300 + "/revoke", data={"csrf_token": token}).status_code == 404
