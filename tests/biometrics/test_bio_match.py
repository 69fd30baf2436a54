"""Face match: same person under everyday changes, different people, and a
small, compressed chip portrait against a full-size selfie.

Distances measured here are reported in docs/biometrics-face-match.md
(run `python benchmarks/bench_biometrics.py --distances` to print them).
"""

from __future__ import annotations

import cv2
import pytest

import bio_images as images
from biometrics.match import MATCH, NO_MATCH, REVIEW, compare, decide

TRANSFORMS = {
    "crop": lambda img, box: img[max(0, box.top - 60):box.bottom + 80, max(0, box.left - 60):box.right + 60],
    "scale_0.6": lambda img, box: images.scale(img, 0.6),
    "scale_1.5": lambda img, box: images.scale(img, 1.5),
    "rotate_+10": lambda img, box: images.rotate(img, 10),
    "rotate_-15": lambda img, box: images.rotate(img, -15),
    "jpeg_q15": lambda img, box: images.decode(images.encode(img, quality=15)),
    "darker": lambda img, box: images.lighting(img, 0.45),
    "brighter": lambda img, box: images.lighting(img, 1.3, 30),
    "gamma_1.8": lambda img, box: (255 * (img / 255.0) ** 1.8).astype("uint8"),
    "warm_light": lambda img, box: cv2.merge([images.lighting(img[..., 0], 1.15),
                                              img[..., 1], images.lighting(img[..., 2], 0.8)]),
}
CHIPS = {
    "chip_120px_jpeg_q30": dict(width=120, fmt="JPEG", quality=30),
    "chip_90px_jpeg_q40": dict(width=90, fmt="JPEG", quality=40),
    "chip_160px_jpeg_q50": dict(width=160, fmt="JPEG", quality=50),
    "chip_240px_jpeg2000": dict(width=240, fmt="JPEG2000", quality_mode="rates", quality_layers=[60]),
}


def _variants(analyzer, photo, face):
    out = {}
    for name, transform in TRANSFORMS.items():
        changed = transform(photo, face.box)
        out[name] = analyzer.analyze(images.encode(changed, "PNG"), role="reference").embedding
    for name, options in CHIPS.items():
        out[name] = analyzer.analyze(images.chip_portrait(photo, face.box, **options), role="reference").embedding
    return out


@pytest.fixture(scope="session")
def hopper_variants(analyzer, hopper, hopper_face):
    return _variants(analyzer, hopper, hopper_face)


@pytest.fixture(scope="session")
def collins_variants(analyzer, collins, collins_face):
    return _variants(analyzer, collins, collins_face)


@pytest.mark.parametrize("variant", list(TRANSFORMS) + list(CHIPS))
def test_same_person_matches_under_everyday_changes(settings, variant, hopper_face, collins_face,
                                                    hopper_variants, collins_variants):
    for selfie, variants in ((hopper_face, hopper_variants), (collins_face, collins_variants)):
        result = compare(variants[variant], [selfie.embedding], settings)
        assert result.decision == MATCH, (variant, result.distance)
        assert result.distance < settings.match_threshold - 0.1  # with a margin


def test_different_people_never_match(settings, hopper_face, collins_face, hopper_variants, collins_variants):
    hopper_all = [hopper_face.embedding, *hopper_variants.values()]
    collins_all = [collins_face.embedding, *collins_variants.values()]
    distances = [a.distance(b) for a in hopper_all for b in collins_all]
    assert len(distances) == 15 * 15
    assert min(distances) > settings.match_threshold
    for a in hopper_all[:3]:
        for b in collins_all[:3]:
            assert compare(a, [b], settings).decision != MATCH


def test_chip_portrait_matches_full_size_selfie_through_the_public_api(analyzer, hopper_chip, hopper_jpeg):
    result = analyzer.match(hopper_chip, hopper_jpeg)
    assert result.matched and result.decision == MATCH
    assert 0.0 <= result.distance < 0.4
    assert result.score == pytest.approx(1.0 - result.distance)


def test_chip_portrait_of_someone_else_does_not_match(analyzer, hopper_chip, collins):
    result = analyzer.match(hopper_chip, images.encode(collins))
    assert result.decision == NO_MATCH
    assert result.reason == "face_mismatch"


def test_decision_bands(settings):
    assert decide(settings.match_threshold, settings).decision == MATCH
    assert decide(settings.match_threshold + 0.01, settings).decision == REVIEW
    assert decide(settings.match_threshold + 0.01, settings).reason == "face_match_uncertain"
    assert decide(settings.review_threshold + 0.01, settings).decision == NO_MATCH
    assert decide(1.5, settings).score == 0.0


def test_several_probes_use_the_median_not_the_best(settings, hopper_face, collins_face):
    # One matching frame among impostor frames does not make a match.
    result = compare(hopper_face.embedding, [collins_face.embedding, collins_face.embedding,
                                             hopper_face.embedding], settings)
    assert result.decision == NO_MATCH
    assert result.compared == 3


def test_match_result_is_safe_to_log(analyzer, hopper_chip, hopper_jpeg):
    data = analyzer.match(hopper_chip, hopper_jpeg).to_dict()
    assert set(data) == {"distance", "score", "threshold", "review_threshold", "decision", "compared", "reason"}
    assert all(isinstance(v, (int, float, str, type(None))) for v in data.values())
