"""Engines behind one interface, chosen by name; the test engine never in
production; results safe to log."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bio_images import Clock, noise_frames
from biometrics import (
    BiometricsSettings,
    DlibLivenessEngine,
    FixedLivenessEngine,
    LivenessEngine,
    LivenessService,
    build_liveness_engine,
    register_liveness_engine,
)
from biometrics.errors import ConfigurationError, EngineUnavailableError, ProductionRefusedError
from biometrics.liveness import InMemoryChallengeStore, InMemoryFingerprintStore
from biometrics.liveness.engine import EngineVerdict
from biometrics.liveness.results import CheckResult


@pytest.fixture(autouse=True)
def restore_engine_registry():
    from biometrics.liveness import router

    saved = dict(router._factories)
    yield
    router._factories.clear()
    router._factories.update(saved)


def test_test_engine_is_refused_when_idp_env_is_production(monkeypatch):
    monkeypatch.setenv("IDP_ENV", "production")
    with pytest.raises(ProductionRefusedError) as info:
        FixedLivenessEngine("pass")
    assert info.value.reason == "config_invalid"
    with pytest.raises(ProductionRefusedError):
        build_liveness_engine(BiometricsSettings(liveness_engine="test"))


def test_test_engine_is_refused_for_an_explicit_production_environment(monkeypatch):
    monkeypatch.delenv("IDP_ENV", raising=False)
    with pytest.raises(ProductionRefusedError):
        FixedLivenessEngine("pass", environment="production")
    with pytest.raises(ProductionRefusedError):
        FixedLivenessEngine("pass", environment=" Production ")
    assert FixedLivenessEngine("pass", environment="development").name == "test"


def test_router_builds_engines_by_name(monkeypatch, analyzer):
    monkeypatch.delenv("IDP_ENV", raising=False)
    test_engine = build_liveness_engine(BiometricsSettings(liveness_engine="test", test_engine_outcome="fail"))
    assert isinstance(test_engine, FixedLivenessEngine) and test_engine.outcome == "fail"
    real = build_liveness_engine(BiometricsSettings(liveness_engine="dlib"))
    assert isinstance(real, DlibLivenessEngine) and isinstance(real, LivenessEngine)
    # The real engine is allowed in production.
    assert build_liveness_engine(BiometricsSettings(), environment="production").name == "dlib"


def test_unknown_engine_name_is_a_configuration_error():
    with pytest.raises(ConfigurationError):
        build_liveness_engine(BiometricsSettings(liveness_engine="acme-not-registered"))


class VendorEngine:
    name = "vendor"

    def __init__(self, fail_with=None):
        self.calls = 0
        self.fail_with = fail_with

    def evaluate(self, challenge, frames, *, reference_portrait):
        self.calls += 1
        if self.fail_with is not None:
            raise self.fail_with
        return EngineVerdict((CheckResult("vendor_liveness", True, None, 0.97),))


def test_a_vendor_engine_can_be_registered_and_chosen_by_settings():
    register_liveness_engine("vendor-x", lambda settings, environment: VendorEngine())
    engine = build_liveness_engine(BiometricsSettings(liveness_engine="vendor-x"))
    assert isinstance(engine, VendorEngine)
    service = LivenessService(BiometricsSettings(liveness_engine="vendor-x"), clock=Clock())
    c = service.create_challenge()
    result = service.verify_liveness(c.id, noise_frames(), nonce=c.nonce, reference_portrait=None)
    assert result.passed and result.engine == "vendor"
    assert result.check("vendor_liveness").score == 0.97


def test_an_object_that_is_not_an_engine_is_refused():
    register_liveness_engine("broken", lambda settings, environment: object())
    with pytest.raises(ConfigurationError):
        build_liveness_engine(BiometricsSettings(liveness_engine="broken"))
    with pytest.raises(ConfigurationError):
        register_liveness_engine("bad name!", lambda s, e: VendorEngine())


def test_a_crashing_engine_gives_a_try_again_result_not_an_exception():
    service = LivenessService(engine=VendorEngine(fail_with=RuntimeError("vendor down")), clock=Clock())
    c = service.create_challenge()
    result = service.verify_liveness(c.id, noise_frames(), nonce=c.nonce, reference_portrait=None)
    assert result.outcome == "fail"
    assert result.reasons == ("liveness_unavailable",)
    assert result.hints[0]["hint_key"] == "try_again_later"


def test_an_engine_refusal_keeps_its_reason():
    service = LivenessService(engine=VendorEngine(fail_with=EngineUnavailableError("timeout")), clock=Clock())
    c = service.create_challenge()
    assert service.verify_liveness(c.id, noise_frames(), nonce=c.nonce,
                                   reference_portrait=None).reasons == ("liveness_unavailable",)


def test_production_needs_shared_stores(analyzer):
    with pytest.raises(ProductionRefusedError):
        LivenessService(BiometricsSettings(), environment="production")
    service = LivenessService(BiometricsSettings(), environment="production",
                              challenge_store=InMemoryChallengeStore(),
                              fingerprint_store=InMemoryFingerprintStore())
    assert service.engine.name == "dlib"


@pytest.mark.parametrize("outcome, expected_reasons", [
    ("pass", ()), ("review", ("face_match_uncertain",)), ("fail", ("liveness_failed",)),
])
def test_test_engine_gives_its_fixed_answer(outcome, expected_reasons):
    service = LivenessService(engine=FixedLivenessEngine(outcome, environment="test"), clock=Clock())
    c = service.create_challenge()
    result = service.verify_liveness(c.id, noise_frames(), nonce=c.nonce, reference_portrait=b"chip")
    assert result.outcome == outcome
    assert result.reasons == expected_reasons
    assert result.engine == "test"


def _walk(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _walk(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _walk(v)
    else:
        yield value


def test_results_are_safe_to_log(engine, settings):
    service = LivenessService(settings, engine=engine, clock=Clock())
    c = service.create_challenge()
    result = service.verify_liveness(c.id, noise_frames(), nonce=c.nonce, reference_portrait=None)
    data = result.to_dict()
    text = json.dumps(data)  # plain JSON types only
    assert len(text) < 4000
    for leaf in _walk(data):
        assert not isinstance(leaf, (bytes, bytearray, np.ndarray))
    assert c.nonce not in text and c.nonce not in repr(result)
    assert "array(" not in repr(result)
    assert data["frame_count"] == 12
