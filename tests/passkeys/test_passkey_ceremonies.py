"""Challenges: single use, bound to browser, purpose and account, shared by
every instance through the state store (the database, or Redis)."""
from __future__ import annotations

import secrets

import pytest

from idp.passkeys.ceremonies import Ceremonies
from idp.passkeys.errors import ChallengeExpired, ChallengeNotBound


def check_single_use_and_binding(first: Ceremonies, second: Ceremonies) -> None:
    """Begin on `first`, take on `second` (another instance sharing the store)."""
    issued = first.begin("step_up", binding="browser-a", account_id="acct-1", require_user_verification=True,
                         allowed=(b"cred-1", b"cred-2"))
    taken = second.take(issued.handle, purpose="step_up", binding="browser-a", account_id="acct-1")
    assert (taken.challenge, taken.account_id, taken.require_user_verification, taken.allowed) == (
        issued.challenge, "acct-1", True, (b"cred-1", b"cred-2"))
    assert len(issued.challenge) == 32
    with pytest.raises(ChallengeExpired):
        second.take(issued.handle, purpose="step_up", binding="browser-a", account_id="acct-1")

    for wrong in ({"binding": "browser-b"}, {"purpose": "login"}, {"account_id": "acct-2"}):
        issued = first.begin("step_up", binding="browser-a", account_id="acct-1")
        asked = {"purpose": "step_up", "binding": "browser-a", "account_id": "acct-1", **wrong}
        with pytest.raises(ChallengeNotBound):
            second.take(issued.handle, **asked)
        with pytest.raises(ChallengeExpired):  # a refused answer used the challenge up
            second.take(issued.handle, purpose="step_up", binding="browser-a", account_id="acct-1")


def test_in_the_database(idp):
    check_single_use_and_binding(Ceremonies(idp.state), Ceremonies(idp.state))


def test_in_redis_across_two_instances(redis_url):
    from idp.state.store import RedisStateStore

    prefix = f"test-passkeys-{secrets.token_hex(4)}:"
    one, two = RedisStateStore(redis_url, prefix=prefix), RedisStateStore(redis_url, prefix=prefix)
    check_single_use_and_binding(Ceremonies(one), Ceremonies(two))
    assert one.keys("passkey:") == []


def test_challenges_expire(idp):
    import time

    ceremonies = Ceremonies(idp.state, ttl=1)
    issued = ceremonies.begin("login", binding="browser-a")
    time.sleep(1.1)
    with pytest.raises(ChallengeExpired):
        ceremonies.take(issued.handle, purpose="login", binding="browser-a")


@pytest.mark.parametrize("handle", [None, 42, "", "short", "x" * 65, "../../etc", "a b c d e f g h i j k l m n"])
def test_a_malformed_handle_is_unknown_without_a_lookup(handle):
    class Untouchable:
        def __getattr__(self, name):
            raise AssertionError("the store was asked")

    with pytest.raises(ChallengeExpired):
        Ceremonies(Untouchable()).take(handle, purpose="login", binding="browser-a")


def test_a_ceremony_needs_a_known_purpose_and_a_browser(idp):
    with pytest.raises(ValueError):
        Ceremonies(idp.state).begin("pay", binding="browser-a")
    with pytest.raises(ValueError):
        Ceremonies(idp.state).begin("login", binding="")
