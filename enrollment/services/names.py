"""Comparing the holder's name in the chip's MRZ with the register's name.

The MRZ holds names transliterated into A-Z with '<' fillers (ICAO 9303
Part 3 section 6) and truncated to fit the line; the register holds the
Latin-script spelling (O‘zbek lotin yozuvi: o‘, g‘, ʼ). Both are reduced to
A-Z and spaces: apostrophe-like marks dropped, diacritics removed. A name
matches when the MRZ's is equal to the register's, or a prefix of it that
ends the MRZ field (truncation, Part 3 section 4.6).
"""
from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = "'‘’ʻʼ`´"
TD3_NAME_FIELD = 39


def mrz_form(name: str | None) -> str:
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch) and ch not in _APOSTROPHES)
    text = re.sub(r"[^A-Za-z]+", " ", text).upper()
    return " ".join(text.split())


def name_matches(mrz_value: str, register_value: str | None, *, truncated: bool) -> bool:
    chip, register = mrz_form(mrz_value), mrz_form(register_value)
    if not chip or not register:
        return False
    if chip == register:
        return True
    return truncated and register.startswith(chip)


def holder_matches(*, mrz_surname: str, mrz_given: str, family_name: str, given_name: str) -> dict[str, bool]:
    """Which name parts match (safe to store: booleans only)."""
    truncated = len(mrz_form(mrz_surname)) + len(mrz_form(mrz_given)) + 2 >= TD3_NAME_FIELD - 1
    given_first = mrz_form(mrz_given).split(" ")[0] if mrz_given else ""
    return {
        "family_name": name_matches(mrz_surname, family_name, truncated=truncated),
        "given_name": (name_matches(mrz_given, given_name, truncated=truncated)
                       or name_matches(given_first, given_name, truncated=False)),
    }
