"""Money as Chinese statistics write it (issue 17, item 3).

Before: the Chinese volumes page in USD read "货值（美元）" with ticks 1,000,000 …
6,000,000 under "出口量走势". Now value axes and tooltips read 万美元 / 亿美元
(USD thousand / million in English), titles name the measure, and the table behind
the chart keeps the exact dollars.
"""

from __future__ import annotations

import pytest

from zones import metrics, tables, units
from zones.charts import plots as charts
from zones.charts import specs
from zones.dataset.filters import FilterState, apply_filters
from zones.i18n import t
from zones.model import Dataset


@pytest.mark.parametrize(("peak", "lang", "divisor", "unit"), [
    (22_704_000, "zh", 1e4, "万美元"), (171_233_700, "zh", 1e8, "亿美元"),
    (99_999_999, "zh", 1e4, "万美元"), (5_000, "zh", 1e4, "万美元"),
    (22_704_000, "en", 1e6, "USD million"), (999_999, "en", 1e3, "USD thousand"),
])
def test_money_unit(peak: float, lang: str, divisor: float, unit: str) -> None:
    got, key, _ = units.money_unit(peak, lang)
    assert (got, t(key, lang)) == (divisor, unit)


def _series(dataset: Dataset, lang: str, yearly: bool, measure: str = "value_usd"):
    lab = metrics.label_volumes(dataset, apply_filters(dataset, FilterState()).volumes, lang)
    return lab, metrics.timeseries(lab, "product", measure, yearly, lang)


@pytest.mark.parametrize(("lang", "yearly", "title"), [
    ("zh", False, "出口额（万美元）"), ("zh", True, "出口额（亿美元）"),
    ("en", False, "Export value (USD million)"), ("en", True, "Export value (USD million)"),
])
def test_value_axis_and_tooltip_name_the_unit(dataset: Dataset, lang: str, yearly: bool,
                                              title: str) -> None:
    lab, series = _series(dataset, lang, yearly)
    scale = charts.color_scale("product", lab, metrics.product_palette(dataset))
    spec = charts.timeseries_spec(series, "product", "value_usd", yearly, lang, scale)
    y = spec["encoding"]["y"]
    assert (y["field"], y["title"]) == (units.SHOWN, title)
    tip = next(x for x in spec["encoding"]["tooltip"] if x["field"] == units.SHOWN)
    assert tip["title"] == title
    data = spec["datasets"]["data"]
    divisor = units.money_unit(units.peak(series, "value_usd", "year" if yearly else "period"),
                               lang)[0]
    assert (data[units.SHOWN] * divisor).round(6).tolist() == pytest.approx(
        data["value_usd"].tolist())
    peak_shown = data.groupby("year" if yearly else "period")[units.SHOWN].sum().max()
    assert 1 <= peak_shown < 10_000  # ticks read 1.71亿 or 2,270万, not 171,233,700
    assert spec["title"]["text"] == t("vol.timeseries.value_usd", lang)


def test_the_table_behind_keeps_exact_dollars(dataset: Dataset) -> None:
    _, series = _series(dataset, "zh", True)
    table = tables.display_table(series, "zh")
    assert units.SHOWN not in table.columns
    col = table[t("col.value_usd", "zh")]
    assert col.sum() == pytest.approx(float(dataset.volumes["value_usd"].sum()))
    assert t("col.value_usd", "zh") == "出口额（美元）"


@pytest.mark.parametrize(("measure", "zh", "en"), [
    ("value_usd", "出口额走势", "Export value over time"),
    ("tonnes", "出口量走势", "Export volume over time"),
    ("consignments", "出口批次走势", "Consignments over time"),
])
def test_titles_name_what_is_measured(measure: str, zh: str, en: str) -> None:
    assert units.chart_title("vol.timeseries", measure, "zh") == zh
    assert units.chart_title("vol.timeseries", measure, "en") == en
    for key in ("vol.ranking", "vol.yoy", "vol.breakdown", "vol.matrix"):
        assert units.chart_title(key, measure, "zh") != t(key, "zh")


def test_a_rerun_reuses_the_template(dataset: Dataset) -> None:
    """The unit is data-driven: another filter with the same unit builds no new spec."""
    lab, series = _series(dataset, "zh", False)
    scale = charts.color_scale("product", lab, metrics.product_palette(dataset))
    charts.timeseries_spec(series, "product", "value_usd", False, "zh", scale)
    before = len(specs._TEMPLATES)
    view = apply_filters(dataset, FilterState(destinations=("JPN", "KOR")))
    lab2 = metrics.label_volumes(dataset, view.volumes, "zh")
    other = metrics.timeseries(lab2, "product", "value_usd", False, "zh")
    spec = charts.timeseries_spec(other, "product", "value_usd", False, "zh", scale)
    assert len(specs._TEMPLATES) == before
    assert spec["encoding"]["y"]["title"] == "出口额（万美元）"


def test_growth_chart_names_part_year_and_compared_months(dataset: Dataset) -> None:
    view = apply_filters(dataset, FilterState(period=("2008-07", "2012-12")))
    lab = metrics.label_volumes(dataset, view.volumes, "zh")
    g = metrics.yoy(lab, "value_usd", "zh")
    spec = charts.yoy_spec(g, "value_usd", "zh")
    bars = spec["layer"][0]["encoding"]
    assert bars["x"]["field"] == "year_label" and bars["x"]["sort"] is None
    assert {"growth_basis", "growth_source_label"} <= {x["field"] for x in bars["tooltip"]}
    assert spec["datasets"]["data"]["year_label"].iloc[0] == "2008年7–12月"
    assert bars["y"]["title"] == "出口额（亿美元）"
