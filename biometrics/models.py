"""Loading the dlib models named by the settings, once per process.

Model files are large (the 68-point landmark model is about 100 MB and takes
half a second to load), so each distinct set of paths is loaded once and
shared. dlib's detectors and shape predictors can be called from several
threads; the CNN detector and the recognition network cannot, so calls to
them go through a lock.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any

from .config import BiometricsSettings
from .errors import ModelUnavailableError

__all__ = ["FaceModels", "default_model_paths", "load_models"]


@dataclass(frozen=True)
class FaceModels:
    detector_kind: str
    hog_detector: Any = field(repr=False)
    cnn_detector: Any = field(repr=False)
    landmarks68: Any = field(repr=False)
    landmarks5: Any = field(repr=False)
    recognizer: Any = field(repr=False)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)


def default_model_paths() -> dict[str, str]:
    """Paths of the models shipped in the face_recognition_models package."""
    try:
        import face_recognition_models as frm
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelUnavailableError("face_recognition_models is not installed") from exc
    return {
        "landmark_model_path": frm.pose_predictor_model_location(),
        "alignment_model_path": frm.pose_predictor_five_point_model_location(),
        "recognition_model_path": frm.face_recognition_model_location(),
        "cnn_detector_model_path": frm.cnn_face_detector_model_location(),
    }


_cache: dict[tuple[str | None, ...], FaceModels] = {}
_cache_lock = threading.Lock()


def load_models(settings: BiometricsSettings) -> FaceModels:
    """The models for `settings`, loaded on first use and cached."""
    key = (
        settings.detector,
        settings.landmark_model_path,
        settings.alignment_model_path,
        settings.recognition_model_path,
        settings.cnn_detector_model_path,
    )
    with _cache_lock:
        models = _cache.get(key)
        if models is None:
            models = _load(settings)
            _cache[key] = models
        return models


def _load(settings: BiometricsSettings) -> FaceModels:
    try:
        import dlib
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelUnavailableError("dlib is not installed") from exc
    needs_defaults = None in (
        settings.landmark_model_path,
        settings.alignment_model_path,
        settings.recognition_model_path,
    ) or (settings.detector == "cnn" and settings.cnn_detector_model_path is None)
    defaults = default_model_paths() if needs_defaults else {}

    def path(name: str) -> str:
        value = getattr(settings, name) or defaults[name]
        if not os.path.isfile(value):
            raise ModelUnavailableError(f"{name}: no such file {value}")
        return value

    try:
        cnn = None
        if settings.detector == "cnn":
            cnn = _model_file("cnn", path("cnn_detector_model_path"))
        return FaceModels(
            detector_kind=settings.detector,
            hog_detector=dlib.get_frontal_face_detector(),
            cnn_detector=cnn,
            landmarks68=_model_file("shape", path("landmark_model_path")),
            landmarks5=_model_file("shape", path("alignment_model_path")),
            recognizer=_model_file("recognition", path("recognition_model_path")),
        )
    except ModelUnavailableError:
        raise
    except RuntimeError as exc:  # dlib reports unreadable model files this way
        raise ModelUnavailableError(f"cannot load model: {exc}") from exc


_files: dict[tuple[str, str], Any] = {}


def _model_file(kind: str, path: str) -> Any:
    """One loaded object per model file, shared by every settings variant
    (called with `_cache_lock` held)."""
    import dlib

    key = (kind, os.path.realpath(path))
    if key not in _files:
        loader = {"cnn": dlib.cnn_face_detection_model_v1, "shape": dlib.shape_predictor,
                  "recognition": dlib.face_recognition_model_v1}[kind]
        _files[key] = loader(path)
    return _files[key]
