"""A paused authorization request (`r`) belongs to the browser and the login
that started it; consent recorded on it counts only for the account that
gave it. (Finding: consent could be replayed by another user.)"""
import pytest

from oidc.pending import Pending
from oidc_helpers import csrf_from

A, B = "31503901234567", "42207851234568"


def log_in(client, pinfl, password, path="/login"):
    token = csrf_from(client.get(path).get_data(as_text=True))
    resp = client.post(path, data={"identifier": pinfl, "password": password, "csrf_token": token})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    return resp


def consented_resume_url(rp, http, password, **extra):
    """A logs in through a request and allows it; the resume URL is not followed."""
    _params, resp = rp.authorize(prompt="consent", **extra)
    resp = rp.login(A, password, resp.headers["Location"])
    resp = http.get(resp.headers["Location"])
    consent = resp.headers["Location"]
    assert consent.startswith("/authorize/consent")
    token = csrf_from(http.get(consent).get_data(as_text=True))
    resp = http.post(consent, data={"csrf_token": token, "decision": "allow"})
    assert resp.headers["Location"].startswith("/authorize?")
    return resp.headers["Location"], consent


def test_another_browser_cannot_use_a_consented_request(app, rp, http, password):
    resume, _consent = consented_resume_url(rp, http, password)
    other = app.test_client()
    log_in(other, B, password)
    resp = other.get(resume)
    assert not resp.headers["Location"].startswith(rp.redirect_uri)  # no code for B
    assert resp.headers["Location"].startswith("/authorize/consent")  # a request of its own, asking B


def test_switching_account_in_the_same_browser_asks_for_consent_again(rp, http, password):
    resume, _consent = consented_resume_url(rp, http, password)
    log_in(http, B, password)  # B logs in over A's session in this browser
    resp = http.get(resume)
    assert resp.headers["Location"].startswith("/authorize/consent")


def test_logging_in_as_another_account_on_the_requests_own_page_voids_the_consent(rp, http, password):
    resume, _consent = consented_resume_url(rp, http, password)
    rid = resume.rsplit("r=", 1)[1]
    done = log_in(http, B, password, path=f"/login?r={rid}")
    assert done.headers["Location"] == resume
    resp = http.get(resume)
    assert resp.headers["Location"].startswith("/authorize/consent")
    # and B's own consent then gives B a code
    q = rp.follow_to_code(resp)
    assert "code" in q


def test_the_consenting_browser_and_account_still_get_the_code(rp, http, password):
    resume, _consent = consented_resume_url(rp, http, password)
    resp = http.get(resume)
    assert resp.headers["Location"].startswith(rp.redirect_uri) and "code=" in resp.headers["Location"]


@pytest.mark.parametrize("endpoint", ["consent", "select-account", "accept-lower-level", "cancel"])
def test_interaction_endpoints_refuse_another_browsers_request(app, rp, http, password, endpoint):
    _params, resp = rp.authorize(prompt="consent")
    resp = rp.login(A, password, resp.headers["Location"])
    rid = resp.headers["Location"].rsplit("r=", 1)[1]
    other = app.test_client()
    log_in(other, B, password)
    token = csrf_from(other.get("/login").get_data(as_text=True))
    path = f"/authorize/{endpoint}?r={rid}&lang=en"
    page = other.post(path, data={"csrf_token": token, "decision": "allow", "choice": "current"})
    assert page.status_code == 400 and "This login request has expired" in page.get_data(as_text=True)
    if endpoint in ("consent", "select-account"):
        assert other.get(path).status_code == 400
    # A's own browser is unaffected
    assert http.get(f"/authorize/consent?r={rid}").status_code == 200


def test_accepting_a_lower_level_counts_only_for_the_login_that_accepted(app, rp, http, password, idp):
    from sqlalchemy import update

    from idp.people.models import Account

    high = "http://eidas.europa.eu/LoA/high"
    _params, resp = rp.authorize(acr_values=high)
    resp = rp.login(A, password, resp.headers["Location"])
    step_up = http.get(resp.headers["Location"])
    assert "why=identity_level" in step_up.headers["Location"]
    rid = step_up.headers["Location"].split("r=", 1)[1].split("&", 1)[0]
    token = csrf_from(http.get(step_up.headers["Location"]).get_data(as_text=True))
    resp = http.post(f"/authorize/accept-lower-level?r={rid}", data={"csrf_token": token})
    resume = resp.headers["Location"]
    log_in(http, B, password)  # another account in the same browser
    with idp.db.transaction() as s:
        s.execute(update(Account).values(identity_level="low"))
    resp = http.get(resume)
    assert "why=identity_level" in resp.headers["Location"]  # asked again, for B


def test_pending_binding_rules():
    p = Pending(id="x", query="", hash="h", client_id="c", redirect_uri="u", state=None, received_at=0.0)
    assert p.bind_login("L1", "A") is True
    p.consented_by, p.selected, p.lower_acr_ok = "A", True, True
    assert p.bind_login("L1", "A") is False and p.consented_by == "A"
    p.bind_login("L2", "A", completed_here=True)  # a step-up or new login on the request's own pages
    assert (p.consented_by, p.selected, p.lower_acr_ok) == ("A", True, True)
    p.bind_login("L3", "A")  # a login made elsewhere
    assert (p.consented_by, p.selected, p.lower_acr_ok) == (None, False, False)
    p.consented_by, p.selected = "A", True
    p.bind_login("L4", "B", completed_here=True)  # another account
    assert (p.consented_by, p.selected) == (None, False)


def test_choosing_another_account_binds_the_request_to_the_next_login(rp, http, password, login):
    _params, resp = rp.authorize(prompt="select_account")
    path = resp.headers["Location"]
    assert path.startswith("/authorize/select-account")
    token = csrf_from(http.get(path).get_data(as_text=True))
    resp = http.post(path, data={"csrf_token": token, "choice": "other"})
    assert resp.headers["Location"].startswith("/login?r=")
    resp = log_in(http, B, password, path=resp.headers["Location"])
    resp = http.get(resp.headers["Location"])  # the account was chosen: no second selection page
    assert resp.headers["Location"].startswith("/authorize/consent")  # B has not consented to this service
    q = rp.follow_to_code(resp)
    tokens = rp.token(q["code"]).get_json()
    assert rp.decode_id_token(tokens["id_token"]).claims["sub"] != rp.decode_id_token(login["id_token"]).claims["sub"]


def test_only_one_resume_of_a_request_issues_a_code(idp):
    from oidc.pending import PendingRequests

    requests = PendingRequests(idp.state)
    pending = requests.create([("client_id", "c")], "c", "http://rp.example/cb", None, browser="b")
    assert requests.claim(pending) is True
    assert requests.claim(pending) is False
    assert requests.get(pending.id, browser="b") is None
