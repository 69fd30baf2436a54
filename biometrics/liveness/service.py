"""The liveness service: what the enrollment server calls.

    service = LivenessService(settings, challenge_store=..., fingerprint_store=...)
    challenge = service.create_challenge(subject=case_id)
    ... the page shows challenge.to_client(settings) and uploads frames ...
    result = service.verify_liveness(challenge_id, frames, nonce=nonce,
                                     reference_portrait=dg2_image_bytes,
                                     expected_subject=case_id)

`verify_liveness` returns a `LivenessResult` for everything the person
caused (expired or reused challenge, bad frames, failed actions, no match),
each with a reason code and hint. It raises only for operator problems
(`ConfigurationError`). Steps before the engine, in order, each stopping at
the first failure:

1. take the challenge (single use, whatever the outcome);
2. nonce and subject as issued;
3. the deadline, on the server clock;
4. frame count and timing;
5. decode every frame (typed intake errors);
6. duplicates inside the capture, then replay against earlier captures.
"""

from __future__ import annotations

import hmac
import logging
import time
from typing import Callable, Sequence

from ..config import BiometricsSettings
from ..errors import (
    BiometricsError,
    ChallengeExpiredError,
    ChallengeMismatchError,
    ChallengeNotFoundError,
    ConfigurationError,
    ReplayedFramesError,
)
from .challenge import Challenge, ChallengeStore, InMemoryChallengeStore, new_challenge
from .engine import LivenessEngine, Reference
from .frames import CapturedFrame, check_duplicates, check_timing, decode_frames
from .minimum import require_minimum
from .replay import FrameFingerprintStore, InMemoryFingerprintStore
from .results import CheckResult, LivenessResult
from .router import build_liveness_engine
from .test_engine import refuse_in_production

__all__ = ["LivenessService"]

log = logging.getLogger(__name__)


class LivenessService:
    def __init__(
        self,
        settings: BiometricsSettings | None = None,
        *,
        engine: LivenessEngine | None = None,
        challenge_store: ChallengeStore | None = None,
        fingerprint_store: FrameFingerprintStore | None = None,
        environment: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings or BiometricsSettings()
        require_minimum(self.settings, environment)
        if challenge_store is None or fingerprint_store is None:
            # Process-local stores forget everything on restart and are not
            # shared between instances: acceptable for tests and the demo only.
            refuse_in_production("in-memory challenge and fingerprint stores", environment)
        self.engine = engine or build_liveness_engine(self.settings, environment=environment)
        self.challenges = challenge_store if challenge_store is not None else InMemoryChallengeStore(clock=clock)
        self.fingerprints = fingerprint_store if fingerprint_store is not None else InMemoryFingerprintStore(clock=clock)
        self._clock = clock

    def create_challenge(self, *, subject: str | None = None) -> Challenge:
        challenge = new_challenge(self.settings, now=self._clock(), subject=subject)
        self.challenges.put(challenge)
        return challenge

    def verify_liveness(
        self,
        challenge_id: str,
        frames: Sequence[CapturedFrame],
        *,
        nonce: str,
        reference_portrait: Reference,
        expected_subject: str | None = None,
    ) -> LivenessResult:
        started = time.perf_counter()
        received_at = self._clock()
        frames = list(frames)
        if not all(isinstance(f, CapturedFrame) for f in frames):
            raise TypeError("frames must be CapturedFrame objects")  # a programming error, not the person's
        checks: list[CheckResult] = []
        stage = "challenge"

        def done(verdict_checks=(), match=None) -> LivenessResult:
            return LivenessResult(
                challenge_id=str(challenge_id)[:64], engine=self.engine.name,
                checks=tuple(checks) + tuple(verdict_checks), match=match,
                frame_count=len(frames), elapsed_ms=(time.perf_counter() - started) * 1000.0,
            )

        try:
            challenge = self.challenges.take(str(challenge_id))
            if challenge is None:
                raise ChallengeNotFoundError("unknown or already used")
            if not hmac.compare_digest(str(nonce).encode(), challenge.nonce.encode()):
                raise ChallengeMismatchError("nonce differs")  # the upload is for another challenge
            if expected_subject is not None and challenge.subject != expected_subject:
                raise ChallengeMismatchError("subject differs")  # issued for another case
            if challenge.expired(received_at):
                raise ChallengeExpiredError(f"{received_at - challenge.expires_at:.1f} s late")
            checks.append(CheckResult("challenge", True))
            stage = "frame_timing"
            timing = check_timing(frames, self.settings)
            checks.append(CheckResult("frame_timing", True, None, None,
                                      {k: round(v, 3) for k, v in timing.items()}))
            stage = "frame_intake"
            decoded = decode_frames(frames, self.settings)
            stage = "replay"
            duplicate_fraction = check_duplicates(decoded, self.settings)
            seen = self.fingerprints.remember({f.fingerprint for f in decoded},
                                              expires_at=received_at + self.settings.replay_ttl_s)
            if seen:
                raise ReplayedFramesError(f"{len(seen)} frames seen before")
            checks.append(CheckResult("replay", True, None, None,
                                      {"duplicate_fraction": round(duplicate_fraction, 3)}))
        except ConfigurationError:
            raise
        except BiometricsError as exc:
            checks.append(CheckResult(stage, False, exc.reason))
            return done()

        try:
            verdict = self.engine.evaluate(challenge, decoded, reference_portrait=reference_portrait)
        except ConfigurationError:
            raise
        except BiometricsError as exc:
            return done((CheckResult("engine", False, exc.reason),))
        except Exception:  # noqa: BLE001 - a failing engine must not look like a refusal of the person
            log.exception("liveness engine %s failed", self.engine.name)
            return done((CheckResult("engine", False, "liveness_unavailable"),))
        return done(verdict.checks, verdict.match)
