"""Links we send are under the configured issuer whatever the Host header
says; access logs hold no bearer links, ID tokens or PINFLs; language links
of any page (404 included) stay on this site."""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import select

from idp import accesslog
from live import LiveIdp

EVIL = "http://evil.example"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def _csrf(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token on the page"
    return next(g for g in found.groups() if g)


def _last_email(idp, to: str):
    from idp.notify.models import OutboxMessage

    with idp.db.transaction() as s:
        row = s.scalars(select(OutboxMessage).where(OutboxMessage.recipient == to)
                        .order_by(OutboxMessage.created_at.desc())).first()
        return row.subject, row.body


def test_booking_email_links_to_the_issuer_whatever_the_host(app, idp, demo):
    from consular.models import Slot
    from consular.services import consulates

    when = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=72)).replace(second=0, microsecond=0)
    with idp.db.transaction() as s:
        slot = Slot(consulate_id=consulates.find(s, "MOW").id, starts_at=when, minutes=20, capacity=1)
        s.add(slot)
        s.flush()
        slot_id = slot.id
    http = app.test_client()

    def post(path, data, page):
        html = http.get(page, base_url=EVIL).get_data(as_text=True)
        return http.post(path, data={**data, "csrf_token": _csrf(html)}, base_url=EVIL)

    email = "ali@example.org"
    assert post("/consular/book/MOW/email", {"email": email}, "/consular/book/MOW?lang=en").status_code == 302
    code = re.search(r"\b(\d{6})\b", _last_email(idp, email)[1]).group(1)
    assert post("/consular/book/MOW/code", {"code": code}, "/consular/book/MOW").status_code == 302
    booked = post("/consular/book/MOW", {"slot": slot_id}, "/consular/book/MOW")
    assert booked.status_code == 302, booked.get_data(as_text=True)[:500]
    _subject, body = _last_email(idp, email)
    links = re.findall(r"https?://[^\s\"'<>]+", body)
    assert links and "evil.example" not in body
    assert all(link.startswith("http://localhost/") for link in links), links


def test_external_url_keeps_the_issuers_path_prefix(tmp_path):
    from idp.app import create_app
    from idp.links import external_url

    app = create_app({"env": "test", "database_url": f"sqlite:///{tmp_path}/x.sqlite",
                      "issuer": "https://id.example.uz/oneid"})
    with app.test_request_context("/", base_url=EVIL):
        assert external_url("consular.book") == "https://id.example.uz/oneid/consular/book"
        assert external_url("consular.activate", _anchor="123456") == "https://id.example.uz/oneid/consular/activate#123456"
    with app.app_context():  # no request at all: the command line sends e-mails too
        assert external_url("consular.appointment", token="t") == "https://id.example.uz/oneid/consular/appointment/t"


@pytest.mark.parametrize("path", ["/%5Cevil.example/x", "/%5C%5Cevil.example", "//evil.example/x",
                                  "/%2F%2Fevil.example/x", "/login/%5Cevil.example"])
def test_language_links_of_a_404_page_stay_on_this_site(http, path):
    page = http.get(path)
    assert page.status_code == 404
    links = re.findall(r'href="([^"]*)"[^>]*hreflang=', page.get_data(as_text=True))
    assert len(links) >= 2
    for link in links:
        link = link.replace("&amp;", "&")
        assert link.startswith(("?", "/")) and not link.startswith(("//", "/\\")), link
        assert "evil.example" not in link.split("?")[0], link
        assert urlsplit("http://localhost" + path).netloc == "localhost" or link.startswith("?")


def test_language_links_of_a_page_keep_its_route_and_query(http):
    html = http.get("/login?lang=en&r=abc").get_data(as_text=True)
    links = [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]*)"[^>]*hreflang=', html)]
    assert "/login?r=abc&lang=ru" in links and "/login?r=abc&lang=uz" in links


# -- access logs ----------------------------------------------------------------------

TOKEN = "Zk" + "q" * 40
ID_TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
PINFL = "37712319876543"  # in no demo data, so only a leak can print it


