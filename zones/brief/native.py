"""The deck's charts as data PowerPoint draws itself (#22): categories, series, units.

An officer re-sorts, restyles or relabels a chart in PowerPoint or WPS only when the chart
is a chart, not a picture. This module turns the frames behind the volume charts
(``zones.metrics``) into ``NativeChart`` values, in the unit the page's chart shows (万美元,
USD million, tonnes); ``zones.brief.pptx`` draws them with python-pptx, the PDF keeps the
rendered images. Which breakdown a deck shows is chosen here too: with one product
selected, ranking "by product" is one bar, so the deck ranks and composes by what the
filter leaves several of (``dims_for``). Pure: no python-pptx, no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from zones import units
from zones.i18n import t

# (kind, PowerPoint chart type name in python-pptx's XL_CHART_TYPE)
KINDS = {"bar": "BAR_CLUSTERED", "column": "COLUMN_CLUSTERED",
         "stacked": "COLUMN_STACKED"}


@dataclass(frozen=True)
class NativeChart:
    """A category chart: ``series`` are (name, values); values in the axis unit."""

    kind: str  # bar | column | stacked
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    number_format: str  # Excel's, e.g. '#,##0.0'
    value_title: str    # the value axis: measure and unit, e.g. 出口额（万美元）
    legend: bool = False


def excel_format(d3: str) -> str:
    """The d3 format of a chart's tooltip as Excel's: ',.1f' → '#,##0.0'."""
    decimals = int(d3.rsplit(".", 1)[-1].rstrip("f") or 0) if "." in d3 else 0
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _values(frame: pd.DataFrame, field: str) -> tuple[float | None, ...]:
    return tuple(None if pd.isna(v) else float(v)
                 for v in pd.to_numeric(frame[field], errors="coerce"))


def ranked(data: pd.DataFrame, by: str, measure: str, lang: str) -> NativeChart:
    """Largest first (at the top: PowerPoint draws a bar chart's first category at the
    bottom), each category named with its share: '韩国（63.7%）'."""
    data, shown = units.shown(data, measure, lang)
    rows = data.iloc[::-1]
    names = [t("brief.native.share", lang, name=str(n), share=f"{float(s):.1%}")
             if pd.notna(s) else str(n) for n, s in zip(rows[by], rows["share"], strict=True)]
    return NativeChart("bar", tuple(names), ((shown.title, _values(rows, shown.field)),),
                       excel_format(shown.fmt), shown.title)


def over_time(data: pd.DataFrame, by: str, measure: str, yearly: bool, lang: str
              ) -> NativeChart:
    """Stacked columns per year (or month), one series per ``by`` value."""
    step = "year" if yearly else "period"
    data, shown = units.shown(data, measure, lang, stack_by=step)
    x = "year_label" if yearly and "year_label" in data else step
    steps = list(dict.fromkeys(data[x].astype(str)))
    table = data.pivot_table(index=x, columns=by, values=shown.field, aggfunc="sum",
                             observed=True, sort=False).reindex(steps)
    series = tuple((str(name), tuple(None if pd.isna(v) else float(v) for v in table[name]))
                   for name in table.columns)
    return NativeChart("stacked", tuple(steps), series, excel_format(shown.fmt), shown.title,
                       legend=len(series) > 1)


def yearly_totals(data: pd.DataFrame, measure: str, lang: str) -> NativeChart:
    """Columns of year totals, each year named with its like-for-like growth."""
    data, shown = units.shown(data, measure, lang)
    x = "year_label" if "year_label" in data else "year"
    names = [t("brief.native.growth", lang, year=str(y), growth=f"{float(g):+.1%}")
             if pd.notna(g) else str(y) for y, g in zip(data[x], data["growth"], strict=True)]
    return NativeChart("column", tuple(names), ((shown.title, _values(data, shown.field)),),
                       excel_format(shown.fmt), shown.title)


def dims_for(labeled_counts: dict[str, int], preferred: str) -> tuple[str, str | None]:
    """(what to rank by, what to compose by): never a chart of one bar.

    ``labeled_counts``: how many categories the filter leaves per dimension. The ranking
    keeps the volumes page's choice when it has two or more; else destinations, zones,
    products in that order. The composition is another dimension with two or more
    (products first, as the page's breakdown), or None.
    """
    order = [preferred, "destination", "zone", "product"]
    rank = next((d for d in order if labeled_counts.get(d, 0) >= 2), preferred)
    compose = next((d for d in ("product", "zone", "destination")
                    if d != rank and labeled_counts.get(d, 0) >= 2), None)
    return rank, compose

