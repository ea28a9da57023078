"""Value parsers for officers' files: numbers, months and names as people write them.

Each parser takes a cell as read (text from a CSV; text, number or date from Excel) and
returns the canonical text the data files use, or raises ``ValueProblem`` whose ``code``
is an ``err.*`` key of the string catalogue. Nothing here guesses: a value that can be
read two ways (``3/9/2010``, ``2010.1``) is refused with the readings it could have.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

# Cells that mean "nothing here" in Chinese statistical tables; read as empty, never as 0.
EMPTY_MARKS: frozenset[str] = frozenset({"", "-", "--", "—", "——", "/", "／", "无", "n/a", "na",
                                         "null", "none", "nan", "#n/a"})
_MULTIPLIERS: dict[str, Decimal] = {"万": Decimal(10_000), "亿": Decimal(100_000_000),
                                    "千": Decimal(1_000)}
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$")
_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# Excel serial day numbers of 1990-01-01 and 2099-12-31: outside, a number is no date.
_SERIAL_MIN, _SERIAL_MAX = 32874, 73050
YEAR_MIN, YEAR_MAX = 1950, 2099


class ValueProblem(ValueError):
    """A cell that cannot be read; ``code`` names the ``err.*`` message, ``params`` fill it."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def text_of(value: object) -> str:
    """A cell as the officer sees it: NFKC (full-width digits and brackets become ASCII)."""
    if isinstance(value, str):
        if value.isascii():
            return value.strip()
        return unicodedata.normalize("NFKC", value).replace("\u00a0", " ").strip()
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = unicodedata.normalize("NFKC", str(value))
    return text.replace("\u00a0", " ").replace("\u3000", " ").strip()


def is_empty(value: object) -> bool:
    return text_of(value).casefold() in EMPTY_MARKS


# ---------------------------------------------------------------- numbers

def parse_number(value: object) -> Decimal | None:
    """``1,234.5``, ``1.2万``, ``１２３``, ``1.2E+05``, Excel numbers → Decimal; empty → None.

    Negative numbers are returned (the caller decides whether they are allowed), so that
    the message can say "negative" rather than "not a number".
    """
    if isinstance(value, bool):
        raise ValueProblem("not_number", value=str(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise ValueProblem("not_number", value=str(value))
        return Decimal(f"{value:.15g}")  # drop binary noise such as 12.300000000000001
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueProblem("not_number", value=str(value))
        return value
    raw = text_of(value)
    if raw.casefold() in EMPTY_MARKS:
        return None
    text = re.sub(r"\s+", "", raw).replace("−", "-").replace("，", ",")
    negative = False
    if text.startswith("(") and text.endswith(")"):  # accounting style (1,234) = -1234
        text, negative = text[1:-1], True
    text = re.sub(r"^(us\$|\$|usd)|(usd|美元)$", "", text, flags=re.IGNORECASE)
    factor = Decimal(1)
    while text and text[-1] in _MULTIPLIERS:
        factor *= _MULTIPLIERS[text[-1]]
        text = text[:-1]
    if "," in text:
        if not _GROUPED_RE.match(text):  # "1,5" could be 1.5 or 15: refuse, don't guess
            raise ValueProblem("import_ambiguous_number", value=raw)
        text = text.replace(",", "")
    if not _NUMBER_RE.match(text.lower()):
        raise ValueProblem("not_number", value=raw)
    try:
        number = Decimal(text) * factor
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise ValueProblem("not_number", value=raw) from exc
    if not number.is_finite() or abs(number) > Decimal("1e15"):
        raise ValueProblem("import_number_too_large", value=raw)
    return -number if negative else number


def format_decimal(number: Decimal) -> str:
    """Plain decimal text, no exponent, no trailing zeros: 12000, 1.234, 0.5."""
    if number == 0:
        return "0"
    text = format(number.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


# ---------------------------------------------------------------- months

_MONTH_NAMES: dict[str, int] = {
    name: i for i, names in enumerate((
        (), ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
        ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
        ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
        ("dec", "december"),
    )) for name in names
}
_ZH_MONTHS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
              "十": 10, "十一": 11, "十二": 12, "正": 1, "冬": 11, "腊": 12}


def _ym(year: int, month: int, raw: str) -> str:
    if not (YEAR_MIN <= year <= YEAR_MAX) or not (1 <= month <= 12):
        raise ValueProblem("import_bad_month", value=raw)
    return f"{year:04d}-{month:02d}"


def _ambiguous(raw: str, *readings: tuple[int, int]) -> ValueProblem:
    options = " / ".join(f"{y:04d}-{m:02d}" for y, m in readings)
    return ValueProblem("import_ambiguous_month", value=raw, options=options)


def parse_month(value: object) -> str | None:
    """A month as ``YYYY-MM``; empty → None. Refuses what could be two different months."""
    if isinstance(value, dt.datetime | dt.date):
        return _ym(value.year, value.month, str(value))
    if isinstance(value, bool):
        raise ValueProblem("import_bad_month", value=str(value))
    if isinstance(value, float) and not value.is_integer():
        # 2010.1 might be January, or October with its trailing zero lost by Excel.
        raw = repr(value)
        match = re.fullmatch(r"(\d{4})\.(\d{1,2})", raw)
        if match and len(match.group(2)) == 1 and match.group(2) == "1":
            raise _ambiguous(raw, (int(match.group(1)), 1), (int(match.group(1)), 10))
        if match:
            return _ym(int(match.group(1)), int(match.group(2)), raw)
        raise ValueProblem("import_bad_month", value=raw)
    raw = text_of(value)
    if raw.casefold() in EMPTY_MARKS:
        return None
    text = re.sub(r"\s+", "", raw).casefold()
    if re.fullmatch(r"\d{5}", text) and _SERIAL_MIN <= int(text) <= _SERIAL_MAX:
        day = _EXCEL_EPOCH + dt.timedelta(days=int(text))  # an Excel serial date as text
        return _ym(day.year, day.month, raw)
    if m := re.fullmatch(r"(\d{4})(\d{2})", text):  # 201009
        return _ym(int(m.group(1)), int(m.group(2)), raw)
    if re.fullmatch(r"\d{4}\d", text):  # 20109: 2010-09? 2010 + "9"?
        raise ValueProblem("import_bad_month", value=raw)
    if m := re.fullmatch(r"(\d{4})年(\d{1,2}|[一二三四五六七八九十正冬腊]{1,3})月?(份)?"
                         r"(\d{1,2}日)?", text):
        month_text = m.group(2)
        month = int(month_text) if month_text.isdigit() else _ZH_MONTHS.get(month_text, 0)
        return _ym(int(m.group(1)), month, raw)
    if m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})([-/.](\d{1,2}))?(t[\d:.]+|\d{1,2}:[\d:.]+)?",
                         text):
        year, month = int(m.group(1)), int(m.group(2))
        if m.group(3) is None and m.group(2) == "1" and "." in text:
            raise _ambiguous(raw, (year, 1), (year, 10))  # 2010.1 from a lost "2010.10"
        return _ym(year, month, raw)
    if m := re.fullmatch(r"(\d{1,2})[-/.](\d{4})", text):  # 09/2010
        return _ym(int(m.group(2)), int(m.group(1)), raw)
    if m := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(\d{1,2}:[\d:.]+)?", text):
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if a > 12 and b <= 12:
            return _ym(year, b, raw)  # day/month/year
        if b > 12 and a <= 12:
            return _ym(year, a, raw)  # month/day/year
        if a == b:
            return _ym(year, a, raw)
        raise _ambiguous(raw, (year, a), (year, b))
    m = re.fullmatch(r"([a-z]+)[-/.,]?(\d{4})", text)  # Sep 2010, September-2010
    if m and m.group(1) in _MONTH_NAMES:
        return _ym(int(m.group(2)), _MONTH_NAMES[m.group(1)], raw)
    m = re.fullmatch(r"(\d{4})[-/.,]?([a-z]+)", text)  # 2010 Sep
    if m and m.group(2) in _MONTH_NAMES:
        return _ym(int(m.group(1)), _MONTH_NAMES[m.group(2)], raw)
    m = re.fullmatch(r"([a-z]+)[-/.](\d{2})", text)  # Excel's "Sep-10": 2010 or 1910?
    if m and m.group(1) in _MONTH_NAMES:
        month, yy = _MONTH_NAMES[m.group(1)], int(m.group(2))
        raise _ambiguous(raw, (2000 + yy, month), (1900 + yy, month))
    if (re.fullmatch(r"\d{2}年\d{1,2}月?", text) or re.fullmatch(r"\d{1,2}[-/.]\d{1,2}", text)
            or re.fullmatch(r"(\d{1,2}|[一二三四五六七八九十]{1,3})(月份?)", text)
            or re.fullmatch(r"\d{1,2}", text)):
        raise ValueProblem("import_month_no_year", value=raw)
    raise ValueProblem("import_bad_month", value=raw)