def test_routed_targets_lose_their_path_tokens_and_query_values(app):
    accesslog.init_app(app)
    seen = []
    inner = app.wsgi_app

    def server(environ, start_response):  # what a WSGI server's logger is given afterwards
        seen.append(environ)
        return inner(environ, start_response)

    app.wsgi_app = server
    http = app.test_client()
    http.get(f"/consular/appointment/{TOKEN}?lang=en")
    assert accesslog.target(seen[-1]) == "/consular/appointment/:token?lang=en"
    http.get(f"/authorize?client_id=abc&login_hint={PINFL}&id_token_hint={ID_TOKEN}&state=s1")
    assert accesslog.target(seen[-1]) == "/authorize?client_id=abc&login_hint=-&id_token_hint=-&state=-"


def test_unrouted_targets_lose_long_segments_and_pinfls():
    environ = {"PATH_INFO": f"/consular/appointment/{TOKEN}/x/{PINFL}", "QUERY_STRING": "code=123456"}
    assert accesslog.target(environ) == "/consular/appointment/:redacted/x/:redacted?code=-"
    assert accesslog.redact_url(f"http://localhost/enroll/activate/{TOKEN}?x=1") == \
        "http://localhost/enroll/activate/:redacted?x=-"


SECRETS = (TOKEN, ID_TOKEN, PINFL, "s3cr3t-state")


def _requests_with_secrets(base: str) -> None:
    requests.get(f"{base}/consular/appointment/{TOKEN}?lang=en", timeout=10)
    requests.get(f"{base}/authorize?client_id=abc&login_hint={PINFL}&id_token_hint={ID_TOKEN}"
                 "&state=s3cr3t-state", timeout=10, allow_redirects=False)
    requests.get(f"{base}/logout?id_token_hint={ID_TOKEN}", timeout=10, allow_redirects=False)
    requests.get(f"{base}/enroll/activate/{TOKEN}", timeout=10, allow_redirects=False,
                 headers={"Referer": f"{base}/consular/appointment/{TOKEN}?login_hint={PINFL}"})


def _wait_for(log_path, needle: str, timeout: float = 10.0) -> str:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log_path.read_text(errors="replace")
        if needle in text:
            return text
        time.sleep(0.1)
    raise AssertionError(f"{needle!r} never logged:\n{log_path.read_text(errors='replace')[-3000:]}")


def test_gunicorn_access_log_has_no_secrets(tmp_path):
    live = LiveIdp.prepare(tmp_path)
    with live.serve() as server:
        _requests_with_secrets(live.issuer)
        log = _wait_for(server.log_path, "/enroll/activate/:token")
    for secret in SECRETS:
        assert secret not in log
    line = next(row for row in log.splitlines() if "/consular/appointment/:token" in row)
    assert re.search(r'"GET /consular/appointment/:token\?lang=en HTTP/1\.1" \d{3} \d+ \d+ms', line), line
    assert "login_hint=-" in log and "id_token_hint=-" in log


def test_development_server_log_has_no_secrets(tmp_path):
    live = LiveIdp.prepare(tmp_path, extra_env={"IDP_LOG_LEVEL": "INFO"})
    with live.demo() as demo:
        _requests_with_secrets(demo.issuer)
        log = _wait_for(demo.server.log_path, "/enroll/activate/:token")
    log = log.split("Press Ctrl+C to stop.", 1)[1]  # the requests, not the demo's own instructions
    for secret in SECRETS:
        assert secret not in log
    assert re.search(r'"GET /consular/appointment/:token\?lang=en HTTP/1\.1" \d{3} \S+ \d+ms', log)


def test_the_tag_is_secret_free_for_every_route_with_a_token(app):
    """Every route argument called token is replaced; a new route with a
    secret under another name must be added to SECRET_ARGS."""
    names = {arg for rule in app.url_map.iter_rules() for arg in rule.arguments}
    assert names <= {"filename", "channel", "sid", "client_id", "passkey_id", "token", "case_id", "code",
                     "appointment_id", "visit_id", "request_id"}, names
