"""From per-cell character probabilities to a TD3 MRZ that is consistent,
or a refusal.

Every position has a field type (ICAO 9303 Part 4 section 4.2.2): digits in
dates and check digits, letters in the document code, country codes and
names, letters and digits in the document number and the personal number.
A character is first read within its type; the check digits then decide
between the close alternatives the classifier saw, limited to the
confusions OCR-B allows (0/O/D/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B, '<'/K/C/S...).

A read is refused, never guessed, when a character that no check digit
protects (names, country codes, sex) is uncertain, when more than
`MAX_CORRECTIONS` characters would have to change, or when the check digits
and the composite check digit cannot all be satisfied. Uzbek passports
carry the 14-digit PINFL in the personal-number field, so line 2 may hold no
filler '<' at all; nothing here depends on fillers.
"""
from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np

from nfc.mrz import check_digit

from .glyphs import ALPHABET, INDEX

LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
DIGITS = frozenset("0123456789")
FILLER = frozenset("<")

# Shapes OCR-B keeps apart but blur, noise and glare can bring together.
CONFUSABLE = [set("0ODQU"), set("1IL7T"), set("2Z"), set("5S"), set("6G"), set("8B3"), set("4A"),
              set("<KCSEL"), set("MN"), set("HN"), set("VY"), set("EF"), set("PR")]

# Unprotected characters must be at least this sure; protected ones may be
# corrected by their check digit if the alternative is at least ALT_MIN.
SURE = 0.80
ALT_MIN = 0.02
MAX_CORRECTIONS = 2

# TD3 line 2: (start, end, check digit position)
NUMBER, BIRTH, EXPIRY, OPTIONAL = (0, 9, 9), (13, 19, 19), (21, 27, 27), (28, 42, 42)
COMPOSITE = 43


def _types(line1_state_is_uzb: bool = True) -> list[frozenset]:
    alnum_f = LETTERS | DIGITS | FILLER
    first = [LETTERS, LETTERS | FILLER] + [LETTERS | FILLER] * 3 + [LETTERS | FILLER] * 39
    second = [alnum_f] * 9 + [DIGITS] + [LETTERS | FILLER] * 3 + [DIGITS] * 7 + [frozenset("MFX<")] \
        + [DIGITS] * 7 + [alnum_f] * 14 + [DIGITS | FILLER] + [DIGITS]
    return first + second


TYPES = _types()
PROTECTED = frozenset(range(44, 44 + 10)) | frozenset(range(44 + 13, 44 + 20)) | frozenset(range(44 + 21, 44 + 44))


@dataclass(frozen=True)
class Decoded:
    text: str  # two lines joined by "\n" (personal data: do not log)
    confidence: float  # lowest probability of a character as read
    corrections: int
    ok: bool
    uncertain: int  # characters below SURE
    fit: float = 1.0  # share of characters whose first guess fits its field type: low = not an MRZ

    def __repr__(self) -> str:
        return f"Decoded(ok={self.ok}, confidence={self.confidence:.3f}, corrections={self.corrections})"


@functools.lru_cache(maxsize=None)
def _mass_matrix(allowed: frozenset) -> tuple[np.ndarray, tuple[str, ...]]:
    """(37, len(allowed)): column c sums the probability of c and of its
    look-alikes outside the field type."""
    chars = tuple(sorted(allowed))
    matrix = np.zeros((len(ALPHABET), len(chars)))
    for k, char in enumerate(chars):
        matrix[INDEX[char], k] = 1.0
        for group in CONFUSABLE:
            if char in group:
                for other in group - {char} - allowed:
                    matrix[INDEX[other], k] = 1.0
    return matrix, chars


def _mass(p: np.ndarray, char: str, allowed: frozenset) -> float:
    matrix, chars = _mass_matrix(allowed)
    return min(float(p @ matrix[:, chars.index(char)]), 1.0)


