"""The page generator next to this file is imported by name, whatever
pytest's import mode; tests skip when the OCR-B font is not installed."""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
