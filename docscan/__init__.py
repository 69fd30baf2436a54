"""Passport data-page scan: from a phone photo to the MRZ fields the
citizen confirms.

A pure library (no web framework, no database): `scan_page(bytes)` returns a
`ScanResult` with the parsed `nfc.mrz.MRZ`, a confidence and, when the read
is refused, reason codes from `docscan.reasons` a person can act on;
given a face detector, also the page portrait. See
docs/passport-scan.md.
"""
from . import reasons
from .intake import PageLimits
from .portrait import Portrait
from .scan import ScanResult, scan_page, scan_pixels

__all__ = ["PageLimits", "Portrait", "ScanResult", "reasons", "scan_page", "scan_pixels"]
