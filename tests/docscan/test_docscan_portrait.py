"""The page portrait, found from the MRZ that was read: on generated pages
photographed as the guide asks and turned by each right angle, the face
detector finds the portrait where ICAO 9303 TD3 puts it, and nowhere else."""
from __future__ import annotations

import numpy as np
import pytest

import mrz_pages
from docscan import scan_page

pytestmark = pytest.mark.skipif(mrz_pages.OCRB is None, reason="the OCR-B font (Debian fonts-ocr-b) is not installed")


@pytest.fixture(scope="module")
def detector():
    from biometrics import BiometricsSettings
    from biometrics.faces import FaceAnalyzer

    analyzer = FaceAnalyzer(BiometricsSettings())
    return lambda rgb: analyzer.detector.detect(rgb) or analyzer.detector.detect(rgb, upsample=1)


def test_the_portrait_is_found_on_guided_photos_in_every_turn(detector):
    found = 0
    for seed in range(6000, 6004):
        rng = np.random.default_rng(seed)
        person = mrz_pages.random_identity(rng)
        page = mrz_pages.draw_page(person, rng)
        turn = seed % 4
        photo = mrz_pages.photograph(page, rng, guided=True)
        if turn:
            from PIL import Image
            import io

            rgb = np.asarray(Image.open(io.BytesIO(photo.data)).convert("RGB"))
            data = mrz_pages.encode(rgb, 88, turn)
        else:
            data = photo.data
        result = scan_page(data, face_detector=detector)
        assert result.ok and result.mrz.text == person.mrz()
        if result.portrait is not None:
            found += 1
            height, width = result.portrait.pixels.shape[:2]
            assert 0.9 < height / width < 1.8  # upright, a portrait's proportions
    assert found == 4


def test_without_a_face_where_the_portrait_belongs_there_is_none(detector):
    rng = np.random.default_rng(7)
    person = mrz_pages.random_identity(rng)
    page = mrz_pages.draw_page(person, rng).copy()
    page[11 * 12:52 * 12, 5 * 12:37 * 12] = (230, 228, 220)  # the portrait painted over
    result = scan_page(mrz_pages.encode(page, 90), face_detector=detector)
    assert result.ok and result.portrait is None
    assert scan_page(mrz_pages.encode(mrz_pages.draw_page(person, np.random.default_rng(7)), 90)).portrait is None


def test_a_face_box_outside_the_region_keeps_no_portrait():
    """A detector's box beyond the region's edge clipped to nothing: an empty
    portrait was kept and failed to encode (a 500 on the scan page)."""
    from types import SimpleNamespace

    from docscan.portrait import find_portrait

    rgb = np.zeros((800, 1200, 3), np.uint8)
    quad = np.array([[100, 600], [1100, 600], [1100, 700], [100, 700]], float)

    def beyond(region):
        width = region.shape[1]
        return [SimpleNamespace(left=width + 50, top=10, right=width + 150, bottom=110)]

    assert find_portrait(rgb, quad, False, beyond) is None
