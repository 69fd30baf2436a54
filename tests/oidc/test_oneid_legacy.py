"""A portal written for today's id.gov.uz logs in here by changing only its
host name: /sso/oauth/Authorization.do with one_code, one_authorization_code,
one_access_token_identify, one_refresh_token and one_log_out, parameters in
the form body or the POST's query string, any scope word."""
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from idp.demo import DEMO_PASSWORD
from oidc.clients import create_client
from oidc_helpers import csrf_from

PINFL = "31503901234567"
URL = "/sso/oauth/Authorization.do"
REDIRECT = "https://portal.example.uz/oneid/callback"
SECRET = "portal-secret-from-the-old-oneid-1234"


class LegacyPortal:
    """A portal's OneID client, written from the protocol as portals use it."""

    def __init__(self, http, client_id, secret, *, body_style="form", scope="myportal"):
        self.http, self.client_id, self.secret = http, client_id, secret
        self.body_style, self.scope = body_style, scope

    def sign_in_url(self, state="xyz", response_type="one_code", scope_name="scope"):
        return URL + "?" + urlencode({"response_type": response_type, "client_id": self.client_id,
                                      "redirect_uri": REDIRECT, scope_name: self.scope, "state": state})

    def call(self, **params):
        params = {"client_id": self.client_id, "client_secret": self.secret, **params}
        if self.body_style == "query":  # everything in the POST's query string, empty body
            return self.http.post(URL + "?" + urlencode(params))
        return self.http.post(URL, data=params)

    def exchange(self, code, **extra):
        return self.call(grant_type="one_authorization_code", code=code, redirect_uri=REDIRECT, **extra)

    def identify(self, access_token, **extra):
        return self.call(grant_type="one_access_token_identify", access_token=access_token, scope=self.scope,
                         **extra)

    def log_out(self, access_token):
        return self.call(grant_type="one_log_out", access_token=access_token, scope=self.scope)


def browser_login(http, url, *, consent=True):
    """Follow the browser from the portal's sign-in link to the portal's callback."""
    response = http.get(url)
    for _ in range(12):
        location = response.headers.get("Location", "")
        if location.startswith(REDIRECT):
            return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
        path = location.replace("http://localhost", "")
        if path.startswith("/login"):
            page = http.get(path)
            response = http.post(path, data={"identifier": PINFL, "password": DEMO_PASSWORD,
                                             "csrf_token": csrf_from(page.get_data(as_text=True))})
        elif path.startswith("/authorize/consent"):
            page = http.get(path)
            response = http.post(path, data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                             "decision": "allow" if consent else "deny", "remember": "1"})
        else:
            response = http.get(path)
    raise AssertionError("no code")


@pytest.fixture
def legacy_client(idp, demo):
    with idp.db.transaction() as s:
        new = create_client(s, name="Old portal", redirect_uris=[REDIRECT], profile="oneid_legacy",
                            client_id="old_portal.uz", client_secret=SECRET,
                            scopes=["openid", "oneid", "pinfl", "email", "phone", "document"])
    return new.client.client_id


@pytest.mark.parametrize("body_style", ["form", "query"])
def test_a_legacy_portal_logs_in_reads_fields_refreshes_and_logs_out(http, legacy_client, body_style):
    portal = LegacyPortal(http, legacy_client, SECRET, body_style=body_style)
    result = browser_login(http, portal.sign_in_url(state="s-1"))
    assert result["state"] == "s-1"
    uuid.UUID(result["code"])  # portals parse it as a UUID
    tokens = portal.exchange(result["code"])
    assert tokens.status_code == 200, tokens.get_data(as_text=True)
    body = tokens.get_json()
    assert set(body) == {"access_token", "refresh_token", "expires_in", "token_type", "scope"}
    assert "oneid" in body["scope"].split()
    fields = portal.identify(body["access_token"]).get_json()
    assert fields["pin"] == PINFL and fields["sur_name"] == "Karimov" and fields["first_name"] == "Aziz"
    assert fields["user_type"] == "I" and fields["auth_method"] == "LOGINPASSMETHOD"
    assert fields["email"] == "aziz@example.uz" and fields["sess_id"] and fields["ret_cd"] == "0"
    assert fields["legal_info"] == [] and fields["pport_no"]
    for key in ("user_id", "tin", "mid_name", "full_name", "birth_date", "birth_place", "birth_cntry", "gd", "natn",
                "ctzn", "per_adr", "tem_adr", "mob_phone_no", "pport_issue_place", "pport_issue_date",
                "pport_expr_date", "valid", "validation_method", "pkcs_legal_tin"):
        assert key in fields
    refreshed = portal.call(grant_type="one_refresh_token", refresh_token=body["refresh_token"]).get_json()
    assert refreshed["access_token"] != body["access_token"]
    assert portal.identify(body["access_token"]).status_code == 401  # rotation retires the old pair
    assert portal.log_out(refreshed["access_token"]).get_json() == {"ret_cd": "0"}
    assert portal.identify(refreshed["access_token"]).status_code == 401
    # the IdP session ended: the next sign-in asks for the password again
    again = http.get(portal.sign_in_url())
    assert "/login" in http.get(again.headers["Location"]).headers["Location"]


