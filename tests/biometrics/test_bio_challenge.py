"""Challenges: random, single use, bound to a nonce, a subject and a deadline."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from bio_images import Clock, noise_frames
from biometrics import BiometricsSettings, FixedLivenessEngine, LivenessService
from biometrics.liveness import Action, Challenge, InMemoryChallengeStore, new_challenge


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def service(clock):
    return LivenessService(BiometricsSettings(), engine=FixedLivenessEngine("pass", environment="test"), clock=clock)


def test_challenges_are_random_sequences_of_two_or_three_distinct_actions(settings):
    lengths, seen = Counter(), Counter()
    ids = set()
    for _ in range(300):
        c = new_challenge(settings, now=0.0)
        assert 2 <= len(c.actions) <= 3
        assert len(set(c.actions)) == len(c.actions)
        assert all(a.value in settings.actions for a in c.actions)
        lengths[len(c.actions)] += 1
        seen.update(c.actions)
        ids.add(c.id)
        assert len(c.nonce) >= 22 and c.nonce != c.id  # at least 128 random bits
    assert set(lengths) == {2, 3}
    assert set(seen) == {Action(a) for a in settings.actions}
    assert len(ids) == 300


def test_open_mouth_can_replace_smile_in_the_action_pool():
    s = BiometricsSettings(actions=("blink", "turn_left", "turn_right", "open_mouth"))
    seen = {a for _ in range(100) for a in new_challenge(s, now=0.0).actions}
    assert Action.OPEN_MOUTH in seen and Action.SMILE not in seen


def test_challenge_has_a_deadline_and_the_client_view(settings, service, clock):
    c = service.create_challenge(subject="case-7")
    assert c.expires_at == clock.now + settings.challenge_lifetime_s
    client = c.to_client(settings)
    assert client["challenge_id"] == c.id and client["nonce"] == c.nonce
    assert client["actions"] == [a.value for a in c.actions]
    assert "subject" not in client
    assert c.nonce not in repr(c)


def test_challenge_survives_a_round_trip_through_a_store_format():
    c = new_challenge(BiometricsSettings(), now=5.0, subject="case-1")
    assert Challenge.from_dict(c.to_dict()) == c


def test_store_hands_out_a_challenge_once():
    store = InMemoryChallengeStore()
    c = new_challenge(BiometricsSettings(), now=0.0)
    store.put(c)
    assert store.take(c.id) == c
    assert store.take(c.id) is None


def test_concurrent_takes_get_the_challenge_only_once():
    store = InMemoryChallengeStore()
    c = new_challenge(BiometricsSettings(), now=0.0)
    store.put(c)
    winners = []
    barrier = threading.Barrier(8)

    def take():
        barrier.wait()
        if store.take(c.id) is not None:
            winners.append(1)

    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert winners == [1]


def test_store_forgets_long_expired_challenges(clock):
    store = InMemoryChallengeStore(grace_s=60.0, clock=clock)
    old = new_challenge(BiometricsSettings(), now=clock.now)
    store.put(old)
    clock.now += 10_000
    store.put(new_challenge(BiometricsSettings(), now=clock.now))
    assert len(store) == 1


def test_a_fresh_challenge_passes_with_the_test_engine(service):
    c = service.create_challenge()
    result = service.verify_liveness(c.id, noise_frames(), nonce=c.nonce, reference_portrait=None)
    assert result.passed and result.outcome == "pass"
    assert [check.name for check in result.checks][:3] == ["challenge", "frame_timing", "replay"]


def test_a_used_challenge_is_refused(service):
    c = service.create_challenge()
    service.verify_liveness(c.id, noise_frames(seed=1), nonce=c.nonce, reference_portrait=None)
    again = service.verify_liveness(c.id, noise_frames(seed=2), nonce=c.nonce, reference_portrait=None)
    assert not again.passed
    assert again.reasons == ("challenge_unknown",)
    assert again.hints[0]["hint_key"] == "restart_check"


def test_a_failed_attempt_also_uses_up_the_challenge(service):
    c = service.create_challenge()
    first = service.verify_liveness(c.id, noise_frames(count=3), nonce=c.nonce, reference_portrait=None)
    assert first.reasons == ("too_few_frames",)
    second = service.verify_liveness(c.id, noise_frames(), nonce=c.nonce, reference_portrait=None)
    assert second.reasons == ("challenge_unknown",)


def test_unknown_challenge_is_refused(service):
    result = service.verify_liveness("made-up", noise_frames(), nonce="x", reference_portrait=None)
    assert result.reasons == ("challenge_unknown",)


def test_expired_challenge_is_refused(service, clock, settings):
    c = service.create_challenge()
    clock.now += settings.challenge_lifetime_s + 1
    result = service.verify_liveness(c.id, noise_frames(), nonce=c.nonce, reference_portrait=None)
    assert result.outcome == "fail"
    assert result.reasons == ("challenge_expired",)


def test_upload_just_before_the_deadline_is_accepted(service, clock, settings):
    c = service.create_challenge()
    clock.now += settings.challenge_lifetime_s - 0.5
    assert service.verify_liveness(c.id, noise_frames(), nonce=c.nonce, reference_portrait=None).passed


def test_wrong_nonce_is_refused(service):
    c = service.create_challenge()
    result = service.verify_liveness(c.id, noise_frames(), nonce="not-the-nonce", reference_portrait=None)
    assert result.reasons == ("challenge_mismatch",)


def test_challenge_of_another_case_is_refused(service):
    c = service.create_challenge(subject="case-A")
    result = service.verify_liveness(c.id, noise_frames(), nonce=c.nonce, reference_portrait=None,
                                     expected_subject="case-B")
    assert result.reasons == ("challenge_mismatch",)
