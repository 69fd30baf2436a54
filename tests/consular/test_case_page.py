"""The case page shows all the evidence, and opening it is recorded where
the citizen can see it."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from consular_people import CITIZENS


def test_the_case_page_shows_every_piece_of_evidence(cases, portal):
    case = cases(citizen=CITIZENS[0], email="bekzod@example.org", phone="+79161234567",
                 flags=("face_match_uncertain", "register_name_mismatch"), selfie="review", distance=0.56,
                 images=True)
    page = portal("officer").page(f"/consular/officer/MOW/cases/{case}?lang=en")
    # the person, from the register, and what they typed
    assert "Bekzod" in page and "Ergashev" in page and CITIZENS[0][0] in page and "FA1000001" in page
    # the chip report: each check and its reason code
    for check in ("sod_signature", "dsc_chain", "active_authentication", "mrz_match", "document_expiry"):
        assert f'data-check="{check}"' in page
    # the chip portrait beside the best selfie frame, as data: URIs (no image URL exists)
    assert 'alt="Chip portrait" id="chip-portrait"' in page and 'id="best-frame"' in page
    assert page.count('src="data:image/jpeg;base64,') == 2
    assert "Best selfie frame (of 3)" in page
    # distance and liveness result
    assert 'id="face-distance">0.560' in page and 'id="liveness-outcome"' in page
    # the register match, the flags and the history
    assert 'id="register-match"' in page and "family_name" in page
    assert 'data-flag="face_match_uncertain"' in page and 'data-flag="register_name_mismatch"' in page
    assert "enrollment" in page and "consular.case.routed" in page
    assert "Flagged: an approval needs a second person" in page


def test_a_case_whose_images_were_purged_still_shows_its_scores(cases, portal):
    case = cases(citizen=CITIZENS[0], email="bekzod@example.org", images=False)
    page = portal("officer").page(f"/consular/officer/MOW/cases/{case}?lang=en")
    assert "No chip portrait" in page and "No selfie frame" in page and 'id="face-distance">0.310' in page


def test_each_opening_is_audited_and_visible_to_the_citizen(app, idp, cases, portal, audit):
    case = cases(citizen=CITIZENS[0], email="bekzod@example.org")
    officer = portal("officer")
    officer.page(f"/consular/officer/MOW/cases/{case}")
    officer.page(f"/consular/officer/MOW/cases/{case}")
    views = audit("consular.case.viewed")
    assert len(views) == 2 and all(v.subject == case and v.data["case"] == case for v in views)
    # once the citizen has an account (activation), the record page shows the views
    from idp.people.services import create_user
    from enrollment.models import EnrollmentCase

    with idp.db.transaction() as s:
        account = create_user(s, idp.passwords, pinfl=CITIZENS[0][0], password="a-long-citizen-password",
                              email="bekzod@example.org")
        s.get(EnrollmentCase, case).account_id = account.id
    citizen = app.test_client()
    from consular_portal import csrf_in

    citizen.post("/login", data={"identifier": CITIZENS[0][0], "password": "a-long-citizen-password",
                                 "csrf_token": csrf_in(citizen.get("/login").get_data(as_text=True))})
    record = citizen.get("/consular/record?lang=en").get_data(as_text=True)
    assert record.count('data-event="consular.case.viewed"') == 2
    assert "An officer opened your enrollment case" in record and "Consulate General of Uzbekistan in Moscow" in record


def test_views_of_an_existing_account_go_to_the_cabinet(app, idp, cases, portal, audit):
    """A recovery case: the person has an account, so the officer's view is
    recorded under it and appears in the cabinet's activity list."""
    from idp.people.services import create_user

    with idp.db.transaction() as s:
        account = create_user(s, idp.passwords, pinfl=CITIZENS[1][0], password="a-long-citizen-password")
    case = cases(citizen=CITIZENS[1], email="shahnoza@example.org", purpose="recovery", flags=("account_recovery",))
    portal("officer").page(f"/consular/officer/MOW/cases/{case}")
    [view] = audit("consular.case.viewed")
    assert view.subject == account.id
    citizen = app.test_client()
    from consular_portal import csrf_in

    citizen.post("/login", data={"identifier": CITIZENS[1][0], "password": "a-long-citizen-password",
                                 "csrf_token": csrf_in(citizen.get("/login").get_data(as_text=True))})
    home = citizen.get("/?lang=en").get_data(as_text=True)
    assert "A consular officer at" in home and "opened your enrollment case" in home
    assert "consular.case.viewed" not in home


class _Text(HTMLParser):
    """The text an officer reads: text nodes, without tags, attributes, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _visible_words(page: str) -> set[str]:
    reader = _Text()
    reader.feed(page)
    return set(re.findall(r"[A-Za-z0-9_]+", " ".join(reader.parts)))


def test_every_check_the_chip_verifier_can_report_has_a_sentence():
    from consular.messages import CHIP_CHECKS

    root = Path(__file__).resolve().parents[2] / "nfc"
    source = (root / "verify.py").read_text() + (root / "upload.py").read_text()
    named = set(re.findall(r'(?:add|run|_parse\(checks,|Check)\(?\s*"([a-z0-9_]+)"', source))
    named |= {n for group in re.findall(r"skip\(\(([^)]*)\)", source) for n in re.findall(r'"([a-z0-9_]+)"', group)}
    assert {"sod_signature", "data_group_hashes", "active_authentication", "nonce_echo"} <= named
    assert named - set(CHIP_CHECKS) == set()


@pytest.mark.parametrize("lang,sentence", [
    ("en", "The security object's signature is valid."),
    ("ru", "Подпись объекта безопасности действительна."),
    ("uz", "Xavfsizlik obyektining imzosi haqiqiy."),
    ("uz-Cyrl", "Хавфсизлик объектининг имзоси ҳақиқий."),
])
def test_the_case_page_names_each_check_in_the_officers_language(cases, portal, lang, sentence):
    from consular.messages import CHIP_CHECKS, LIVENESS_CHECKS, REGISTER_MATCH
    from consular_cases import CHIP_CHECKS as REPORTED

    case = cases(citizen=CITIZENS[0], email="bekzod@example.org", flags=("register_name_mismatch",),
                 selfie="review", distance=0.56)
    page = portal("officer").page(f"/consular/officer/MOW/cases/{case}?lang={lang}")
    assert all(f'data-check="{name}"' in page for name in REPORTED)  # every check is there...
    assert sentence in html.unescape(page)
    raw = set(CHIP_CHECKS) | set(LIVENESS_CHECKS) | set(REGISTER_MATCH) | {"pass", "fail", "review", "skipped"}
    if lang == "en":  # "portrait", "review"... are English words too: only ids with an underscore
        raw = {name for name in raw if "_" in name}
    assert _visible_words(page) & raw == set()  # ...and none of them as an id
