"""The pure rules: four eyes, portal access, local time at a consulate."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from consular.errors import FourEyes
from consular.foureyes import FINAL, FIRST, Actor, approval_step, check_second_person
from consular.services.access import check_access
from consular.services.officers import Role

OFFICER, OTHER, CHIEF = Actor("a", "officer"), Actor("b", "officer"), Actor("c", "supervisor")


def test_an_unflagged_approval_is_final_at_once():
    assert approval_step(needs_second=False, first_by=None, actor=OFFICER) == FINAL


def test_a_flagged_approval_waits_for_a_supervisor():
    assert approval_step(needs_second=True, first_by=None, actor=OFFICER) == FIRST
    assert approval_step(needs_second=True, first_by=None, actor=CHIEF) == FIRST  # a supervisor alone neither
    assert approval_step(needs_second=True, first_by="a", actor=CHIEF) == FINAL


@pytest.mark.parametrize("first, actor, code", [("a", OFFICER, "same_officer"), ("c", CHIEF, "same_officer"),
                                                ("a", OTHER, "supervisor_required")])
def test_the_second_step_is_another_persons_and_a_supervisors(first, actor, code):
    with pytest.raises(FourEyes) as refused:
        approval_step(needs_second=True, first_by=first, actor=actor)
    assert refused.value.code == code
    with pytest.raises(FourEyes):
        check_second_person(first_by=first, actor=actor)


def login(amr=("hwk", "user", "mfa"), level="high"):
    return SimpleNamespace(id="L1", account_id="A1", amr=list(amr), auth_level=level)


ROLES = [Role("C1", "MOW", "officer")]
FRESH = {"login": "L1", "account": "A1", "started": 1000.0, "seen": 1000.0}


@pytest.mark.parametrize("kwargs, error", [
    (dict(login=None), "login_required"),
    (dict(roles=[]), "not_an_officer"),
    (dict(login=login(amr=("pwd", "otp"), level="substantial")), "passkey_required"),
    (dict(login=login(amr=("hwk",), level="substantial")), "passkey_required"),  # no user verification
    (dict(login=login(amr=("pwd", "hwk", "mfa"), level="substantial")), "passkey_required"),
    (dict(portal_session=None), "session_expired"),
    (dict(portal_session={**FRESH, "login": "L2"}), "session_expired"),  # another login session's
    (dict(now=1000.0 + 901), "session_expired"),  # idle
    (dict(portal_session={**FRESH, "seen": 8000.0}, now=8201.0), "session_expired"),  # past the lifetime
])
def test_portal_access_refusals(kwargs, error):
    args = dict(login=login(), roles=ROLES, portal_session=FRESH, now=1010.0, expected_lifetime=7200,
                expected_idle=900)
    args.update(kwargs)
    assert check_access(**args).error == error


def test_portal_access_with_a_fresh_passkey_login():
    assert check_access(login=login(), roles=ROLES, portal_session=FRESH, now=1500.0, expected_lifetime=7200,
                        expected_idle=900).ok


def test_local_times_follow_the_consulates_clock_changes():
    from consular.services.consulates import to_utc

    berlin = SimpleNamespace(timezone="Europe/Berlin")
    assert to_utc(berlin, dt.date(2026, 1, 15), dt.time(9, 0)).hour == 8  # CET
    assert to_utc(berlin, dt.date(2026, 7, 15), dt.time(9, 0)).hour == 7  # CEST
    with pytest.raises(ValueError, match="does not exist"):
        to_utc(berlin, dt.date(2026, 3, 29), dt.time(2, 30))  # skipped by the spring change