@pytest.mark.parametrize("scope_name,scope,response_type", [
    ("scope", "old_portal.uz", "one_code"), ("Scope", "myportal", "one_code"), ("scope", "", "code")])
def test_scope_spellings_and_response_type_variants_all_sign_in(http, legacy_client, scope_name, scope,
                                                                response_type):
    portal = LegacyPortal(http, legacy_client, SECRET, scope=scope)
    result = browser_login(http, portal.sign_in_url(scope_name=scope_name, response_type=response_type))
    assert portal.exchange(result["code"]).status_code == 200


def test_code_exchange_without_redirect_uri_and_identify_by_get_with_bearer(http, legacy_client):
    portal = LegacyPortal(http, legacy_client, SECRET)
    code = browser_login(http, portal.sign_in_url())["code"]
    tokens = portal.call(grant_type="one_authorization_code", code=code).get_json()
    response = http.get(URL + "?" + urlencode({"grant_type": "one_access_token_identify", "client_id": legacy_client,
                                               "client_secret": SECRET, "scope": "x"}),
                        headers={"Authorization": "Bearer " + tokens["access_token"]})
    assert response.status_code == 200 and response.get_json()["pin"] == PINFL


def test_codes_tokens_and_secrets_used_wrongly_are_refused(http, idp, legacy_client, demo):
    portal = LegacyPortal(http, legacy_client, SECRET)
    code = browser_login(http, portal.sign_in_url())["code"]
    assert LegacyPortal(http, legacy_client, "wrong-secret-123456").exchange(code).status_code == 401
    tokens = portal.exchange(code).get_json()
    again = portal.exchange(code)  # a code works once; its reuse revokes what it gave
    assert again.status_code == 400 and again.get_json()["error"] == "invalid_grant"
    assert portal.identify(tokens["access_token"]).status_code == 401
    code = browser_login(http, portal.sign_in_url())["code"]
    tokens = portal.exchange(code).get_json()
    assert LegacyPortal(http, legacy_client, "wrong-secret-123456").identify(tokens["access_token"]).status_code == 401
    assert portal.identify("not-a-token").status_code == 401
    # the legacy token does not work at OIDC userinfo, and an OIDC client cannot use the legacy calls
    assert http.get("/userinfo", headers={"Authorization": "Bearer " + tokens["access_token"]}).status_code == 401
    oidc_client = LegacyPortal(http, demo["client"]["client_id"], demo["client"]["client_secret"])
    refused = oidc_client.identify(tokens["access_token"])
    assert refused.status_code == 401 and refused.get_json()["error"] == "invalid_client"
    assert http.get(URL + "?" + urlencode({"response_type": "one_code", "client_id": demo["client"]["client_id"],
                                           "redirect_uri": "http://rp.example/callback"})).status_code == 400
    # a redirect URI that is not registered is never redirected to
    bad = http.get(URL + "?" + urlencode({"response_type": "one_code", "client_id": legacy_client,
                                          "redirect_uri": "https://evil.example/cb"}))
    assert bad.status_code == 400 and "Location" not in bad.headers
    # the same parameter twice with different values
    twice = http.post(URL + "?client_id=x", data={"client_id": "y", "grant_type": "one_log_out"})
    assert twice.status_code == 400 and twice.get_json()["error"] == "invalid_request"
    assert http.post(URL, data={"grant_type": "password"}).get_json()["error"] == "unsupported_grant_type"


