"""The pages: languages, phone layout, strict CSP, limits, configuration."""
from __future__ import annotations

import re

import pytest

from enrollment_journey import Journey


@pytest.mark.parametrize("lang,title", [
    ("uz", "Chet eldan OneID hisobini yarating"),
    ("ru", "Создайте учётную запись OneID из-за рубежа"),
    ("en", "Create a OneID account from abroad"),
])
def test_the_start_page_in_each_language(http, lang, title):
    page = http.get(f"/enroll/?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in page and f"<h1>{title}</h1>" in page


def check_page(journey, path):
    response = journey.get(path)
    assert response.status_code == 200, path
    html = response.get_data(as_text=True)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), f"inline script on {path}"
    assert not re.search(r"\son[a-z]+=", html), f"inline event handler on {path}"
    assert response.headers["Cache-Control"] == "no-store"


def test_every_page_of_the_journey_works_under_a_strict_csp(journey, cli):
    steps = [("/enroll/", journey.start), ("/enroll/contact", journey.contact),
             ("/enroll/contact/verify", journey.verify_email), ("/enroll/document", journey.document),
             ("/enroll/chip", journey.read_chip), ("/enroll/selfie", journey.selfie),
             ("/enroll/review", journey.submit)]
    for path, advance in steps:
        check_page(journey, path)
        advance()
    check_page(journey, "/enroll/status")
    cli("enrollment", "approve", journey.case().id)
    check_page(journey, "/enroll/activate")
    check_page(journey, "/enroll/activate/app")
    for path in ("/enroll/resume", "/enroll/consular"):
        check_page(journey, path)


def test_starting_cases_is_limited_per_address(app, idp, passport):
    journey = Journey(app, idp, passport)
    statuses = [journey.start().status_code for _ in range(21)]
    assert statuses[:20] == [302] * 20 and statuses[20] == 429


def test_reader_calls_are_limited_per_case(journey):
    journey.through_document()
    journey.chip_page()
    statuses = [journey.challenge().status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429


def test_a_register_that_does_not_answer_is_a_503_for_the_reader(app, journey, monkeypatch):
    from idp.registry import RegistryUnavailable

    def down(*_a, **_k):
        raise RegistryUnavailable("timeout")

    journey.through_document()
    monkeypatch.setattr(app.extensions["idp"].registry, "find_by_document", down)
    response = journey.read_chip()
    assert response.status_code == 503 and response.get_json()["error"] == "registry_unavailable"
    assert journey.case().chip_attempts == 0


def test_the_test_liveness_engine_is_refused_in_production(app):
    import dataclasses

    from idp.config import ConfigError

    config = dataclasses.replace(app.extensions["enrollment"].config, environment="production", liveness_engine="dlib")
    config.validate()  # the real engine is fine
    with pytest.raises(ConfigError, match="LIVENESS_ENGINE=test"):
        dataclasses.replace(config, liveness_engine="test").validate()


@pytest.mark.parametrize("change,problem", [
    ({"enrollment_auto_approve": "perhaps"}, "ENROLLMENT_AUTO_APPROVE"),
    ({"biometric_retention_days": 400}, "RETENTION"),
    ({"biometric_encryption_key": "not-a-key"}, "BIOMETRIC_ENCRYPTION_KEY"),
])
def test_bad_settings_stop_the_app_at_start_up(settings_overrides, change, problem):
    from idp.app import create_app
    from idp.config import ConfigError

    with pytest.raises(ConfigError, match=problem):
        create_app({**settings_overrides, **change})


def test_the_openapi_description_covers_every_json_route(app):
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "enrollment-openapi.yaml").read_text()
    routes = {rule.rule.replace("<case_id>", "{case_id}") for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/enroll/api/") or rule.rule in ("/enroll/status.json", "/enroll/selfie/challenge",
                                                                       "/enroll/selfie/frames")}
    assert len(routes) == 5
    for route in routes:
        assert f"\n  {route}:\n" in text, route


def test_a_misspelt_biometrics_setting_stops_the_app_at_start_up(settings_overrides, monkeypatch):
    from idp.app import create_app
    from idp.config import ConfigError

    monkeypatch.setenv("IDP_BIOMETRICS_MATCH_TRESHOLD", "0.4")
    with pytest.raises(ConfigError, match="IDP_BIOMETRICS_"):
        create_app(settings_overrides)
    monkeypatch.delenv("IDP_BIOMETRICS_MATCH_TRESHOLD")
    monkeypatch.setenv("IDP_BIOMETRICS_MATCH_THRESHOLD", "0.45")
    app = create_app(settings_overrides)
    assert app.extensions["enrollment"].biometrics_settings().match_threshold == 0.45
    app.extensions["idp"].db.dispose()
