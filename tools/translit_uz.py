"""Uzbek Latin → Uzbek Cyrillic, by the official correspondence of the two
alphabets (the 1995 Latin alphabet law, as amended).

Rules, in the order they apply inside a word:
- digraphs: sh → ш, ch → ч, o‘ → ў, g‘ → ғ (‘, ʻ, ' or ` as the mark);
  "ng" is н + г, as in the Cyrillic spelling;
- ye, yo, yu, ya → е, ё, ю, я (the Cyrillic letter already carries the y);
- e → э at the start of a word and after a vowel, е elsewhere;
- ts → ц in loanwords (…tsiya, …tsion, and at the start of a word);
- the tutuq belgisi ʼ (or ’, or ' after a consonant or vowel) → ъ.

Untouched: printf and format placeholders (%(name)s, %d, {name}), HTML tags
and entities, URLs, host names and e-mail addresses, and Latin names of
products and standards (OneID, QR, NFC...). What rules cannot know is fixed by
hand in tools/uz_cyrl_overrides.json (msgid → Cyrillic text).
"""
from __future__ import annotations

import re

_PROTECTED = re.compile(
    r"%\([A-Za-z_][A-Za-z0-9_]*\)[-+ #0]*\d*(?:\.\d+)?[sdifrxXeEgGc]"  # %(name)s
    r"|%[-+ #0]*\d*(?:\.\d+)?[sdifrxXeEgGc%]"                          # %s, %d
    r"|\{[A-Za-z_][A-Za-z0-9_.]*\}"                                      # {name}
    r"|<[^<>]*>"                                                         # HTML tags
    r"|&[A-Za-z]+;|&#\d+;"                                               # entities
    r"|(?:https?|ftp)://\S+"                                             # URLs
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"                                     # e-mail
    r"|(?<![\w])\.[a-z0-9]{2,4}\b"                                      # .pfx, .p12
    r"|\b[A-Z]{1,3}\d[\w-]*"                                             # FA1234567, DG2
    r"|\b[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:uz|com|org|net|ru|gov|eu|example|test)\b(?:/\S*)?"  # hosts
)

# Latin names that stay Latin in Cyrillic texts (products, standards, protocol words).
KEEP = frozenset("""
OneID ID QR NFC MRZ SMS PIN PUK TOTP OTP PKCS JSON PDF URL URI HTTP HTTPS API
OpenID OIDC OAuth JWT JWKS PKCE FAPI DPoP PAR E-IMZO IMZO eIDAS ICAO CSCA DSC CRL SOD EF.COM
DG1 DG2 DG14 DG15 BAC PACE PC/SC USB Bluetooth Android iPhone iOS Google Microsoft Apple
Chrome Firefox Safari Windows macOS Linux WebAuthn FIDO FIDO2 UTC PNG SVG CSV NDEF UZB
""".split())

_VOWELS = set("aeiouAEIOUаеиоуэюяёўАЕИОУЭЮЯЁЎ")
_MARKS = "‘ʻ'`"
_TUTUQ = "ʼ’'"

_SINGLE = {
    "a": "а", "b": "б", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "ҳ", "i": "и", "j": "ж",
    "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "қ", "r": "р", "s": "с",
    "t": "т", "u": "у", "v": "в", "x": "х", "y": "й", "z": "з", "c": "с", "w": "в",
}
_Y_PAIRS = {"e": "е", "o": "ё", "u": "ю", "a": "я"}
_WORD = re.compile(r"[A-Za-z‘ʻ'`ʼ’]+")


def _case(out: str, src: str, word_upper: bool) -> str:
    """Give the Cyrillic letter the case of the Latin one(s) it came from."""
    if src[0].isupper():
        return out.upper() if (word_upper or len(src) == 1 or src[1:2].isupper() or len(out) == 1) else out[0].upper() + out[1:]
    return out


def _word(word: str) -> str:
    if word in KEEP:
        return word
    for mark in _TUTUQ:
        head, sep, tail = word.partition(mark)
        if sep and head in KEEP:  # OneID’da: the name stays, its suffix is Uzbek
            return head + "’" + _word(tail)
    letters = [c for c in word if c.isalpha()]
    upper = len(letters) > 1 and all(c.isupper() for c in letters)
    out: list[str] = []
    i, n = 0, len(word)
    lower = word.lower()
    while i < n:
        c, low = word[i], lower[i]
        nxt = lower[i + 1] if i + 1 < n else ""
        prev = lower[i - 1] if i > 0 else ""
        at_start = not any(ch.isalpha() for ch in lower[:i])
        if low in ("o", "g") and nxt and nxt in _MARKS and (i + 2 >= n or lower[i + 2] not in _MARKS):
            out.append(_case("ў" if low == "o" else "ғ", c, upper))
            i += 2
            continue
        if low in ("s", "c") and nxt == "h":
            out.append(_case("ш" if low == "s" else "ч", word[i:i + 2], upper))
            i += 2
            continue
        if low == "t" and nxt == "s" and (at_start or lower[i + 2:i + 5] in ("iya", "ion")):
            out.append(_case("ц", word[i:i + 2], upper))
            i += 2
            continue
        if low == "y" and nxt in _Y_PAIRS and not (nxt == "o" and lower[i + 2:i + 3] and lower[i + 2] in _MARKS):
            out.append(_case(_Y_PAIRS[nxt], word[i:i + 2], upper))
            i += 2
            continue
        if low == "e":
            after_vowel = prev in _VOWELS or (prev in _MARKS and i >= 2 and lower[i - 2] == "o")
            out.append(_case("э" if (at_start or after_vowel) else "е", c, upper))
            i += 1
            continue
        if c in _TUTUQ:
            # a mark between letters is the tutuq belgisi; a quote around a word stays a quote
            if 0 < i < n - 1 and word[i - 1].isalpha() and word[i + 1].isalpha():
                out.append("Ъ" if upper else "ъ")
            elif c == "'" or c in _MARKS:
                out.append(c)
            else:
                out.append("ъ" if 0 < i and word[i - 1].isalpha() else c)
            i += 1
            continue
        if low in _SINGLE:
            out.append(_case(_SINGLE[low], c, upper))
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _plain(text: str) -> str:
    return _WORD.sub(lambda m: _word(m.group(0)), text)


def to_cyrillic(text: str) -> str:
    """Uzbek Latin text → Uzbek Cyrillic, leaving placeholders, markup and URLs as they are."""
    out, pos = [], 0
    for m in _PROTECTED.finditer(text):
        out.append(_plain(text[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_plain(text[pos:]))
    return "".join(out)


__all__ = ["KEEP", "to_cyrillic"]
