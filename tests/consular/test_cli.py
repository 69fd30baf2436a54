"""`idp consulates`, `idp officers` and `idp consular` on the test database."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from consular_people import AZIZ, STAFF


@pytest.fixture
def run(app, world, database_url, csca_dir, monkeypatch):
    from consular.cli import consular_group, consulates_group, officers_group

    groups = {"consulates": consulates_group, "officers": officers_group, "consular": consular_group}
    for key, value in {"IDP_DATABASE_URL": database_url, "IDP_ENV": "test", "IDP_ISSUER": "http://localhost",
                       "IDP_CSCA_DIR": str(csca_dir), "IDP_ARGON2_MEMORY_KIB": "1024",
                       "IDP_ARGON2_TIME_COST": "1"}.items():
        monkeypatch.setenv(key, value)
    runner = CliRunner()

    def _run(group, *args, ok=True):
        result = runner.invoke(groups[group], [*args, "--json"])
        if ok:
            assert result.exit_code == 0, result.output
            return json.loads(result.output)
        assert result.exit_code != 0
        return result.output

    return _run


def test_consulates_create_and_list(run):
    made = run("consulates", "create", "--code", "seo", "--name", "Embassy of Uzbekistan in Seoul", "--city", "Seoul",
               "--country", "KR", "--timezone", "Asia/Seoul", "--serves", "jp, mn")
    assert made["code"] == "SEO" and made["countries"] == ["JP", "KR", "MN"]
    listed = {c["code"]: c for c in run("consulates", "list")}
    assert set(listed) >= {"MOW", "IST", "SEO"} and listed["MOW"]["fallback"] is True
    assert listed["SEO"]["timezone"] == "Asia/Seoul"


@pytest.mark.parametrize("args, error", [
    (["--serves", "RU"], "already served by another consulate: RU (MOW)"),
    (["--timezone", "Mars/Olympus"], "unknown time zone"),
    (["--country", "Korea"], "not an ISO 3166-1 alpha-2"),
    (["--code", "MOW"], "a consulate with code MOW exists"),
    (["--fallback"], "another consulate already reviews cases of unknown residence"),
])
def test_consulates_create_refuses_what_would_be_ambiguous(run, args, error):
    base = {"--code": "SEO", "--name": "Embassy", "--city": "Seoul", "--country": "KR", "--timezone": "Asia/Seoul"}
    for option, value in zip(args[::2], args[1::2]):
        base[option] = value
    flat = [x for pair in base.items() for x in pair] + [a for a in args if a == "--fallback"]
    assert error in run("consulates", "create", *flat, ok=False)


def test_officers_create_list_and_disable(run, portal):
    made = run("officers", "create", "--identifier", AZIZ, "--consulate", "ist", "--role", "supervisor")
    assert made["role"] == "supervisor" and made["consulate"] == "IST"
    at_istanbul = {o["pinfl"]: o for o in run("officers", "list", "--consulate", "IST")}
    assert at_istanbul[AZIZ]["role"] == "supervisor" and STAFF["istanbul"][0] in at_istanbul
    officer = portal("officer")
    assert officer.get("/consular/officer/MOW/queue").status_code == 200
    assert run("officers", "disable", "--identifier", STAFF["officer"][0]) == {"disabled": 1}
    assert officer.get("/consular/officer/MOW/queue").status_code == 302
    everyone = run("officers", "list", "--all")
    assert any(o["pinfl"] == STAFF["officer"][0] and not o["active"] for o in everyone)
    assert not any(o["pinfl"] == STAFF["officer"][0] for o in run("officers", "list"))


def test_officers_create_needs_an_existing_account_and_consulate(run):
    assert "no account" in run("officers", "create", "--identifier", "12345678901234", "--consulate", "MOW", ok=False)
    assert "no consulate" in run("officers", "create", "--identifier", AZIZ, "--consulate", "XXX", ok=False)


def test_slots_and_routing_from_the_command_line(run, idp):
    assert run("consular", "slots", "--consulate", "IST", "--from", "2031-03-03", "--to", "2031-03-09",
               "--times", "14:00,14:30", "--weekdays-only") == {"opened": 10}
    assert run("consular", "slots", "--consulate", "IST", "--from", "2031-03-03", "--to", "2031-03-09",
               "--times", "14:00,14:30") == {"opened": 4}  # the weekend only: the rest exist
    from consular.models import Slot

    with idp.db.transaction() as s:
        first = min(x.starts_at for x in s.query(Slot) if x.starts_at.year == 2031)
    assert (first.hour, first.minute) == (11, 0)  # 14:00 in Istanbul is 11:00 UTC
    assert run("consular", "route") == {"routed": 0}


def test_send_reminders_command(run):
    assert run("consular", "send-reminders") == {"due": 0, "sent": 0, "failed": 0}
