"""Machine readable zone (ICAO 9303 Parts 3, 4 and 5): TD1, TD2 and TD3
parsing, check digits, and the document key used for Basic Access Control
(Part 11 section 9.7.2, "MRZ information").
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from .errors import CheckDigitError, MRZError

_WEIGHTS = (7, 3, 1)
_ALLOWED = re.compile(r"^[A-Z0-9<]*$")


def char_value(ch: str) -> int:
    """Numeric value of an MRZ character (Part 3 section 4.9)."""
    if "0" <= ch <= "9":
        return ord(ch) - 48
    if "A" <= ch <= "Z":
        return ord(ch) - 55
    if ch == "<":
        return 0
    raise MRZError("character outside the MRZ alphabet")


def check_digit(data: str) -> str:
    """Check digit with repeating weights 7, 3, 1 (Part 3 section 4.9)."""
    total = sum(char_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(data))
    return str(total % 10)


def _verify(field_name: str, data: str, digit: str, *, optional: bool = False) -> None:
    # An all-filler optional field may carry '<' as its check digit (Part 4 4.2.2.2).
    if optional and digit == "<" and set(data) <= {"<"}:
        return
    if digit != check_digit(data):
        raise CheckDigitError(f"check digit of {field_name} does not match")


def parse_mrz_date(value: str, *, kind: str, today: _dt.date | None = None) -> _dt.date | None:
    """YYMMDD to a date; ``None`` when a part is unknown ('<' filled).

    Birth dates resolve to the latest century that is not in the future;
    expiry dates to 2000-2099 unless that is more than 50 years ahead.
    """
    if len(value) != 6:
        raise MRZError("date field must have six characters")
    if "<" in value:
        if not re.fullmatch(r"[0-9<]{6}", value):
            raise MRZError("date field is not numeric")
        return None
    if not value.isdigit():
        raise MRZError("date field is not numeric")
    today = today or _dt.date.today()
    yy, mm, dd = int(value[:2]), int(value[2:4]), int(value[4:])
    if kind == "birth":
        year = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
    else:
        year = 2000 + yy if 2000 + yy <= today.year + 50 else 1900 + yy
    try:
        parsed = _dt.date(year, mm, dd)
    except ValueError as exc:
        raise MRZError("date field is not a calendar date") from exc
    if kind == "birth" and parsed > today:
        parsed = parsed.replace(year=parsed.year - 100)
    return parsed


def format_mrz_date(value: _dt.date) -> str:
    return value.strftime("%y%m%d")


def _names(field_value: str) -> tuple[str, str]:
    primary, _, secondary = field_value.partition("<<")
    return (primary.replace("<", " ").strip(),
            secondary.replace("<", " ").strip())


@dataclass(frozen=True)
class MRZ:
    """A parsed machine readable zone. Contains personal data: do not log."""

    format: str  # "TD1", "TD2" or "TD3"
    document_code: str
    issuing_state: str
    document_number: str
    nationality: str
    date_of_birth: str  # YYMMDD as printed, may contain '<'
    sex: str  # 'M', 'F' or '<' (unspecified)
    date_of_expiry: str
    primary_identifier: str
    secondary_identifier: str
    optional_data: str
    optional_data_2: str = ""
    text: str = field(default="", repr=False)

    @property
    def surname(self) -> str:
        return self.primary_identifier

    @property
    def given_names(self) -> str:
        return self.secondary_identifier

    def birth_date(self, *, today: _dt.date | None = None) -> _dt.date | None:
        return parse_mrz_date(self.date_of_birth, kind="birth", today=today)

    def expiry_date(self, *, today: _dt.date | None = None) -> _dt.date | None:
        return parse_mrz_date(self.date_of_expiry, kind="expiry", today=today)

    def document_key(self) -> DocumentKey:
        return DocumentKey(self.document_number, self.date_of_birth, self.date_of_expiry)

    def __repr__(self) -> str:  # personal data stays out of logs
        return f"MRZ(format={self.format!r}, issuing_state={self.issuing_state!r})"


def _clean(text: str) -> list[str]:
    if not isinstance(text, str):
        raise MRZError("MRZ must be text")
    lines = [ln.strip() for ln in text.replace("\r", "\n").split("\n") if ln.strip()]
    if len(lines) == 1:
        single = lines[0]
        for width, count in ((44, 2), (36, 2), (30, 3)):
            if len(single) == width * count:
                lines = [single[i:i + width] for i in range(0, len(single), width)]
                break
    for line in lines:
        if not _ALLOWED.match(line):
            raise MRZError("MRZ contains characters outside A-Z, 0-9 and '<'")
    return lines


def parse_mrz(text: str, *, verify_check_digits: bool = True) -> MRZ:
    """Parse a TD1 (3x30), TD2 (2x36) or TD3 (2x44) MRZ.

    Raises :class:`CheckDigitError` when a check digit fails (unless
    ``verify_check_digits`` is false) and :class:`MRZError` for any other
    malformation.
    """
    lines = _clean(text)
    shape = tuple(len(ln) for ln in lines)
    if shape == (44, 44):
        return _parse_two_line(lines, "TD3", verify_check_digits)
    if shape == (36, 36):
        return _parse_two_line(lines, "TD2", verify_check_digits)
    if shape == (30, 30, 30):
        return _parse_td1(lines, verify_check_digits)
    raise MRZError("MRZ is neither TD1, TD2 nor TD3")


def _document_number(raw: str, digit: str, optional: str) -> tuple[str, str, str]:
    """Handle the long document number convention (Part 5 note j, Part 4).

    Returns (document number, its check digit, remaining optional data).
    """
    if digit != "<":
        return raw.rstrip("<"), digit, optional
    # Long number: the rest of it and its check digit lead the optional data.
    tail, sep, rest = optional.partition("<")
    if not sep or len(tail) < 2:
        raise MRZError("long document number without check digit")
    return raw + tail[:-1], tail[-1], rest


def _parse_two_line(lines: list[str], fmt: str, verify: bool) -> MRZ:
    l1, l2 = lines
    width = len(l1)
    names = l1[5:]
    number, num_cd = l2[0:9], l2[9]
    nationality, birth, birth_cd = l2[10:13], l2[13:19], l2[19]
    sex, expiry, expiry_cd = l2[20], l2[21:27], l2[27]
    if fmt == "TD3":
        optional, optional_cd, composite = l2[28:42], l2[42], l2[43]
        composite_data = l2[0:10] + l2[13:20] + l2[21:43]
    else:
        optional, optional_cd, composite = l2[28:35], None, l2[35]
        composite_data = l2[0:10] + l2[13:20] + l2[21:35]
    doc_number, doc_cd, optional_rest = (number.rstrip("<"), num_cd, optional)
    if fmt == "TD2":
        doc_number, doc_cd, optional_rest = _document_number(number, num_cd, optional)
    if sex not in ("M", "F", "<", "X"):
        raise MRZError("sex field invalid")
    if verify:
        full_number = number if num_cd != "<" else doc_number
        _verify("document number", full_number, doc_cd)
        _verify("date of birth", birth, birth_cd)
        _verify("date of expiry", expiry, expiry_cd)
        if optional_cd is not None:
            _verify("optional data", optional, optional_cd, optional=True)
        _verify("composite", composite_data, composite)
    for date_value, kind in ((birth, "birth"), (expiry, "expiry")):
        parse_mrz_date(date_value, kind=kind)
    primary, secondary = _names(names)
    return MRZ(fmt, l1[0:2].rstrip("<"), l1[2:5], doc_number, nationality, birth,
               sex, expiry, primary, secondary, optional_rest.rstrip("<"),
               text="\n".join(lines)[: width * 2 + 1])


def _parse_td1(lines: list[str], verify: bool) -> MRZ:
    l1, l2, l3 = lines
    doc_number, doc_cd, optional1 = _document_number(l1[5:14], l1[14], l1[15:30])
    birth, birth_cd, sex = l2[0:6], l2[6], l2[7]
    expiry, expiry_cd, nationality = l2[8:14], l2[14], l2[15:18]
    optional2, composite = l2[18:29], l2[29]
    if sex not in ("M", "F", "<", "X"):
        raise MRZError("sex field invalid")
    if verify:
        number_field = l1[5:14] if l1[14] != "<" else doc_number
        _verify("document number", number_field, doc_cd)
        _verify("date of birth", birth, birth_cd)
        _verify("date of expiry", expiry, expiry_cd)
        _verify("composite", l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], composite)
    for date_value, kind in ((birth, "birth"), (expiry, "expiry")):
        parse_mrz_date(date_value, kind=kind)
    primary, secondary = _names(l3)
    return MRZ("TD1", l1[0:2].rstrip("<"), l1[2:5], doc_number, nationality, birth,
               sex, expiry, primary, secondary, optional1.rstrip("<"),
               optional2.rstrip("<"), text="\n".join(lines))


@dataclass(frozen=True)
class DocumentKey:
    """Document number, birth date and expiry date: the BAC/PACE key source.

    Dates are YYMMDD strings; :meth:`from_fields` also accepts dates.
    """

    document_number: str
    date_of_birth: str
    date_of_expiry: str

    def __post_init__(self) -> None:
        number = self.document_number
        if not isinstance(number, str) or not 1 <= len(number) <= 22 or not _ALLOWED.match(number):
            raise MRZError("document number must be 1-22 characters of A-Z, 0-9, '<'")
        for value in (self.date_of_birth, self.date_of_expiry):
            if not isinstance(value, str) or not re.fullmatch(r"[0-9<]{6}", value):
                raise MRZError("dates must be YYMMDD")

    @classmethod
    def from_fields(cls, document_number: str, date_of_birth: str | _dt.date,
                    date_of_expiry: str | _dt.date) -> DocumentKey:
        def norm(v: str | _dt.date) -> str:
            return format_mrz_date(v) if isinstance(v, _dt.date) else v
        number = document_number.strip().upper().replace(" ", "").replace("-", "")
        return cls(number, norm(date_of_birth), norm(date_of_expiry))

    def mrz_information(self) -> str:
        """Number (padded to 9) + CD + birth + CD + expiry + CD (Part 11 9.7.2)."""
        number = self.document_number.ljust(9, "<")
        return (number + check_digit(number) + self.date_of_birth
                + check_digit(self.date_of_birth) + self.date_of_expiry
                + check_digit(self.date_of_expiry))

    def matches(self, mrz: MRZ) -> bool:
        return (self.document_number.rstrip("<") == mrz.document_number.rstrip("<")
                and self.date_of_birth == mrz.date_of_birth
                and self.date_of_expiry == mrz.date_of_expiry)

    def __repr__(self) -> str:
        return "DocumentKey(<redacted>)"


def build_td3(*, document_code: str = "P", issuing_state: str, surname: str,
              given_names: str, document_number: str, nationality: str,
              date_of_birth: str, sex: str, date_of_expiry: str,
              optional_data: str = "") -> str:
    """Compose a TD3 MRZ (two lines of 44) with correct check digits."""
    def mrz_text(value: str) -> str:
        value = value.upper()
        out = re.sub(r"[^A-Z0-9]+", "<", value)
        return out.strip("<")

    names = mrz_text(surname) + "<<" + mrz_text(given_names)
    line1 = (document_code.ljust(2, "<") + issuing_state.ljust(3, "<") + names)[:44].ljust(44, "<")
    number = document_number.ljust(9, "<")
    if len(number) != 9:
        raise MRZError("TD3 document numbers have at most nine characters")
    optional = mrz_text(optional_data).ljust(14, "<")[:14]
    optional_cd = "<" if set(optional) == {"<"} else check_digit(optional)
    body = (number + check_digit(number) + nationality.ljust(3, "<") + date_of_birth
            + check_digit(date_of_birth) + sex + date_of_expiry
            + check_digit(date_of_expiry) + optional + optional_cd)
    composite = check_digit(body[0:10] + body[13:20] + body[21:43])
    line2 = body + composite
    parse_mrz(line1 + "\n" + line2)  # refuse anything we could not read back
    return line1 + "\n" + line2
