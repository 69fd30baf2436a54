"""The uploaded frame sequence: counts, timing, decoding, duplicates, replay."""

from __future__ import annotations

import numpy as np
import pytest

import bio_images as images
from bio_images import Clock, noise_frames
from biometrics import BiometricsSettings, CapturedFrame, FixedLivenessEngine, LivenessService
from biometrics.errors import (
    CaptureTooLongError,
    FrameRateError,
    TimestampsInvalidError,
    TooFewFramesError,
    TooManyFramesError,
)
from biometrics.liveness.frames import check_timing
from biometrics.liveness.replay import InMemoryFingerprintStore, fingerprint

SETTINGS = BiometricsSettings()


def _at(times_ms):
    return [CapturedFrame(t, b"") for t in times_ms]


@pytest.fixture
def service():
    return LivenessService(SETTINGS, engine=FixedLivenessEngine("pass", environment="test"), clock=Clock())


def _submit(service, frames):
    c = service.create_challenge()
    return service.verify_liveness(c.id, frames, nonce=c.nonce, reference_portrait=None)


def test_plausible_timing_passes_and_is_reported():
    timing = check_timing(_at([i * 100.0 for i in range(20)]), SETTINGS)
    assert timing["frame_rate"] == pytest.approx(10.0)
    assert timing["duration_s"] == pytest.approx(1.9)


@pytest.mark.parametrize("times, error", [
    ([i * 100.0 for i in range(5)], TooFewFramesError),
    ([i * 50.0 for i in range(61)], TooManyFramesError),
    ([0, 100, 200, 150] + [300 + i * 100 for i in range(10)], TimestampsInvalidError),
    ([0, 100, 100] + [200 + i * 100 for i in range(10)], TimestampsInvalidError),
    ([float("nan")] + [i * 100.0 for i in range(1, 12)], TimestampsInvalidError),
    ([-100.0] + [i * 100.0 for i in range(1, 12)], TimestampsInvalidError),
    ([i * 1000.0 for i in range(12)], FrameRateError),  # 1 frame/s
    ([i * 2.0 for i in range(12)], FrameRateError),  # 500 frames/s
    ([i * 100.0 for i in range(6)] + [3000 + i * 100.0 for i in range(6)], FrameRateError),  # 2.5 s gap
    ([i * 13_000.0 for i in range(12)], CaptureTooLongError),
])
def test_implausible_timing_is_refused(times, error):
    with pytest.raises(error):
        check_timing(_at(times), SETTINGS)


def test_booleans_are_not_timestamps():
    with pytest.raises(TimestampsInvalidError):
        check_timing([CapturedFrame(True, b"")] + _at([i * 100.0 for i in range(1, 12)]), SETTINGS)


def test_timing_refusal_comes_back_as_a_result_with_a_hint(service):
    frames = noise_frames(fps=1.0)
    result = _submit(service, frames)
    assert result.reasons == ("frame_rate_implausible",)
    assert result.check("frame_timing").passed is False
    assert result.hints[0]["hint_key"] == "stable_connection"


def test_a_corrupt_frame_is_a_typed_refusal(service):
    frames = noise_frames()
    frames[4] = CapturedFrame(frames[4].timestamp_ms, frames[4].data[:200])
    result = _submit(service, frames)
    assert result.reasons == ("image_unreadable",)
    assert result.check("frame_intake").passed is False


def test_a_frame_in_an_unsupported_format_is_refused(service):
    frames = noise_frames()
    frames[0] = CapturedFrame(frames[0].timestamp_ms, b"GIF89a" + b"\x00" * 500)
    assert _submit(service, frames).reasons == ("image_format_unsupported",)


def test_many_identical_frames_within_one_capture_are_refused(service):
    frames = noise_frames(count=12)
    same = frames[0].data
    frames = [CapturedFrame(f.timestamp_ms, same if i % 2 else f.data) for i, f in enumerate(frames)]
    assert _submit(service, frames).reasons == ("frames_duplicated",)


def test_an_occasional_repeated_frame_is_tolerated(service):
    frames = noise_frames(count=12)
    frames[5] = CapturedFrame(frames[5].timestamp_ms, frames[4].data)
    result = _submit(service, frames)
    assert result.passed
    assert result.check("replay").details["duplicate_fraction"] == pytest.approx(1 / 12, abs=1e-3)


def test_frames_from_an_earlier_submission_are_refused(service):
    frames = noise_frames(seed=5)
    assert _submit(service, frames).passed
    replay = _submit(service, frames)
    assert replay.reasons == ("replayed_frames",)
    assert replay.hints[0]["hint_key"] == "use_live_camera"


def test_replay_is_caught_even_with_a_single_reused_frame(service):
    first = noise_frames(seed=6)
    assert _submit(service, first).passed
    mixed = noise_frames(seed=7)
    mixed[3] = CapturedFrame(mixed[3].timestamp_ms, first[3].data)
    assert _submit(service, mixed).reasons == ("replayed_frames",)


def test_replay_is_caught_when_the_same_pixels_are_rewrapped(service):
    frames = noise_frames(seed=8)
    assert _submit(service, frames).passed
    # Same pixels, new container (PNG instead of JPEG, no metadata).
    rewrapped = [CapturedFrame(f.timestamp_ms + 5.0, images.encode(images.decode(f.data), "PNG")) for f in frames]
    assert _submit(service, rewrapped).reasons == ("replayed_frames",)


def test_fingerprints_depend_on_the_key_and_the_pixels():
    pixels = np.zeros((64, 64, 3), np.uint8)
    other = pixels.copy()
    other[0, 0, 0] = 1
    assert fingerprint(pixels) == fingerprint(pixels.copy())
    assert fingerprint(pixels) != fingerprint(other)
    assert fingerprint(pixels, key=b"a") != fingerprint(pixels, key=b"b")
    assert fingerprint(pixels) != fingerprint(pixels.reshape(32, 128, 3))


def test_fingerprint_store_reports_previously_seen_and_expires():
    clock = Clock(1000.0)
    store = InMemoryFingerprintStore(clock=clock)
    assert store.remember({"a", "b"}, expires_at=2000.0) == frozenset()
    assert store.remember({"b", "c"}, expires_at=2000.0) == {"b"}
    clock.now = 2500.0
    assert store.remember({"a"}, expires_at=3000.0) == frozenset()


def test_frames_may_come_as_any_iterable(service):
    result = _submit(service, iter(noise_frames()))
    assert result.passed and result.frame_count == 12


def test_frames_of_the_wrong_type_are_a_programming_error(service):
    with pytest.raises(TypeError):
        _submit(service, [{"timestamp_ms": 0, "data": b""}] * 12)
