"""Every consular text exists in Uzbek and Russian, and the pages speak the
reader's language."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def consular_msgids() -> set:
    from babel.messages.extract import extract_from_dir

    ids = set()
    for method, directory in (("python", ROOT / "consular"), ("jinja2", ROOT / "idp" / "templates" / "consular")):
        pattern = "**.py" if method == "python" else "**.html"
        for _file, _line, message, _comments, _context in extract_from_dir(
                str(directory), method_map=[(pattern, method)], keywords={"_": None, "_l": None, "gettext": None,
                                                                          "lazy_gettext": None}):
            ids.add(message)
    return ids


@pytest.mark.parametrize("lang", ["uz", "ru"])
def test_every_consular_text_is_translated(lang):
    from babel.messages.pofile import read_po

    with open(ROOT / "idp" / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh, locale=lang)
    ids = consular_msgids()
    assert len(ids) > 250
    missing = sorted(i for i in ids if catalog.get(i) is None or not catalog.get(i).string)
    assert missing == []


@pytest.mark.parametrize("lang, heading", [("uz", "Ko‘rib chiqiladigan masofaviy ro‘yxatdan o‘tishlar"),
                                           ("ru", "Дистанционные регистрации на проверку"),
                                           ("en", "Remote enrollments to review")])
def test_the_queue_speaks_the_officers_language(portal, lang, heading):
    page = portal("officer").page(f"/consular/officer/MOW/queue?lang={lang}")
    assert f"<h1>{heading}</h1>" in page
