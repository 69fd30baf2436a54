"""Countries a citizen abroad may live in, named in the page's language
(Babel's CLDR territory names), with the most common destinations first."""
from __future__ import annotations

import functools

from babel import Locale

COMMON = ("RU", "KZ", "TR", "KR", "US", "DE", "GB", "AE", "PL", "KG", "CZ", "JP", "IT", "LV", "LT")


@functools.lru_cache(maxsize=8)
def _names(locale: str) -> dict[str, str]:
    territories = Locale.parse(locale).territories
    return {code: name for code, name in territories.items()
            if len(code) == 2 and code.isalpha() and code not in ("UZ", "ZZ", "EU", "UN", "EZ", "QO", "XA", "XB")}


def country_choices(locale: str) -> list[tuple[str, str]]:
    names = _names(locale if locale in ("uz", "ru", "en") else "en")
    first = [(c, names[c]) for c in COMMON if c in names]
    rest = sorted(((c, n) for c, n in names.items() if c not in COMMON), key=lambda item: item[1])
    return [("", "—")] + first + rest


def is_country(code: str | None) -> bool:
    return bool(code) and code in _names("en")
