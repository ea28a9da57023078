"""Finding the header: which row (or pair of rows) names the columns, and what each names.

A header cell is matched to a model column through ``vocabulary.HEADERS``, with its unit
("重量（吨）", "货值（万美元）") giving the factor to the model's unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from zones.intake.parse import (
    ValueProblem,
    name_key,
    parse_month,
    text_of,
)
from zones.intake.parsed import PROVENANCE_COLUMNS
from zones.intake.vocabulary import (
    GENERIC_MEASURES,
    HEADERS,
    IGNORED_HEADERS,
    IMPLICIT_UNITS,
    MEASURE_DIMENSION,
    UNITS,
)


@dataclass(frozen=True)
class HeaderCell:
    column: str | None       # model column, or None
    factor: Decimal = Decimal(1)
    note_key: str = ""
    ignored: bool = False
    unit_problem: str = ""   # "missing" or "other_currency"
    rank: int = 0            # position of the synonym: code columns before name columns


_PROVENANCE_KEYS = frozenset(name_key(h) for h in PROVENANCE_COLUMNS)


_IGNORED_KEYS = frozenset(name_key(h) for h in IGNORED_HEADERS) - {""} | {"#"}


_GENERIC_KEYS = frozenset(name_key(h) for h in GENERIC_MEASURES)


_UNIT_IN_BRACKETS = re.compile(r"^(.*?)[(\[【〔]([^)\]】〕]*)[)\]】〕]\s*$")


def _split_unit(text: str) -> tuple[str, str | None]:
    """("货值（万美元）") → ("货值", "万美元"); brackets that hold no unit stay in the name."""
    norm = re.sub(r"\s+", " ", text_of(text))  # headers wrapped over two lines in Excel
    if m := _UNIT_IN_BRACKETS.match(norm):
        unit = re.sub(r"^(单位|unit)[:：]?", "", name_key(m.group(2)))
        if unit in UNITS:
            return m.group(1), unit
    key = name_key(norm)
    for sep in ("/", "_", " "):  # "货值/万美元", "value_usd thousand"
        if sep in norm:
            head, _, tail = norm.rpartition(sep)
            if name_key(tail) in UNITS and name_key(head):
                return head, name_key(tail)
    for unit in sorted(UNITS, key=len, reverse=True):  # "货值万美元", "重量吨"
        if key.endswith(unit) and len(key) > len(unit) and len(unit) > 1:
            return key[: -len(unit)], unit
    return norm, None


@lru_cache(maxsize=8)
def _synonyms(table: str) -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    for column, names in HEADERS[table].items():
        for rank, name in enumerate(names):
            out.setdefault(name_key(name), (column, rank))
    return out


def _match_header(text: str, table: str, unit_hints: dict[str, str]) -> HeaderCell | None:
    """What a header names: a model column with its unit factor, an ignored column, or None."""
    if not text_of(text):
        return None
    synonyms = _synonyms(table)
    name, unit = _split_unit(text)
    key = name_key(name)
    whole = name_key(text)
    if whole in synonyms:  # "出口批次" is a name, not "出口" in 批次
        key, unit = whole, None
    provenance = key in _PROVENANCE_KEYS
    if provenance or key in _IGNORED_KEYS:
        return HeaderCell(None, ignored=True, note_key="import.note.provenance" if provenance
                           else "import.note.index")
    column, rank = synonyms.get(key, (None, 0))
    if column is None and key.endswith(("(地区)", "地区")):
        column, rank = synonyms.get(key.replace("(地区)", "").replace("地区", ""), (None, 0))
    if column is None and key in _GENERIC_KEYS and unit:
        dim = UNITS[unit][0]
        column = next((c for c, d in MEASURE_DIMENSION.items()
                       if d == dim and c in HEADERS[table]), None)
    if column is None:
        return None
    dimension = MEASURE_DIMENSION.get(column)
    if dimension is None or column in ("lon", "lat"):
        return HeaderCell(column, rank=rank)
    if unit is None:
        unit = IMPLICIT_UNITS.get(key)
    from_title = False
    if unit is None and dimension in unit_hints:
        unit, from_title = unit_hints[dimension], True
    if unit is None:
        if dimension == "count":
            return HeaderCell(column, rank=rank)
        return HeaderCell(column, rank=rank, unit_problem="missing")
    dim, factor, note = UNITS[unit]
    if dim == "other_currency" and dimension == "usd":
        return HeaderCell(column, rank=rank, unit_problem="other_currency")
    if dim != dimension:
        return None
    return HeaderCell(column, factor, "import.note.unit_from_title" if from_title else note,
                       rank=rank)


def looks_like_month(header: str) -> bool:
    if re.fullmatch(r"\d{1,2}\s*月(份)?|[一二三四五六七八九十]{1,3}月(份)?", text_of(header)):
        return True
    try:
        return parse_month(header) is not None
    except ValueProblem:
        return False


def unit_hints(text: str) -> dict[str, str]:
    """"单位：万美元、吨" above the table → the unit of columns whose header has none."""
    norm = text_of(text)
    m = re.search(r"(单位|unit)\s*[:：]?(.*)$", norm, flags=re.IGNORECASE)
    if not m:
        return {}
    hints: dict[str, str] = {}
    for token in re.split(r"[,，、;；/\s:：()（）\[\]【】]+", m.group(2)):
        key = name_key(re.sub(r"^(金额|货值|重量|数量|价值)?(单位)?", "", token))
        if key in UNITS:
            hints.setdefault(UNITS[key][0], key)
    return hints


def cells_text(cells: list[object]) -> list[str]:
    return [str(c).strip() if c is not None else "" for c in cells]


def header_score(headers: list[str], table: str) -> int:
    seen = set()
    for cell in header_candidates(headers, table, {}):
        if cell and cell.column:
            seen.add(cell.column)
    return len(seen)


JOIN = "\x1f"  # joins the two parts of a two-row header; shown as a space


def combine_rows(upper: list[str], lower: list[str]) -> list[str]:
    """Two header rows → one: a merged group label spans the empty cells to its right."""
    width = max(len(upper), len(lower))
    upper = upper + [""] * (width - len(upper))
    lower = lower + [""] * (width - len(lower))
    out: list[str] = []
    group = ""
    for u, lo in zip(upper, lower, strict=True):
        if u:
            group = u
        if lo and u:
            out.append(f"{u}{JOIN}{lo}")
        elif lo:
            out.append(f"{group}{JOIN}{lo}" if group else lo)
        else:
            out.append(u)
    return out


def header_candidates(hs: list[str], table: str, hints: dict[str, str]
                       ) -> list[HeaderCell | None]:
    """Each combined header: try the lower part alone, then the whole ("出口情况 重量（吨）")."""
    out = []
    for h in hs:
        cell = None
        if JOIN in h:
            cell = _match_header(h.rsplit(JOIN, 1)[-1], table, hints)
        if cell is None or (cell.column is None and not cell.ignored):
            cell = _match_header(h.replace(JOIN, ""), table, hints) or cell
        if cell is None and JOIN in h:
            cell = _match_header(h.split(JOIN, 1)[0], table, hints)
        out.append(cell)
    return out
