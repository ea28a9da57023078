"""Turning cells into the model's values: months, ids, ISO3 codes, plain decimals.

One ``Converter`` per upload, so that names and codes are looked up once per distinct cell
and a destination new to the data is recorded as it is met.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from zones.intake import customs
from zones.intake.limits import MAX_CELL_CHARS
from zones.intake.lookup import Country, Lookups
from zones.intake.parse import (
    ValueProblem,
    format_decimal,
    hs_digits,
    is_empty,
    name_key,
    parse_month,
    parse_number,
    parse_year_or_month,
    text_of,
)
from zones.intake.vocabulary import (
    CATEGORY_NAMES,
    LEVEL_NAMES,
    NOTE_PREFIXES,
    TOTAL_INITIALS,
    TOTAL_WORDS,
)
from zones.model import CATEGORIES, ID_RE, LEVELS

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


_PLAIN_NUMBER = re.compile(r"^(0|[1-9]\d*)(\.\d+)?$")


def row_text(cells: list[object], limit: int = 80) -> str:
    text = " | ".join(str(c).strip() for c in cells if text_of(c))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_total(filled: list[object]) -> bool:
    """合计/总计/小计/Total in one of the first filled cells: a sum, not data."""
    texts = [c for c in filled[:3] if isinstance(c, str)
             and c.lstrip()[:1] in TOTAL_INITIALS and len(c) < 40]
    keys = [name_key(c) for c in texts]
    return any(t in TOTAL_WORDS or t.startswith(("合计", "总计", "小计")) for t in keys)


def is_note(filled: list[object]) -> bool:
    """A lone text cell such as "注：…" or "制表人：…" below the table."""
    return len(filled) == 1 and isinstance(filled[0], str) and name_key(filled[0]).startswith(
        NOTE_PREFIXES)


def _plain_text(value: object) -> str | None:
    """Free text kept as written (full-width brackets stay), without control characters."""
    text = _CONTROL.sub("", value.strip() if isinstance(value, str) else text_of(value))
    if not text:
        return None
    if len(text) > MAX_CELL_CHARS:
        raise ValueProblem("import_too_long", value=text[:40] + "…",
                           limit=str(MAX_CELL_CHARS))
    return text


def _measure(value: object, factor: Decimal, integer: bool = False) -> str | None:
    number = parse_number(value)
    if number is None:
        return None
    if number < 0:
        raise ValueProblem("import_negative", value=text_of(value))
    number *= factor
    if integer and number != number.to_integral_value():
        raise ValueProblem("not_integer", value=text_of(value))
    if factor == 1 and not integer and isinstance(value, str) and _PLAIN_NUMBER.match(
            value.strip()):
        return value.strip()  # already canonical ("8.0" stays "8.0": round trips unchanged)
    return format_decimal(number)


def _coordinate(value: object, low: int, high: int) -> str | None:
    number = parse_number(value)
    if number is None:
        return None
    if not (low <= number <= high):
        raise ValueProblem("import_bad_coordinate", value=text_of(value))
    return format_decimal(number)


def _hs_list(value: object) -> str | None:
    text = text_of(value)
    if not text:
        return None
    out = []
    for part in re.split(r"[;；,，、\s]+", text):
        if not part:
            continue
        digits = hs_digits(part)
        if digits is None:
            raise ValueProblem("import_bad_hs", value=part)
        out.append(digits[:4] + ("." + digits[4:] if len(digits) > 4 else ""))
    return ";".join(dict.fromkeys(out)) or None


def slug(text: str, sep: str) -> str | None:
    slug = re.sub(r"[^a-z0-9]+", sep, text_of(text).casefold()).strip(sep)
    return slug if slug and re.match(ID_RE, slug) else None


class Converter:
    """Per-table cell converters (model column → function of the cell and its header)."""

    def __init__(self, table: str, lk: Lookups) -> None:
        self.table = table
        self.lk = lk
        self.new_destinations: dict[str, Country] = {}
        self.row_year: str | None = None  # the current row's year column, if the file has one
        self.row_unit = customs.RowUnit()  # the current row's unit column (customs, #17)
        self.per_row_unit = False
        self._countries: dict[str, Country] = {}
        self._known = set(lk.ds.destinations["iso3"])

    def _period(self, value: object) -> str | None:
        """A month; a bare month ("9", "9月") takes the year of the row's year column."""
        try:
            return parse_month(value)
        except ValueProblem:
            text = re.sub(r"\s+", "", text_of(value))
            m = re.fullmatch(r"(\d{1,2})(月份?)?", text)
            if self.row_year is None or not m:
                raise
            month = int(m.group(1))
            if not 1 <= month <= 12:
                raise
            return f"{self.row_year}-{month:02d}"

    def _country(self, value: object) -> str | None:
        if not text_of(value):
            return None
        key = value if isinstance(value, str) else repr(value)
        country = self._countries.get(key)
        if country is None:
            country = self._countries[key] = self.lk.country(value)
        if not country.on_map:
            raise ValueProblem("import_country_not_on_map", value=text_of(value),
                               iso3=country.iso3)
        if country.iso3 not in self._known:
            self.new_destinations.setdefault(country.iso3, country)
        return country.iso3

    def _product_list(self, value: object) -> str | None:
        text = text_of(value)
        if not text:
            return None
        ids = [self.lk.product(p) for p in re.split(r"[;；,，、/\s]+", text) if p]
        return ";".join(dict.fromkeys(ids)) or None

    def _existing_or_id(self, index_find: Callable[[object], str | None]
                        ) -> Callable[[object], str | None]:
        def convert(value: object) -> str | None:
            text = text_of(value)
            if not text:
                return None
            try:
                found = index_find(value)
            except ValueProblem:
                found = None
            if found is not None:
                return found
            if not re.match(ID_RE, text):
                raise ValueProblem("bad_format", value=text)
            return text
        return convert

    def _choice(self, names: dict[str, str], allowed: tuple[str, ...]
                ) -> Callable[[object], str | None]:
        def convert(value: object) -> str | None:
            if not text_of(value):
                return None
            found = names.get(name_key(value))
            if found is None:
                raise ValueProblem("not_allowed", value=text_of(value),
                                   allowed=", ".join(allowed))
            return found
        return convert

    def converters(self, column: str, factor: Decimal) -> Callable[[object], str | None]:
        lk = self.lk
        table = self.table
        if table == "export_volumes":
            return {
                "_year": lambda v: parse_year_or_month(v) and parse_year_or_month(v)[:4],
                "period": self._period,
                "zone_id": lambda v: None if is_empty(v) else lk.zone(v),  # "-": no zone
                "product_id": lambda v: lk.product(v) if text_of(v) else None,
                "destination_iso3": self._country,
                "tonnes": lambda v: _measure(v, factor),
                "value_usd": lambda v: _measure(v, factor),
                "consignments": lambda v: _measure(v, factor, integer=True),
                **customs.converters(self.row_unit, _measure, _plain_text),
                **({} if self.per_row_unit else {"tonnes": lambda v: _measure(v, factor)}),
            }[column]
        if table == "zones":
            return {
                "zone_id": self._existing_or_id(lk.zones.find),
                "county_adcode": lambda v: lk.county(v) if text_of(v) else None,
                "lon": lambda v: _coordinate(v, -180, 180),
                "lat": lambda v: _coordinate(v, -90, 90),
                "products": self._product_list,
                "level": self._choice(LEVEL_NAMES, LEVELS),
                "launched": parse_year_or_month,
            }.get(column, _plain_text)
        if table == "products":
            return {
                "product_id": self._existing_or_id(lk.products.find),
                "category": self._choice(CATEGORY_NAMES, CATEGORIES),
                "hs_codes": _hs_list,
            }.get(column, _plain_text)
        return {"iso3": self._country}.get(column, _plain_text)
