"""Extract messages, merge them into the uz, ru and en catalogs, make the
Uzbek Cyrillic one (uz_Cyrl) from the Uzbek Latin one, compile.

    python tools/i18n.py          # extract + update + compile
    python tools/i18n.py --fill new.json
        # the same, after filling translations from a JSON file:
        # {"English msgid": {"uz": "...", "ru": "..."}, ...}
The .po files are the translations' source of truth; untranslated entries
are listed so that a release never ships an English string in Uzbek. The
uz_Cyrl catalog is never edited by hand: it is the uz one transliterated
(tools/translit_uz.py), with the words rules cannot get right fixed in
tools/uz_cyrl_overrides.json: "words" (a whole Cyrillic word the rules
spell wrong → its spelling, e.g. a loanword's soft sign) and "messages"
(msgid → the whole Cyrillic text).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "idp" / "translations"
POT = TRANSLATIONS / "messages.pot"
OVERRIDES = Path(__file__).resolve().parent / "uz_cyrl_overrides.json"


def run(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", *args], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


def fill(path: str) -> None:
    """Write the translations in `path` into the catalogs (entries must exist)."""
    import json

    from babel.messages.pofile import read_po, write_po

    wanted = json.loads(Path(path).read_text(encoding="utf-8"))
    for lang in ("uz", "ru"):
        po_path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        with open(po_path, "rb") as fh:
            catalog = read_po(fh)
        for msgid, texts in wanted.items():
            if lang in texts and msgid in catalog:
                catalog[msgid].string = texts[lang]
                catalog[msgid].flags.discard("fuzzy")
        with open(po_path, "wb") as fh:
            write_po(fh, catalog, omit_header=False, sort_output=True, include_previous=False)


def make_cyrillic() -> None:
    """Write uz_Cyrl/messages.po: every uz translation transliterated, or its override."""
    import json

    from babel.messages.pofile import read_po, write_po

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from translit_uz import to_cyrillic

    import re

    fixes = json.loads(OVERRIDES.read_text(encoding="utf-8")) if OVERRIDES.exists() else {}
    overrides, words = fixes.get("messages", {}), fixes.get("words", {})
    word = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, words)) + r")(?!\w)") if words else None

    def to_cyrillic_fixed(text: str) -> str:
        out = to_cyrillic(text)
        return word.sub(lambda m: words[m.group(1)], out) if word else out

    with open(TRANSLATIONS / "uz" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh, locale="uz_Cyrl")
    catalog.locale = "uz_Cyrl"
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.string, tuple):
            message.string = tuple(to_cyrillic_fixed(s) for s in message.string)
        else:
            key = message.id if isinstance(message.id, str) else message.id[0]
            message.string = overrides.get(key) or (to_cyrillic_fixed(message.string) if message.string else "")
    out = TRANSLATIONS / "uz_Cyrl" / "LC_MESSAGES" / "messages.po"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh:
        write_po(fh, catalog, omit_header=False, sort_output=True, include_previous=False)


def main(argv: list[str]) -> int:
    run("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "--no-location", "--sort-output",
        "-o", str(POT), ".")
    for lang in ("uz", "ru", "en"):
        po = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        if po.exists():
            run("update", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", lang, "--no-fuzzy-matching")
        else:
            run("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", lang)
    if len(argv) == 2 and argv[0] == "--fill":
        fill(argv[1])
    make_cyrillic()
    run("compile", "-d", str(TRANSLATIONS), "--use-fuzzy")
    from babel.messages.pofile import read_po

    missing = 0
    for lang in ("uz", "uz_Cyrl", "ru"):
        with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
            catalog = read_po(fh)
        for message in catalog:
            if message.id and not message.string:
                missing += 1
                print(f"{lang}: untranslated: {message.id}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
