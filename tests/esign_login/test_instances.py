"""Several instances behind a load balancer share challenges through Redis:
a challenge issued by one is accepted by another, and only once."""
from __future__ import annotations

import pytest


@pytest.fixture
def two_instances(settings_overrides, redis_url):
    from idp.app import create_app

    overrides = {**settings_overrides, "redis_url": redis_url, "secret_key": "s" * 43}
    apps = [create_app(overrides), create_app(overrides)]
    yield apps
    for app in apps:
        app.extensions["idp"].db.dispose()


def test_challenge_from_one_instance_is_used_once_on_another(two_instances, holders, key_login, pki):
    first, second = (app.test_client() for app in two_instances)
    browser = type(key_login)(first, pki)
    browser.open("?lang=en")
    challenge = browser.challenge()
    cms = browser.sign("individual-rsa", challenge["challenge"])
    second.set_cookie("idp_flow", first.get_cookie("idp_flow").value)
    other = type(key_login)(second, pki)
    other.csrf = browser.csrf

    assert other.post(challenge["id"], cms).status_code == 302
    replay = browser.post(challenge["id"], cms, query="?lang=en")
    assert replay.status_code == 400
    assert "expired or was already used" in replay.get_data(as_text=True)