def test_consent_is_asked_and_respected(http, legacy_client):
    portal = LegacyPortal(http, legacy_client, SECRET)
    first = http.get(portal.sign_in_url())
    authorize = http.get(first.headers["Location"])
    login = authorize.headers["Location"].replace("http://localhost", "")
    page = http.get(login)
    after = http.post(login, data={"identifier": PINFL, "password": DEMO_PASSWORD,
                                   "csrf_token": csrf_from(page.get_data(as_text=True))})
    resumed = http.get(after.headers["Location"].replace("http://localhost", ""))
    assert "/authorize/consent" in resumed.headers["Location"]  # the citizen is asked first
    denied = browser_login_deny(http, resumed.headers["Location"].replace("http://localhost", ""))
    assert denied["error"] == "access_denied"


def browser_login_deny(http, consent_path):
    page = http.get(consent_path)
    response = http.post(consent_path, data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                             "decision": "deny"})
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()}


def test_identify_is_in_the_audit_log_as_a_release_of_data(http, idp, legacy_client):
    from sqlalchemy import select

    from idp.audit.models import AuditEvent

    portal = LegacyPortal(http, legacy_client, SECRET)
    tokens = portal.exchange(browser_login(http, portal.sign_in_url())["code"]).get_json()
    portal.identify(tokens["access_token"])
    with idp.db.transaction() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.event == "oidc.userinfo")).all()[-1]
    assert event.actor == legacy_client and event.data["protocol"] == "oneid" and "pin" in event.data["claims"]


def test_importing_a_portals_existing_id_and_secret_from_the_command_line(idp, app, monkeypatch):
    from click.testing import CliRunner

    from idp.cli import main

    monkeypatch.setenv("IDP_DATABASE_URL", idp.settings.database_url)
    monkeypatch.setenv("IDP_ENV", "test")
    result = CliRunner().invoke(main, ["clients", "create", "--name", "Tax portal", "--redirect-uri", REDIRECT,
                                       "--profile", "oneid-legacy", "--client-id", "soliq_uz", "--secret-stdin",
                                       "--json"], input="imported-secret-abcdef123\n")
    assert result.exit_code == 0, result.output
    assert '"profile": "oneid_legacy"' in result.output and "imported-secret" not in result.output
    from oidc.models import Client

    with idp.db.transaction() as s:
        client = s.get(Client, "soliq_uz")
        assert client.check_client_secret("imported-secret-abcdef123")
        assert client.token_endpoint_auth_method == "client_secret_post" and not client.require_pkce


def test_the_legacy_calls_count_against_the_clients_quota(settings_overrides):
    """The per-client quota of the token endpoint covers identify too: the
    portal gets 429 with Retry-After, not a refused secret."""
    from idp.app import create_app
    from idp.demo import seed

    app = create_app({**settings_overrides, "ratelimit_token": "4/minute"})
    idp = app.extensions["idp"]
    idp.db.create_all()
    idp.warm()
    with idp.db.transaction() as s:
        idp.keys.ensure(s)
        seed(s, idp.passwords, portal_url="http://rp.example", environment="test")
        create_client(s, name="Old portal", redirect_uris=[REDIRECT], profile="oneid_legacy",
                      client_id="old_portal.uz", client_secret=SECRET, scopes=["openid", "oneid"])
    http = app.test_client()
    portal = LegacyPortal(http, "old_portal.uz", SECRET)
    tokens = portal.exchange(browser_login(http, portal.sign_in_url())["code"]).get_json()  # 1
    statuses = [portal.identify(tokens["access_token"]).status_code for _ in range(4)]  # 2..5
    assert statuses[:3] == [200, 200, 200] and statuses[3] == 429
    limited = portal.identify(tokens["access_token"])
    assert limited.get_json()["error"] == "slow_down" and int(limited.headers["Retry-After"]) > 0
    idp.db.dispose()
