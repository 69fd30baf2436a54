"""Pick the liveness engine named in the settings.

Built in: "dlib" (the real engine) and "test" (fixed answer from
`test_engine_outcome`, refused in production). A vendor integration
registers its own factory at start-up:

    register_liveness_engine("acme", lambda settings, environment: AcmeEngine(...))
"""

from __future__ import annotations

import threading
from typing import Callable

from ..config import BiometricsSettings
from ..errors import ConfigurationError
from .engine import DlibLivenessEngine, LivenessEngine
from .test_engine import FixedLivenessEngine

__all__ = ["build_liveness_engine", "engine_names", "register_liveness_engine"]

EngineFactory = Callable[[BiometricsSettings, "str | None"], LivenessEngine]

_factories: dict[str, EngineFactory] = {
    "dlib": lambda settings, environment: DlibLivenessEngine(settings),
    "test": lambda settings, environment: FixedLivenessEngine(
        settings.test_engine_outcome, settings=settings, environment=environment),
}
_lock = threading.Lock()


def register_liveness_engine(name: str, factory: EngineFactory) -> None:
    if not name or not name.replace("_", "").replace("-", "").isalnum():
        raise ConfigurationError(f"invalid engine name {name!r}")
    with _lock:
        _factories[name] = factory


def engine_names() -> tuple[str, ...]:
    with _lock:
        return tuple(sorted(_factories))


def build_liveness_engine(settings: BiometricsSettings, *, environment: str | None = None) -> LivenessEngine:
    with _lock:
        factory = _factories.get(settings.liveness_engine)
    if factory is None:
        raise ConfigurationError(f"unknown liveness engine {settings.liveness_engine!r}; known: {engine_names()}")
    engine = factory(settings, environment)
    if not isinstance(engine, LivenessEngine):
        raise ConfigurationError(f"engine {settings.liveness_engine!r} does not implement LivenessEngine")
    return engine
