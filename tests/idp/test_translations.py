"""Every page string has its Uzbek and Russian translation."""
from babel.messages.pofile import read_po
import pathlib

ROOT = pathlib.Path(__file__).parents[2] / "idp" / "translations"


def test_catalogs_are_complete_and_compiled():
    for lang in ("uz", "ru"):
        po = ROOT / lang / "LC_MESSAGES" / "messages.po"
        with open(po, "rb") as fh:
            missing = [m.id for m in read_po(fh) if m.id and not m.string]
        assert missing == [], f"{lang}: {missing[:5]}"
        mo = po.with_suffix(".mo")
        assert mo.stat().st_mtime >= po.stat().st_mtime - 1, f"{lang}: run python tools/i18n.py"