def parse_year_or_month(value: object) -> str | None:
    """``launched``: a year (``2010``, ``2010年``) or a month as ``parse_month`` reads it."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    raw = text_of(value)
    if raw.casefold() in EMPTY_MARKS:
        return None
    if m := re.fullmatch(r"(\d{4})(年)?", re.sub(r"\s+", "", raw)):
        year = int(m.group(1))
        if YEAR_MIN <= year <= YEAR_MAX:
            return str(year)
        raise ValueProblem("import_bad_month", value=raw)
    return parse_month(value)


# ---------------------------------------------------------------- names

_BRACKETED = re.compile(r"[(\[【〔][^)\]】〕]*[)\]】〕]")
_PUNCT = re.compile(r"[\s\"'“”‘’`·・.,;:!?，。；：！？、_\-–—/\\|*#]+")


def name_key(value: object) -> str:
    """The form two spellings of one name share: NFKC, case-folded, no spaces/punctuation."""
    folded = unicodedata.normalize("NFKC", text_of(value).casefold())
    return unicodedata.normalize("NFKC", _PUNCT.sub("", folded))


def name_keys(value: object) -> list[str]:
    """``name_key`` with and without bracketed parts ("人参（示意）" also answers to 人参)."""
    text = text_of(value)
    keys = [name_key(text)]
    bare = name_key(_BRACKETED.sub("", text))
    if bare and bare not in keys:
        keys.append(bare)
    return [k for k in keys if k]


def hs_digits(value: object) -> str | None:
    """An HS code as digits, repairing what Excel does to it: ``810.2`` → ``081020``.

    Returns None when the cell is not an HS code (letters, wrong length).
    """
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:.6f}".rstrip("0")
    else:
        text = text_of(value)
    text = re.sub(r"\s+", "", text)
    if m := re.fullmatch(r"(\d{1,4})\.(\d{1,6})(\.(\d{1,4}))?", text):
        digits = m.group(1).zfill(4) + m.group(2).ljust(2, "0") + (m.group(4) or "")
    elif re.fullmatch(r"\d{2,10}", text):
        digits = text if len(text) % 2 == 0 else "0" + text  # Excel dropped the leading 0
    else:
        return None
    return digits if 4 <= len(digits) <= 10 else None
