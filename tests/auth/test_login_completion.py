"""The login-completion contract: `complete_login`, the continuation
registry, and the rule that login methods share one completion."""
import pathlib
import re

import pytest
from sqlalchemy import select

from idp.auth.complete import complete_login
from idp.auth.continuations import ContinuationKind, Continuations, ReturnKind, registry_of, safe_return_path
from idp.auth.factors import TOTP_EVENT
from idp.auth.levels import AuthEvent
from idp.auth.services import PASSWORD_EVENT
from idp.people.models import Account

ROOT = pathlib.Path(__file__).resolve().parents[2]
HIGH = AuthEvent("passkey", ("hwk", "user"), "high")


class Recorder(ContinuationKind):
    kind, param = "probe", "probe"

    def __init__(self):
        self.bound = []

    def accept(self, raw, browser):
        return raw if browser == "this-browser" else None

    def target(self, value):
        return "/probe/" + value

    def on_login(self, value, login_id, account_id):
        self.bound.append((value, login_id, account_id))


@pytest.fixture
def accounts(idp, demo):
    with idp.db.transaction() as s:
        return [a.id for a in s.scalars(select(Account).order_by(Account.created_at))][:2]


def test_new_login_merges_the_first_step_and_binds_after_commit(idp, accounts):
    registry, probe = Continuations(), Recorder()
    registry.register(probe)
    cont = registry.make("probe", "abc")
    with idp.db.transaction() as s:
        done = complete_login(s, idp.sessions, registry, accounts[0], TOTP_EVENT, cont,
                              current_login=None, first=PASSWORD_EVENT, user_agent="UA")
        assert probe.bound == []  # nothing short-lived before the commit
        assert done.token and done.target == "/probe/abc" and done.remember_device_for == accounts[0]
        assert done.login.auth_level == "substantial" and set(done.login.amr) == {"pwd", "otp", "mfa"}
    assert probe.bound == [("abc", done.login.id, accounts[0])]  # right after the commit


def test_a_rolled_back_login_binds_nothing(idp, accounts):
    registry, probe = Continuations(), Recorder()
    registry.register(probe)
    with pytest.raises(RuntimeError):
        with idp.db.transaction() as s:
            complete_login(s, idp.sessions, registry, accounts[0], PASSWORD_EVENT, registry.make("probe", "x"),
                           current_login=None)
            raise RuntimeError("the request failed")
    assert probe.bound == []


def test_same_account_steps_up_and_another_account_ends_the_session(idp, accounts):
    registry = Continuations()
    with idp.db.transaction() as s:
        first = complete_login(s, idp.sessions, registry, accounts[0], PASSWORD_EVENT, None, current_login=None)
        again = complete_login(s, idp.sessions, registry, accounts[0], HIGH, None, current_login=first.login)
        assert again.token is None and again.login is first.login and again.login.auth_level == "high"
        assert again.target is None
        other = complete_login(s, idp.sessions, registry, accounts[1], PASSWORD_EVENT, None,
                               current_login=again.login)
        assert other.token and other.login.id != first.login.id and first.login.ended_at is not None


def test_step_up_with_a_first_step_adds_both(idp, accounts):
    registry = Continuations()
    with idp.db.transaction() as s:
        code_only = complete_login(s, idp.sessions, registry, accounts[0], AuthEvent("email_code", ("otp",), "low"),
                                   None, current_login=None)
        assert code_only.login.auth_level == "low"
        both = complete_login(s, idp.sessions, registry, accounts[0], TOTP_EVENT, None,
                              current_login=code_only.login, first=PASSWORD_EVENT)
        assert both.login.auth_level == "substantial" and "pwd" in both.login.amr


def test_registry_refuses_duplicates_and_checks_values():
    registry = Continuations()
    registry.register(ReturnKind())
    registry.register(Recorder())
    with pytest.raises(ValueError):
        registry.register(Recorder())

    class SameParam(ContinuationKind):
        kind, param = "other", "next"
    with pytest.raises(ValueError):
        registry.register(SameParam())
    assert registry.from_params({"probe": "x"}, "another-browser") is None
    assert registry.from_params({"probe": "x"}, "this-browser").value == "x"
    found = registry.from_params({"next": "/cabinet?tab=1"}, "")
    assert (found.kind, registry.params(found)) == ("return", {"next": "/cabinet?tab=1"})
    assert registry.from_params({"next": "//evil.example"}, "") is None


@pytest.mark.parametrize("value,ok", [
    ("/cabinet/security", True), ("/a?b=c&d=/e", True), ("//evil.example", False), ("/\\evil.example", False),
    ("/\t/evil.example", False), ("/\n/evil", False), ("https://evil.example", False), ("evil", False),
    ("", False), (None, False), ("/" + "a" * 3000, False), ("/a\\b", False), ("/a b", False),
])
def test_return_paths_stay_on_this_site(value, ok):
    assert safe_return_path(value) == (value if ok else None)


def test_every_app_has_the_three_kinds(app):
    assert {"return", "authorize", "officer"} <= set(registry_of(app.extensions)._kinds)


def test_no_login_method_imports_another_packages_view_helpers():
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or path.parts[len(ROOT.parts)] == "tests":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bfinish_login\b|from idp\.auth\.views import .*(_pending|_client_name)", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
    for path in (ROOT / "idp" / "auth").glob("*.py"):
        assert not re.search(r"^\s*(from|import) oidc\b", path.read_text(encoding="utf-8"), re.M), path.name
