"""Money and measures as Chinese statistics write them: 万美元 / 亿美元, USD thousand / million.

A chart of export value in whole dollars read "货值（美元）" with ticks 1,000,000 …
6,000,000 under a volume title. Charts now draw a scaled copy of the value column
(``value_usd_shown``) in the unit its largest bar calls for, and name the unit in the
axis title and tooltip; the table behind the chart keeps the exact dollars. Titles name
what is measured: 出口额 for value, 出口量 for tonnes, 批次 for consignments.

The unit is chosen from the data, so a chart's spec varies only by (measure, unit):
at most two templates per language, never one per rerun. Pure: no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from zones.i18n import t

MONEY = "value_usd"
SHOWN = "value_usd_shown"  # the scaled column a chart draws; tables never show it


@dataclass(frozen=True)
class Shown:
    """How a chart draws a measure: the field, its axis/tooltip title, number format."""

    field: str
    title: str
    fmt: str
    unit: str  # part of a chart template's key ("" for measures drawn as they are)
    legend: str = ",.0f"  # a colour legend's ticks: decimals only where the unit is large


# (threshold, divisor, catalogue key of the unit, d3 format) from the largest first.
_UNITS = {
    "zh": ((1e8, 1e8, "unit.money.yi", ",.2f"), (0.0, 1e4, "unit.money.wan", ",.1f")),
    "en": ((1e6, 1e6, "unit.money.million", ",.2f"), (0.0, 1e3, "unit.money.thousand",
                                                        ",.1f")),
}


def money_unit(peak: float, lang: str) -> tuple[float, str, str]:
    """(divisor, unit key, format) for amounts whose largest drawn value is ``peak``.

    Chinese: 亿美元 from 1亿 up, else 万美元; English: USD million from 1 million up,
    else USD thousand. Tiny amounts still read in 万/thousand (0.5万美元), as the
    yearbooks print them, rather than switching to whole dollars.
    """
    for threshold, divisor, key, fmt in _UNITS["zh" if lang == "zh" else "en"]:
        if abs(peak) >= threshold:
            return divisor, key, fmt
    raise AssertionError("unreachable: the last threshold is 0")


def measure_title(measure: str, lang: str, unit_key: str = "") -> str:
    """Axis / tooltip title: '出口额（万美元）', '出口量（吨）', 'Export value (USD million)'."""
    if measure == MONEY and unit_key:
        return t("measure.value_usd.in", lang, unit=t(unit_key, lang))
    return t(f"col.{measure}", lang)


def chart_title(key: str, measure: str, lang: str) -> str:
    """A chart's title that names its measure: 出口额走势 / 出口量走势 / 批次走势."""
    named = f"{key}.{measure}"
    text = t(named, lang)
    return t(key, lang) if text == named else text


def peak(data: pd.DataFrame, measure: str, by: str | None = None) -> float:
    """The largest value a chart draws: per ``by`` group when bars stack, else per row."""
    if data.empty or measure not in data:
        return 0.0
    values = pd.to_numeric(data[measure], errors="coerce")
    if by is not None and by in data:
        values = values.groupby(data[by].astype(str)).sum()
    top = values.abs().max()
    return float(top) if pd.notna(top) else 0.0


def shown(data: pd.DataFrame, measure: str, lang: str, stack_by: str | None = None
          ) -> tuple[pd.DataFrame, Shown]:
    """``data`` ready to draw ``measure``, and how: money gets a scaled column and a unit.

    Idempotent: a frame that already has the scaled column is returned as it is, so the
    page (which scales before the template) and the deck (which builds charts directly)
    draw the same thing.
    """
    if measure != MONEY:
        return data, Shown(measure, measure_title(measure, lang), ",.1f", "")
    divisor, key, fmt = money_unit(peak(data, measure, stack_by), lang)
    legend = ",.1f" if fmt == ",.2f" else ",.0f"
    if SHOWN in data and data.attrs.get("money_unit") == key:
        return data, Shown(SHOWN, measure_title(measure, lang, key), fmt, key, legend)
    out = data.assign(**{SHOWN: (pd.to_numeric(data[measure], errors="coerce") / divisor)
                         .astype(float)})
    out.attrs["money_unit"] = key
    return out, Shown(SHOWN, measure_title(measure, lang, key), fmt, key, legend)

