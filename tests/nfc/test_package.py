"""Package boundaries: nfc imports only what the architecture allows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_importing_nfc_pulls_in_no_web_database_or_optional_packages():
    code = ("import sys, nfc, nfc.cli, nfc.reader_cli, nfc.testing; "
            "bad = [m for m in ('flask', 'sqlalchemy', 'smartcard', 'PIL', 'numpy', 'cv2', 'idp')"
            " if m in sys.modules]; print(','.join(bad))")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=root)
    assert out.stdout.strip() == ""


def test_every_error_has_a_reason_code():
    import inspect

    from nfc import errors

    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass)
               if issubclass(c, errors.NfcError)]
    codes = [c.code for c in classes]
    assert len(codes) == len(set(codes)), "reason codes must be distinct"
    assert all(code and code == code.lower() for code in codes)
