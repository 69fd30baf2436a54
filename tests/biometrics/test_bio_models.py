"""Models are settings: the CNN detector and substitute model files."""

from __future__ import annotations

import shutil

import pytest

from biometrics import BiometricsSettings, FaceAnalyzer
from biometrics.errors import ModelUnavailableError
from biometrics.models import default_model_paths, load_models


def test_a_missing_model_file_is_a_configuration_error(tmp_path):
    settings = BiometricsSettings(landmark_model_path=str(tmp_path / "absent.dat"))
    with pytest.raises(ModelUnavailableError) as info:
        load_models(settings)
    assert info.value.reason == "model_unavailable"


def test_a_corrupt_model_file_is_a_configuration_error(tmp_path):
    broken = tmp_path / "broken.dat"
    broken.write_bytes(b"not a dlib model")
    with pytest.raises(ModelUnavailableError):
        load_models(BiometricsSettings(alignment_model_path=str(broken)))


def test_a_substitute_landmark_model_is_loaded_from_its_path(tmp_path, hopper_chip, hopper_reference):
    # An operator's licensed model would sit at its own path; a copy stands in.
    substitute = tmp_path / "licensed_68_landmarks.dat"
    shutil.copyfile(default_model_paths()["landmark_model_path"], substitute)
    analyzer = FaceAnalyzer(BiometricsSettings(landmark_model_path=str(substitute)))
    assert analyzer.models.landmarks68 is not load_models(BiometricsSettings()).landmarks68
    again = analyzer.analyze(hopper_chip, role="reference")
    # Embeddings use the 5-point alignment, so the landmark model does not move them.
    assert again.embedding.distance(hopper_reference.embedding) == pytest.approx(0.0, abs=1e-9)


@pytest.mark.slow
def test_cnn_detector_finds_and_matches_the_chip_portrait(hopper_chip, hopper_face):
    analyzer = FaceAnalyzer(BiometricsSettings(detector="cnn"))
    reference = analyzer.analyze(hopper_chip, role="reference")
    assert reference.box.width >= 40
    assert analyzer.match(reference, hopper_face).decision == "match"
