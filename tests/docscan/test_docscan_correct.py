"""Correction by field type and check digits, on made-up classifier
outputs: what may be corrected, and what must be refused."""
from __future__ import annotations

import numpy as np

from docscan import correct
from docscan.glyphs import ALPHABET, INDEX
from nfc.mrz import build_td3

TEXT = build_td3(issuing_state="UZB", surname="TESTOVA", given_names="MALIKA", document_number="FA1234567",
                 nationality="UZB", date_of_birth="900517", sex="F", date_of_expiry="310101",
                 optional_data="41705901234567")
FLAT = TEXT.replace("\n", "")


def probabilities(text: str = FLAT, *, sure: float = 0.99, change: dict | None = None) -> np.ndarray:
    """One row per character; `change` = {position: {char: p, ...}}."""
    p = np.full((88, len(ALPHABET)), (1 - sure) / (len(ALPHABET) - 1))
    for i, ch in enumerate(text):
        p[i, INDEX[ch]] = sure
    for i, row in (change or {}).items():
        p[i] = 0.001
        for ch, value in row.items():
            p[i, INDEX[ch]] = value
        p[i] /= p[i].sum()
    return p


def test_a_clean_read_is_accepted_as_is():
    decoded = correct.decode(probabilities())
    assert decoded.ok and decoded.text == TEXT and decoded.corrections == 0 and decoded.confidence > 0.9


def test_a_letter_read_in_a_date_is_the_digit_it_resembles():
    birth_start = 44 + 13
    decoded = correct.decode(probabilities(change={birth_start: {"O": 0.9, "9": 0.09}}))  # "9" of 900517 as O
    assert decoded.ok and decoded.text == TEXT


def test_a_digit_read_in_a_name_is_the_letter_it_resembles():
    decoded = correct.decode(probabilities(change={9: {"0": 0.7, "O": 0.3}}))  # "O" of TESTOVA
    assert decoded.ok and decoded.text == TEXT


def test_the_check_digit_chooses_between_close_alternatives():
    position = 44 + 5  # the "4" of FA1234567
    decoded = correct.decode(probabilities(change={position: {"9": 0.55, "4": 0.45}}))
    assert decoded.ok and decoded.text == TEXT and decoded.corrections == 1


def test_a_confident_misread_that_fails_its_check_digit_is_refused():
    position = 44 + 5
    decoded = correct.decode(probabilities(change={position: {"9": 0.999}}))
    assert not decoded.ok


def test_an_uncertain_name_is_refused_not_guessed():
    decoded = correct.decode(probabilities(change={8: {"V": 0.5, "Y": 0.5}}))
    assert not decoded.ok and decoded.uncertain >= 1


def test_more_corrections_than_allowed_are_refused():
    change = {44 + 2: {"7": 0.5, "1": 0.5}, 44 + 14: {"1": 0.5, "0": 0.5}, 44 + 23: {"9": 0.5, "1": 0.5}}
    decoded = correct.decode(probabilities(change=change))
    assert not decoded.ok or decoded.text == TEXT


def test_a_line_without_fillers_is_decoded():
    assert "<" not in TEXT.split("\n")[1]
    assert correct.decode(probabilities()).ok
