"""The cabinet home offers to raise the account's identity level, with links
to the remote check and to the page on verifying in person, only while a
remote check would give more than the account has."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from oidc_helpers import csrf_from

PINFL = "31503901234567"  # seeded by the demo at identity level low
PASSWORD = "demo-password-2026"


def _home(app, lang="en") -> str:
    browser = app.test_client()
    page = browser.get("/login?lang=en").get_data(as_text=True)
    response = browser.post("/login?lang=en", data={"identifier": PINFL, "password": PASSWORD,
                                                     "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    home = browser.get(f"/?lang={lang}").get_data(as_text=True)
    return home, browser


def _set_level(idp, level: str) -> None:
    from idp.people.models import Account, Person

    with idp.db.transaction() as s:
        s.scalars(select(Account).join(Person).where(Person.pinfl == PINFL)).one().identity_level = level


@pytest.mark.parametrize("lang,text", [("en", "Raise your identity level"), ("ru", "Повысьте уровень подтверждения личности"),
                                       ("uz", None), ("uz-Cyrl", None)])
def test_a_low_account_is_offered_the_remote_check_and_a_visit(app, demo, lang, text):
    home, browser = _home(app, lang)
    remote = re.search(r'<a href="([^"]+)" id="raise-remote">([^<]+)</a>', home)
    in_person = re.search(r'<a href="([^"]+)" id="raise-in-person">', home)
    assert remote and in_person, home
    assert remote.group(1) == "/enroll/raise" and in_person.group(1) == "/consular/in-person"
    if text:
        assert html.unescape(remote.group(2)) == text
    assert browser.get(remote.group(1)).status_code == 200
    assert browser.get(in_person.group(1)).status_code == 200


@pytest.mark.parametrize("level", ["substantial", "high"])
def test_no_offer_when_a_remote_check_gives_no_more(app, idp, demo, level):
    _set_level(idp, level)
    home, _browser = _home(app)
    assert 'id="raise-level"' not in home and "Raise your identity level" not in home


def test_a_higher_remote_level_is_offered_to_a_substantial_account(app, idp, demo):
    import dataclasses

    enrollment = app.extensions["enrollment"]
    enrollment.config = dataclasses.replace(enrollment.config, levels={"passport": "high"})
    _set_level(idp, "substantial")
    home, _browser = _home(app)
    assert 'id="raise-remote"' in home
