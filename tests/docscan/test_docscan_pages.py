"""Reading generated passport data pages photographed like a phone would
(tests/docscan/mrz_pages.py): exact reads, no wrong read accepted, and a
reason a person can act on for every refusal. benchmarks/bench_mrz.py runs
the same over 200+ pages and times it."""
from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

import mrz_pages
from docscan import reasons, scan_page, scan_pixels

pytestmark = pytest.mark.skipif(mrz_pages.OCRB is None, reason="the OCR-B font (Debian fonts-ocr-b) is not installed")

ACTIONABLE = set(reasons.QUALITY) | {reasons.MRZ_INCONSISTENT}
SEEDS = range(5000, 5030)  # not the benchmark's seeds, not the classifier's training data


def read_all(guided: bool):
    outcomes = []
    for seed in SEEDS:
        person, photo = mrz_pages.sample(seed, guided=guided)
        outcomes.append((person, photo, scan_page(photo.data)))
    return outcomes


@pytest.mark.parametrize("guided,needed", [(True, 0.98), (False, 0.90)])
def test_generated_pages_are_read_exactly_and_never_wrongly(guided, needed):
    outcomes = read_all(guided)
    exact = sum(1 for person, _, r in outcomes if r.ok and r.mrz.text == person.mrz())
    wrong = [(person.mrz(), r.mrz.text) for person, _, r in outcomes if r.ok and r.mrz.text != person.mrz()]
    assert not wrong, "a wrong read was accepted"
    assert exact / len(outcomes) >= needed, [r for _, _, r in outcomes if not r.ok]
    for _, _, r in outcomes:
        if not r.ok:
            assert set(r.reasons) <= ACTIONABLE and r.reasons


def test_a_pinfl_fills_line_two_and_no_filler_is_needed():
    person, photo = mrz_pages.sample(77, guided=True)
    line2 = person.mrz().split("\n")[1]
    assert "<" not in line2
    result = scan_page(photo.data)
    assert result.ok and result.mrz.optional_data == person.pinfl and result.confidence > 0.5


def test_the_four_right_angle_turns_and_the_exif_tag():
    rng = np.random.default_rng(11)
    person = mrz_pages.random_identity(rng)
    page = mrz_pages.draw_page(person, rng)
    small = cv2.resize(page, None, fx=0.9, fy=0.9, interpolation=cv2.INTER_AREA)
    frame = np.full((1200, 1600, 3), 90, np.uint8)
    frame[60:60 + small.shape[0], 120:120 + small.shape[1]] = small
    for turn in range(4):
        for exif in (False, True):
            result = scan_page(mrz_pages.encode(frame, 88, turn, exif=exif))
            assert result.ok and result.mrz.text == person.mrz(), (turn, exif, result)


@pytest.mark.parametrize("change,expected", [
    (dict(issuing_state="KAZ", nationality="KAZ"), {reasons.ISSUING_STATE_NOT_UZB, reasons.NATIONALITY_NOT_UZB}),
    (dict(nationality="RUS"), {reasons.NATIONALITY_NOT_UZB}),
    (dict(document_code="V"), {reasons.NOT_A_PASSPORT}),
])
def test_documents_this_service_does_not_accept_are_named(change, expected):
    person, photo = mrz_pages.sample(21, guided=True, **change)
    result = scan_page(photo.data)
    assert not result.ok and set(result.reasons) == expected
    assert result.mrz is not None and result.mrz.text == person.mrz()  # read, so the page can say whose it is


def _guided_pixels(seed=31):
    person, photo = mrz_pages.sample(seed, guided=True)
    return person, np.asarray(Image.open(io.BytesIO(photo.data)).convert("RGB"))


def test_a_dark_photo_is_too_dark():
    _, pixels = _guided_pixels()
    assert scan_pixels((pixels * 0.6).astype(np.uint8)).ok  # dim is fine: only an unreadable photo is refused
    dark = pixels * 0.05 + np.random.default_rng(1).normal(0, 2.5, pixels.shape)
    assert scan_pixels(np.clip(dark, 0, 255).astype(np.uint8)).reasons == (reasons.TOO_DARK,)


def test_a_shaken_photo_is_blurred():
    _, pixels = _guided_pixels()
    shaken = cv2.blur(pixels, (1, 11))  # the phone moved up or down
    result = scan_pixels(shaken)
    assert not result.ok and reasons.BLURRED in result.reasons


def test_glare_across_the_mrz_is_named():
    person, pixels = _guided_pixels()
    from docscan import locate

    quad = locate.find_mrz(cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY))[0].quad
    centre = quad.mean(axis=0).astype(int)
    glared = pixels.copy()
    cv2.ellipse(glared, tuple(int(v) for v in centre), (160, 45), 0, 0, 360, (255, 255, 255), -1)
    result = scan_pixels(cv2.GaussianBlur(glared, (0, 0), 3))
    assert not result.ok and result.reasons == (reasons.GLARE,)


def test_a_page_cut_off_above_the_mrz_says_so():
    _, pixels = _guided_pixels()
    cut = pixels[: int(pixels.shape[0] * 0.62)]
    assert scan_pixels(cut).reasons == (reasons.MRZ_NOT_FOUND,)


@pytest.mark.parametrize("data,reason", [
    (b"", reasons.IMAGE_UNREADABLE),
    (b"GIF89a" + b"\x00" * 64, reasons.IMAGE_UNREADABLE),
    (b"\xff\xd8\xff" + b"\x00" * 100, reasons.IMAGE_UNREADABLE),
])
def test_bad_files_are_refused_by_intake(data, reason):
    assert scan_page(data).reasons == (reason,)


def test_a_tiny_photo_is_too_small():
    assert scan_page(mrz_pages.encode(np.full((200, 300, 3), 200, np.uint8), 90)).reasons == (reasons.IMAGE_TOO_SMALL,)


def test_the_result_keeps_personal_data_out_of_logs():
    person, photo = mrz_pages.sample(77, guided=True)
    result = scan_page(photo.data)
    assert person.number not in repr(result) and person.surname not in repr(result)