def _ranked(p: np.ndarray, allowed: frozenset) -> list[tuple[str, float]]:
    matrix, chars = _mass_matrix(allowed)
    masses = np.minimum(p @ matrix, 1.0)
    order = np.argsort(-masses, kind="stable")[:5]
    return [(chars[k], float(masses[k])) for k in order]


def _fields_ok(line2: list[str]) -> list[tuple[int, int, int]]:
    """The check-digit fields that fail."""
    failing = []
    for start, end, cd in (NUMBER, BIRTH, EXPIRY, OPTIONAL):
        data, digit = "".join(line2[start:end]), line2[cd]
        if cd == OPTIONAL[2] and digit == "<" and set(data) <= FILLER:
            continue
        if "<" in digit or check_digit(data) != digit:
            failing.append((start, end, cd))
    return failing


def _composite_ok(line2: list[str]) -> bool:
    text = "".join(line2)
    return line2[COMPOSITE] in DIGITS and check_digit(text[0:10] + text[13:20] + text[21:43]) == line2[COMPOSITE]


def decode(probabilities: np.ndarray) -> Decoded:
    """`probabilities`: (88, 37), line 1 then line 2, columns in ALPHABET order."""
    ranked = [_ranked(probabilities[i], TYPES[i]) for i in range(88)]
    first = probabilities.argmax(axis=1)
    fit = float(np.mean([ALPHABET[first[i]] in TYPES[i] for i in range(88)]))
    chosen = [r[0][0] for r in ranked]
    sure = [r[0][1] for r in ranked]
    uncertain = sum(1 for i in range(88) if sure[i] < SURE)
    unprotected_doubt = any(sure[i] < SURE for i in range(88) if i not in PROTECTED)
    line2 = chosen[44:]
    corrections = 0
    for start, end, cd in _fields_ok(line2):
        fix = _best_fix(ranked, line2, range(start, end), cd, lambda l2, s=start, e=end, c=cd: _field_passes(l2, s, e, c))
        if fix is None:
            return _refused(chosen, sure, corrections, uncertain, fit)
        corrections += len(fix)
    if not _composite_ok(line2):
        fix = _best_fix(ranked, line2, [i for i in range(43) if 44 + i in PROTECTED], COMPOSITE,
                        lambda l2: _composite_ok(l2) and not _fields_ok(l2))
        if fix is None:
            return _refused(chosen, sure, corrections, uncertain, fit)
        corrections += len(fix)
    chosen[44:] = line2
    if corrections > MAX_CORRECTIONS or unprotected_doubt:
        return _refused(chosen, sure, corrections, uncertain, fit)
    text = "".join(chosen[:44]) + "\n" + "".join(chosen[44:])
    confidence = min(_mass(probabilities[i], chosen[i], TYPES[i]) for i in range(88))
    return Decoded(text, confidence, corrections, True, uncertain, fit)


def _field_passes(line2, start, end, cd) -> bool:
    return (start, end, cd) not in _fields_ok(line2)


def _best_fix(ranked, line2: list[str], positions, cd: int, passes) -> list[int] | None:
    """The most probable one- or two-character change within `positions` and
    `cd` that makes `passes(line2)` true; applied in place."""
    options = []
    for i in list(positions) + [cd]:
        for char, p in ranked[44 + i][1:4]:
            if p >= ALT_MIN and ranked[44 + i][0][1] < 0.97:
                options.append((i, char, p / max(ranked[44 + i][0][1], 1e-6)))
    best = None
    for size in (1, 2):
        for combo in itertools.combinations(options, size):
            if len({i for i, _, _ in combo}) < size:
                continue
            trial = list(line2)
            for i, char, _ in combo:
                trial[i] = char
            if passes(trial):
                score = float(np.prod([r for _, _, r in combo]))
                if best is None or score > best[0]:
                    best = (score, combo)
        if best is not None:
            break
    if best is None:
        return None
    for i, char, _ in best[1]:
        line2[i] = char
    return [i for i, _, _ in best[1]]


def _refused(chosen, sure, corrections, uncertain, fit) -> Decoded:
    return Decoded("", min(sure), corrections, False, uncertain, fit)
