"""Files as China Customs' statistics platform (海关统计数据平台) exports them (#17).

Officers do not retype customs statistics: they download them. The platform writes one
row per month × commodity × partner × place of registration, with its own headers —
``数据年月`` (``201007``), ``商品编码`` (HS8/HS10), ``贸易伙伴名称``, ``注册地名称``,
``第一数量`` with its unit in the next column (``第一计量单位``: 千克, 吨 …), ``美元`` or
``人民币`` — and no consignment count. This module teaches the import (``zones.intake.ingest``)
that layout; it holds no reading code of its own, only:

* ``extend_headers``: the platform's header names, added to the import's synonyms;
  ``_unit`` (the per-row unit), ``_place`` (注册地, for ``zones.attribution``) and
  ``_rmb`` (a 人民币 column) are pseudo columns, read and then dropped like ``_year``;
* the per-row unit: ``第一数量`` becomes tonnes through the unit written on its row, and
  any unit other than kilograms or tonnes is refused on that row (no guessed density);
* currency: a file that gives ``人民币`` but no ``美元`` is refused (no exchange rate is
  silently applied); with both, the USD column is read and the RMB one left out.

HS codes need nothing new: ``zones.intake.lookup.Lookups.product`` already maps an 8- or
10-digit code to a product through ``products.hs_codes``, longest prefix first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from decimal import Decimal

from zones.dataset.validation import Issue
from zones.intake.parse import ValueProblem, name_key, text_of

UNIT = "_unit"
PLACE = "_place"
RMB = "_rmb"
PSEUDO: tuple[str, ...] = (UNIT, PLACE, RMB)
PER_ROW_NOTE = "import.note.customs_unit"

# What the platform (and officers' copies of it) call each column, by model column.
HEADERS: dict[str, tuple[str, ...]] = {
    "period": ("数据年月", "统计年月"),
    "tonnes": ("第一数量", "法定第一数量"),
    UNIT: ("第一计量单位", "第一单位", "法定第一计量单位"),
    PLACE: ("注册地名称", "注册地", "境内货源地名称", "境内货源地"),
    RMB: ("人民币", "人民币元", "人民币值"),
}
# The only quantity units that are a mass: tonnes per unit. 个, 头, 升, 箱 … are refused.
MASS_UNITS: dict[str, Decimal] = {name_key(k): v for k, v in {
    "千克": Decimal("0.001"), "公斤": Decimal("0.001"), "kg": Decimal("0.001"),
    "吨": Decimal(1), "公吨": Decimal(1), "t": Decimal(1)}.items()}
ALLOWED_UNITS = {"allowed_zh": "千克、吨", "allowed_en": "kilograms (kg) or tonnes (t)"}

_BAD = Decimal(-1)  # the row's unit was refused (the row's problem is already reported)


def extend_headers(headers: dict[str, dict[str, tuple[str, ...]]]) -> None:
    """Add the platform's names to the export-volume synonyms (after the existing ones:
    an officer's own layout keeps its meaning)."""
    vol = headers["export_volumes"]
    for column, names in HEADERS.items():
        vol[column] = tuple(dict.fromkeys((*vol.get(column, ()), *names)))


def per_row_unit(columns: Sequence[str | None]) -> bool:
    """The header row has a unit column, so a quantity without a unit of its own is
    read with the unit of its row instead of being refused for having none."""
    return UNIT in columns


def relabel(columns: list) -> list:
    """Pseudo columns as the mapping shows them: the unit column serves tonnes, the
    place column the zone; an RMB column beside a USD one is not imported."""
    shown = {UNIT: ("tonnes", PER_ROW_NOTE), PLACE: ("zone_id", "import.note.customs_place")}
    out = []
    for c in columns:
        if c.column == RMB:
            continue  # listed with the columns not imported
        if c.column in shown:
            column, note = shown[c.column]
            c = dataclasses.replace(c, column=column, note_key=note, factor=1.0)
        out.append(c)
    return out


def header_issues(matched: Sequence[str], headers: dict[str, str], file_name: str,
                  header_line: int) -> list[Issue]:
    """Refusals that follow from the header alone: values only in RMB."""
    if RMB in matched and "value_usd" not in matched:
        return [Issue(file_name, header_line, headers[RMB], "import_customs_rmb",
                      {"value": headers[RMB]})]
    return []


def refused_columns(matched: Sequence[str]) -> set[str]:
    """Model columns whose absence ``header_issues`` already explains (USD beside RMB)."""
    return {"value_usd"} if RMB in matched and "value_usd" not in matched else set()


class RowUnit:
    """The unit on the current row, set by the unit column's converter (which runs first,
    like the year column) and read by the quantity's."""

    def __init__(self) -> None:
        self.factor: Decimal | None = None

    def reset(self) -> None:
        self.factor = None

    def unit(self, value: object) -> str | None:
        factor = MASS_UNITS.get(name_key(value))
        if factor is None:
            self.factor = _BAD
            raise ValueProblem("import_customs_unit", value=text_of(value), **ALLOWED_UNITS)
        self.factor = factor
        return str(factor)

    def quantity(self, measure: Callable[[object, Decimal], str | None]
                 ) -> Callable[[object], str | None]:
        def convert(value: object) -> str | None:
            if self.factor is None:
                raise ValueProblem("import_customs_no_unit", value=text_of(value))
            # A refused unit was reported on its own cell; the figure is not read then.
            return measure(value, Decimal(1) if self.factor == _BAD else self.factor)
        return convert


def converters(row_unit: RowUnit, measure: Callable[[object, Decimal], str | None],
               plain_text: Callable[[object], str | None]
               ) -> dict[str, Callable[[object], str | None]]:
    """Converters of the pseudo columns, and the per-row quantity (``tonnes``)."""
    return {UNIT: row_unit.unit, PLACE: plain_text, RMB: lambda v: None,
            "tonnes": row_unit.quantity(measure)}
