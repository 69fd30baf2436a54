"""Every page string has its Uzbek and Russian translation, compiled."""
import pathlib

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = pathlib.Path(__file__).parents[2] / "idp" / "translations"


def test_catalogs_are_complete_and_compiled():
    for lang in ("uz", "ru"):
        po_path = ROOT / lang / "LC_MESSAGES" / "messages.po"
        with open(po_path, "rb") as fh:
            po = read_po(fh)
        missing = [m.id for m in po if m.id and not m.string]
        assert missing == [], f"{lang}: {missing[:5]}"
        with open(po_path.with_suffix(".mo"), "rb") as fh:
            mo = read_mo(fh)
        stale = [m.id for m in po if m.id and (mo.get(m.id) is None or mo.get(m.id).string != m.string)]
        assert stale == [], f"{lang}: run python tools/i18n.py ({stale[:3]})"
