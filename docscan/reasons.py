"""Reason codes of a page scan: stable strings a page maps to a text the
citizen can act on (take the photo again in more light, hold still, ...).

Quality reasons say what to change in the photo; consistency reasons say
why a read that looked complete was refused; document reasons say that the
page is readable but not one this service accepts.
"""
from __future__ import annotations

# Image intake
IMAGE_UNREADABLE = "image_unreadable"
IMAGE_TOO_LARGE = "image_too_large"
IMAGE_TOO_SMALL = "image_too_small"
# Photo quality
TOO_DARK = "too_dark"
BLURRED = "blurred"
GLARE = "glare"
MRZ_NOT_FOUND = "mrz_not_found"  # page cut off, too far away, or not a data page
MRZ_UNREADABLE = "mrz_unreadable"  # found, but some characters are uncertain
# Consistency of the read (ICAO 9303 Part 3 section 4.9, Part 4 section 4.2.2)
MRZ_INCONSISTENT = "mrz_inconsistent"
# The document itself
NOT_A_PASSPORT = "not_a_passport"
ISSUING_STATE_NOT_UZB = "issuing_state_not_uzb"
NATIONALITY_NOT_UZB = "nationality_not_uzb"

QUALITY = (TOO_DARK, BLURRED, GLARE, MRZ_NOT_FOUND, MRZ_UNREADABLE)
DOCUMENT = (NOT_A_PASSPORT, ISSUING_STATE_NOT_UZB, NATIONALITY_NOT_UZB)
ALL = (IMAGE_UNREADABLE, IMAGE_TOO_LARGE, IMAGE_TOO_SMALL, *QUALITY, MRZ_INCONSISTENT, *DOCUMENT)
