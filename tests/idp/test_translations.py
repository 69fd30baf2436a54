"""Every page string has its Uzbek (Latin and Cyrillic) and Russian
translation, compiled; the Cyrillic catalogue is the Latin one transliterated."""
import pathlib
import re
import sys

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = pathlib.Path(__file__).parents[2] / "idp" / "translations"
sys.path.insert(0, str(pathlib.Path(__file__).parents[2] / "tools"))
from translit_uz import to_cyrillic  # noqa: E402


@pytest.mark.parametrize("lang", ["uz", "uz_Cyrl", "ru"])
def test_catalogs_are_complete_and_compiled(lang):
    po_path = ROOT / lang / "LC_MESSAGES" / "messages.po"
    with open(po_path, "rb") as fh:
        po = read_po(fh)
    missing = [m.id for m in po if m.id and not m.string]
    assert missing == [], f"{lang}: {missing[:5]}"
    with open(po_path.with_suffix(".mo"), "rb") as fh:
        mo = read_mo(fh)
    stale = [m.id for m in po if m.id and (mo.get(m.id) is None or mo.get(m.id).string != m.string)]
    assert stale == [], f"{lang}: run python tools/i18n.py ({stale[:3]})"


def test_every_string_is_in_all_four_catalogues():
    ids = {}
    for lang in ("uz", "uz_Cyrl", "ru", "en"):
        with open(ROOT / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
            ids[lang] = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    assert ids["uz"] == ids["uz_Cyrl"] == ids["ru"] == ids["en"]


def test_cyrillic_catalogue_keeps_every_placeholder():
    placeholder = re.compile(r"%\(\w+\)[-.\d]*[sdf]|%[sd]|\{\w+\}|<[^>]+>|https?://\S+")
    with open(ROOT / "uz" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        latin = {m.id: m.string for m in read_po(fh) if m.id and isinstance(m.string, str)}
    with open(ROOT / "uz_Cyrl" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        cyrl = {m.id: m.string for m in read_po(fh) if m.id and isinstance(m.string, str)}
    for msgid, text in latin.items():
        assert sorted(placeholder.findall(text)) == sorted(placeholder.findall(cyrl[msgid])), msgid
        assert not re.search(r"\b(?:sh|ch|yo|ya|yu)\w*", re.sub(placeholder, "", cyrl[msgid])), msgid


@pytest.mark.parametrize("latin, cyrillic", [
    ("Shaxsiy kabinet", "Шахсий кабинет"),
    ("O‘zbekiston Respublikasi", "Ўзбекистон Республикаси"),
    ("qo‘ng‘iroq", "қўнғироқ"),
    ("Yo‘l", "Йўл"),
    ("ma’lumotlar", "маълумотлар"),
    ("yangi eshik", "янги эшик"),
    ("poeziya", "поэзия"),
    ("Yuz", "Юз"),
    ("revolyutsiya", "революция"),
    ("JShShIR", "ЖШШИР"),
    ("OneID’da", "OneID’да"),
])
def test_transliteration_rules(latin, cyrillic):
    assert to_cyrillic(latin) == cyrillic


def test_placeholders_markup_and_urls_survive_transliteration():
    text = ('Salom, %(name)s! %d ta <a href="https://id.gov.uz/help?x=1">yordam</a> '
            '{count} my.gov.uz, test@mail.uz, FA1234567, .pfx &amp; QR')
    out = to_cyrillic(text)
    for kept in ("%(name)s", "%d", '<a href="https://id.gov.uz/help?x=1">', "</a>", "{count}", "my.gov.uz",
                 "test@mail.uz", "FA1234567", ".pfx", "&amp;", "QR"):
        assert kept in out
    assert out.startswith("Салом, %(name)s! %d та ") and "ёрдам" in out
