"""Routes that fit the device: the start page offers the chip, the
phone-alone (register photo) and the consular routes; the chip step never
shows a phone a QR code addressed to itself; every step offers the other
routes, and changing route clears what the other route had done."""
from __future__ import annotations

import pytest

from enrollment import policy
from enrollment.device import is_phone
from enrollment.models import IN_PROGRESS

PHONE = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/124.0 Mobile Safari/537.36")
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.4 Mobile/15E148 Safari/604.1")
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"


def test_the_start_page_offers_the_three_routes(journey):
    page = journey.get("/enroll/").get_data(as_text=True)
    for route in ("passport", "register_photo", "consular"):
        assert f'value="{route}"' in page
    assert "With this phone alone" in page


@pytest.mark.parametrize("agent", [PHONE, IPHONE])
def test_on_a_phone_the_chip_step_shows_no_qr_code_for_the_same_phone(journey, agent):
    journey.http.environ_base["HTTP_USER_AGENT"] = agent
    journey.through_document()
    page = journey.chip_page()
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'class="qr"' not in html and "data:image/svg+xml" not in html
    assert "oneid-reader:chip?" in html  # the reader app on this phone
    assert "idp-reader --mrz-key" in html  # a computer with a card reader
    assert 'name="route" value="register_photo"' in html  # and the route that needs no reader


def test_on_a_computer_the_chip_step_shows_the_qr_code_for_a_phone_with_the_reader_app(journey):
    journey.http.environ_base["HTTP_USER_AGENT"] = DESKTOP
    journey.through_document()
    html = journey.chip_page().get_data(as_text=True)
    assert 'class="qr"' in html and 'id="reader-other-phone"' in html


def test_the_phone_detection():
    assert is_phone(PHONE) and is_phone(IPHONE) and not is_phone(DESKTOP) and not is_phone(None)


def test_changing_route_clears_the_other_routes_steps(journey, idp, holder):
    journey.through_document()
    assert journey.read_chip().status_code == 202
    case = journey.case()
    assert case.chip_at is not None and case.pinfl is not None
    response = journey.post_form("/enroll/route", {"route": "register_photo"}, page="/enroll/selfie")
    assert response.status_code == 302 and response.headers["Location"].endswith("/enroll/register")
    case = journey.case()
    assert (case.route, case.status, case.chip_at, case.chip_evidence_id, case.pinfl) == (
        "register_photo", IN_PROGRESS, None, None, None)
    assert case.document_at is not None  # the typed passport stays
    # and back: the register step's fields are cleared in turn
    response = journey.post_form("/enroll/route", {"route": "passport"}, page="/enroll/register")
    assert response.headers["Location"].endswith("/enroll/chip") and journey.case().route == "passport"


def test_a_route_that_is_not_remote_cannot_be_chosen_this_way(journey):
    journey.through_document()
    journey.post_form("/enroll/route", {"route": "consular"}, page="/enroll/chip")
    journey.post_form("/enroll/route", {"route": "nonsense"}, page="/enroll/chip")
    assert journey.case().route == "passport" and journey.case().status == IN_PROGRESS


def _register_evidence(**kw):
    base = dict(purpose="enroll", chip_accepted=False, route="register_photo", register_accepted=True,
                selfie_outcome="pass", register_face="match")
    return policy.CaseEvidence(**{**base, **kw})


@pytest.mark.parametrize("kw,outcome,reasons,flags", [
    ({}, policy.REVIEW, ("register_photo_route",), ()),
    ({"register_face": "review"}, policy.REVIEW, ("register_photo_route", "register_photo_uncertain"),
     ("register_photo_uncertain",)),
    ({"register_face": None}, policy.REVIEW, ("register_photo_route", "register_photo_unusable"),
     ("register_photo_unusable",)),
    ({"portrait_face": "no_match"}, policy.REVIEW, ("register_photo_route", "page_portrait_mismatch"),
     ("page_portrait_mismatch",)),
    ({"register_face": "no_match"}, policy.REJECT, ("register_photo_mismatch",), ()),
    ({"register_accepted": False, "register_reasons": ("register_no_match",)}, policy.REJECT,
     ("register_no_match",), ()),
    ({"selfie_outcome": "fail", "selfie_reasons": ("liveness_failed",)}, policy.REJECT, ("liveness_failed",), ()),
    ({"selfie_outcome": None}, policy.REJECT, ("selfie_missing",), ()),
])
def test_the_register_photo_route_never_approves_by_itself(kw, outcome, reasons, flags):
    decision = policy.decide(_register_evidence(**kw), auto_approve=True)
    assert (decision.outcome, decision.reasons, decision.flags) == (outcome, reasons, flags)
