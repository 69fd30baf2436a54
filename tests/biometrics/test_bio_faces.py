"""Face detection, quality checks and embeddings on real photos."""

from __future__ import annotations

import pickle

import cv2
import numpy as np
import pytest

import bio_images as images
from biometrics.errors import (
    FaceBlurredError,
    FaceCutOffError,
    FaceTooBrightError,
    FaceTooDarkError,
    FaceTooSmallError,
    MultipleFacesError,
    NoFaceError,
    ReferencePortraitError,
)
from biometrics.geometry import FaceGeometry
from biometrics.quality import assess_quality


def test_one_face_found_in_each_test_photo(analyzer, hopper, collins):
    for photo in (hopper, collins):
        boxes = analyzer.detector.significant(analyzer.detector.detect(photo))
        assert len(boxes) == 1
    # Grace Hopper's face is in the upper middle of her portrait.
    box = analyzer.detector.detect(hopper)[0]
    cx, cy = box.center
    assert 180 < cx < 370 and 140 < cy < 330


def test_selfie_analysis_gives_a_128_d_embedding_that_is_never_shown(hopper_face):
    assert hopper_face.embedding.vector.shape == (128,)
    assert hopper_face.quality.passed
    text = repr(hopper_face) + repr(hopper_face.to_dict())
    assert "FaceEmbedding(<128-d, hidden>)" not in repr(hopper_face)  # field excluded entirely
    assert "0." not in repr(hopper_face.embedding)
    assert str(round(float(hopper_face.embedding.vector[0]), 4)) not in text
    with pytest.raises(TypeError):
        pickle.dumps(hopper_face.embedding)


def test_landmark_geometry_of_a_frontal_open_eyed_face(hopper_face):
    g = hopper_face.geometry
    assert 0.22 < g.ear < 0.40  # eyes open
    assert g.mar < 0.1  # mouth closed
    assert abs(g.yaw) < 10


def test_mirroring_a_face_mirrors_its_yaw(analyzer, collins):
    from biometrics.geometry import measure

    def yaw(photo):
        box = analyzer.detector.detect(photo)[0]
        return measure(analyzer.detector.landmarks68(photo, box), photo.shape[:2]).yaw

    original, mirrored = yaw(collins), yaw(np.ascontiguousarray(collins[:, ::-1]))
    assert original * mirrored < 0
    assert abs(original + mirrored) < 3.0


def test_no_face_in_a_blank_picture(analyzer):
    with pytest.raises(NoFaceError) as info:
        analyzer.analyze(images.encode(np.full((480, 640, 3), 120, np.uint8)))
    assert info.value.hint_key == "face_in_frame"


def test_two_faces_are_refused(analyzer, hopper, collins):
    left = images.on_canvas(hopper, size=(400, 480))
    right = images.on_canvas(collins[40:300, 100:340], size=(400, 480))
    both = np.hstack([left, right])
    with pytest.raises(MultipleFacesError) as info:
        analyzer.analyze(images.encode(both))
    assert info.value.hint_key == "only_you_in_frame"


def test_small_face_asks_to_move_closer(analyzer, hopper):
    small = images.on_canvas(images.scale(hopper, 0.25), size=(1280, 960), zoom=0.22)
    with pytest.raises(FaceTooSmallError) as info:
        analyzer.analyze(images.encode(small))
    assert info.value.hint == "Move closer to the camera."


def test_blurred_face_is_refused(analyzer, hopper):
    with pytest.raises(FaceBlurredError) as info:
        analyzer.analyze(images.encode(cv2.GaussianBlur(hopper, (0, 0), 7)))
    assert info.value.hint_key == "hold_still_clean_lens"


def test_dark_face_is_refused(analyzer, hopper):
    with pytest.raises(FaceTooDarkError) as info:
        analyzer.analyze(images.encode(images.lighting(hopper, 0.25)))
    assert info.value.hint_key == "more_light"


def test_overexposed_face_is_refused(analyzer, hopper):
    with pytest.raises(FaceTooBrightError):
        analyzer.analyze(images.encode(images.lighting(hopper, 1.0, 120)))


def test_face_cut_off_by_the_frame_edge(analyzer, hopper):
    with pytest.raises(FaceCutOffError) as info:
        analyzer.analyze(images.encode(np.ascontiguousarray(hopper[:, 200:])))
    assert info.value.hint_key == "move_back"


def _geometry(base: FaceGeometry, **changes) -> FaceGeometry:
    values = {f: getattr(base, f) for f in base.__slots__}
    values.update(changes)
    return FaceGeometry(**values)


def test_turned_head_and_closed_eyes_are_reported_for_selfies_only(settings, hopper, hopper_face):
    box, geometry = hopper_face.box, hopper_face.geometry
    turned = assess_quality(hopper, box, _geometry(geometry, yaw=40.0), settings, role="selfie")
    assert turned.reason == "face_turned_away"
    closed = assess_quality(hopper, box, _geometry(geometry, ear=0.05), settings, role="selfie")
    assert closed.reason == "eyes_closed"
    # In a liveness frame, turning and blinking are what was asked for.
    assert assess_quality(hopper, box, _geometry(geometry, yaw=40.0, ear=0.05), settings, role="frame").passed


def test_quality_failures_are_reported_in_a_fixed_order(settings, hopper, hopper_face):
    dark_and_blurred = cv2.GaussianBlur(images.lighting(hopper, 0.2), (31, 31), 0)
    report = assess_quality(dark_and_blurred, hopper_face.box, hopper_face.geometry, settings, role="selfie")
    assert report.failures[:2] == ("face_too_dark", "face_blurred")
    assert report.to_dict()["failures"] == list(report.failures)


def test_chip_portrait_quality_is_not_held_against_the_person(analyzer, hopper, hopper_face):
    # A dim, soft chip portrait is still usable as a reference.
    dim = images.chip_portrait(images.lighting(cv2.GaussianBlur(hopper, (9, 9), 0), 0.35), hopper_face.box)
    reference = analyzer.analyze(dim, role="reference")
    assert reference.quality.passed


def test_unusable_chip_portrait_is_a_reference_error(analyzer):
    with pytest.raises(ReferencePortraitError) as info:
        analyzer.analyze(images.encode(np.full((160, 120, 3), 200, np.uint8)), role="reference")
    assert info.value.reason == "reference_unusable"
    assert info.value.cause == "no_face"
    with pytest.raises(ReferencePortraitError) as info:
        analyzer.analyze(b"\xff\xd8\xff\xe0 broken", role="reference")
    assert info.value.cause == "image_unreadable"
