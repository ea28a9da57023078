"""Altair chart specs for the volume pages, checked through ``to_dict()`` (no rendering)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from zones import metrics, units
from zones.charts import plots as charts
from zones.dataset.filters import FilterState, apply_filters
from zones.i18n import t
from zones.model import CATEGORIES, CATEGORY_COLORS, Dataset

LANGS = ["zh", "en"]


def labeled(ds: Dataset, lang: str, state: FilterState | None = None) -> pd.DataFrame:
    return metrics.label_volumes(ds, apply_filters(ds, state or FilterState()).volumes, lang)


def tooltip_fields(enc: dict[str, Any]) -> list[str]:
    return [tip["field"] for tip in enc["tooltip"]]


def assert_illustrative_title(spec: dict[str, Any], lang: str, key: str,
                              measure: str = "tonnes") -> None:
    assert spec["title"]["text"] == units.chart_title(key, measure, lang)  # names the measure
    assert spec["title"]["subtitle"] == t("source.illustrative", lang)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("by", ["product", "destination", "zone"])
@pytest.mark.parametrize("yearly", [True, False], ids=["yearly", "monthly"])
def test_timeseries_chart(dataset: Dataset, lang: str, by: str, yearly: bool) -> None:
    lab = labeled(dataset, lang)
    scale = charts.color_scale(by, lab, metrics.product_palette(dataset))
    data = metrics.timeseries(lab, by, "tonnes", yearly)
    spec = charts.timeseries_chart(data, by, "tonnes", yearly, lang, scale).to_dict()
    assert spec["mark"]["type"] == "bar"
    enc = spec["encoding"]
    step = "year" if yearly else "period"
    assert enc["x"]["field"] == step
    assert enc["y"]["field"] == "tonnes"
    assert enc["y"]["aggregate"] == "sum"
    assert enc["color"]["field"] == by
    assert enc["color"]["title"] == t(f"vol.by.{by}", lang)
    assert "source_label" in tooltip_fields(enc)
    assert_illustrative_title(spec, lang, "vol.timeseries")
    rows = next(iter(spec["datasets"].values()))
    assert {r["source_label"] for r in rows} == {t("source.illustrative", lang)}


def test_product_colour_scale_follows_the_palette(dataset: Dataset) -> None:
    lab = labeled(dataset, "en")
    palette = metrics.product_palette(dataset)
    scale = charts.color_scale("product", lab, palette).to_dict()
    names = dict(zip(dataset.products["name_en"], dataset.products["product_id"],
                     strict=True))
    assert scale["domain"] == sorted(scale["domain"])
    assert len(scale["domain"]) == 10
    assert scale["range"] == [palette[names[n]] for n in scale["domain"]]


@pytest.mark.parametrize("by", ["destination", "zone"])
def test_other_dimensions_use_a_scheme(dataset: Dataset, by: str) -> None:
    scale = charts.color_scale(by, labeled(dataset, "en"), {}).to_dict()
    assert scale == {"scheme": "tableau10"}


@pytest.mark.parametrize("lang", LANGS)
def test_category_scale_is_category_colors_in_order(lang: str) -> None:
    scale = charts.category_scale(lang).to_dict()
    assert scale["domain"] == [t(f"cat.{c}", lang) for c in CATEGORIES]
    assert scale["range"] == [CATEGORY_COLORS[c] for c in CATEGORIES]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("measure", ["tonnes", "value_usd", "consignments"])
def test_ranking_chart(dataset: Dataset, lang: str, measure: str) -> None:
    lab = labeled(dataset, lang)
    data = metrics.ranking(lab, "destination", measure)
    spec = charts.ranking_chart(data, "destination", measure, lang,
                                charts.color_scale("destination", lab, {})).to_dict()
    bars, text, _room = spec["layer"]
    assert bars["mark"]["type"] == "bar" and text["mark"]["type"] == "text"
    assert text["encoding"]["text"]["field"] == "bar_label"  # figure and share (#22)
    enc = bars["encoding"]
    assert enc["y"]["field"] == "destination"
    assert enc["y"]["sort"] == "-x"
    assert enc["x"]["field"] == (units.SHOWN if measure == "value_usd" else measure)
    assert enc["x"]["title"] == units.shown(data, measure, lang)[1].title
    assert {"rank", "share", "source_label"} <= set(tooltip_fields(enc))
    assert spec["height"] == {"step": charts.STEP["normal"]}  # a bar's height, any count
    assert_illustrative_title(spec, lang, "vol.ranking", measure)


@pytest.mark.parametrize("lang", LANGS)
def test_yoy_chart(dataset: Dataset, lang: str) -> None:
    data = metrics.yoy(labeled(dataset, lang), "tonnes", lang)
    spec = charts.yoy_chart(data, "tonnes", lang).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "text"]
    bars, text = spec["layer"]
    assert "growth" in tooltip_fields(bars["encoding"])
    assert "source_label" in tooltip_fields(bars["encoding"])
    assert text["encoding"]["text"]["field"] == "growth"
    assert text["encoding"]["text"]["format"] == "+.1%"
    assert_illustrative_title(spec, lang, "vol.yoy")


@pytest.mark.parametrize("lang", LANGS)
def test_breakdown_chart(dataset: Dataset, lang: str) -> None:
    data = metrics.breakdown(labeled(dataset, lang), "value_usd")
    spec = charts.breakdown_chart(data, "value_usd", lang).to_dict()
    bars = spec["layer"][0]
    assert bars["mark"]["type"] == "bar"
    color = bars["encoding"]["color"]
    assert color["field"] == "category_label"
    assert color["scale"]["domain"] == [t(f"cat.{c}", lang) for c in CATEGORIES]
    assert color["scale"]["range"] == [CATEGORY_COLORS[c] for c in CATEGORIES]
    assert "source_label" in tooltip_fields(bars["encoding"])
    assert_illustrative_title(spec, lang, "vol.breakdown", "value_usd")
    rows = next(iter(spec["datasets"].values()))
    assert {r["category_label"] for r in rows} <= set(color["scale"]["domain"])


def test_breakdown_chart_does_not_change_its_input(dataset: Dataset) -> None:
    data = metrics.breakdown(labeled(dataset, "en"), "tonnes")
    before = data.copy()
    charts.breakdown_chart(data, "tonnes", "en")
    pd.testing.assert_frame_equal(data, before)


@pytest.mark.parametrize(("present", "sizes"), [(False, (12, 16)), (True, (18, 24))])
def test_presentation_mode_enlarges_type(dataset: Dataset, present: bool, sizes) -> None:
    lab = labeled(dataset, "en")
    data = metrics.ranking(lab, "product", "tonnes")
    spec = charts.ranking_chart(data, "product", "tonnes", "en",
                                charts.color_scale("zone", lab, {}), present).to_dict()
    assert spec["config"]["axis"]["labelFontSize"] == sizes[0]
    assert spec["config"]["title"]["fontSize"] == sizes[1]


@pytest.mark.parametrize("lang", LANGS)
def test_charts_of_empty_data_are_valid_specs(dataset: Dataset, lang: str) -> None:
    lab = labeled(dataset, lang, FilterState(report_only=True))
    assert lab.empty
    scale = charts.color_scale("product", lab, metrics.product_palette(dataset))
    specs = [
        charts.timeseries_chart(metrics.timeseries(lab, "product", "tonnes", True),
                                "product", "tonnes", True, lang, scale),
        charts.ranking_chart(metrics.ranking(lab, "product", "tonnes"), "product", "tonnes",
                             lang, scale),
        charts.yoy_chart(metrics.yoy(lab, "tonnes", lang), "tonnes", lang),
        charts.breakdown_chart(metrics.breakdown(lab, "tonnes"), "tonnes", lang),
    ]
    for chart in specs:
        spec = chart.to_dict()  # validates against the Vega-Lite schema
        assert spec["title"]["subtitle"] == t("source.illustrative", lang)


# -- issue 9: horizontal axis titles, one question per chart ----------------------------

def _y_axes(spec: dict[str, Any]) -> list[dict[str, Any]]:
    layers = spec.get("layer", [spec])
    return [layer["encoding"]["y"].get("axis", {}) for layer in layers
            if "y" in layer.get("encoding", {}) and layer["encoding"]["y"].get("title")]


@pytest.mark.parametrize("lang", LANGS)
def test_y_axis_titles_are_horizontal(dataset: Dataset, lang: str) -> None:
    """A Chinese title rotated a quarter turn lies on its side: every y title is upright."""
    lab = labeled(dataset, lang)
    scale = charts.color_scale("product", lab, metrics.product_palette(dataset))
    specs = [
        charts.timeseries_chart(metrics.timeseries(lab, "product", "tonnes", True),
                                "product", "tonnes", True, lang, scale),
        charts.ranking_chart(metrics.ranking(lab, "destination", "tonnes"), "destination",
                             "tonnes", lang, scale),
        charts.yoy_chart(metrics.yoy(lab, "tonnes", lang), "tonnes", lang),
        charts.breakdown_chart(metrics.breakdown(lab, "tonnes"), "tonnes", lang),
        charts.matrix_chart(metrics.matrix(lab, "tonnes"), "tonnes", lang),
    ]
    for chart in specs:
        axes = _y_axes(chart.to_dict())
        assert axes, "no titled y axis found"
        assert all(axis.get("titleAngle") == 0 for axis in axes)


@pytest.mark.parametrize("lang", LANGS)
def test_matrix_chart_answers_what_goes_where(dataset: Dataset, lang: str) -> None:
    data = metrics.matrix(labeled(dataset, lang), "tonnes")
    spec = charts.matrix_chart(data, "tonnes", lang).to_dict()
    cells, text = spec["layer"]
    assert cells["mark"]["type"] == "rect"
    assert text["encoding"]["text"]["field"] == "cell_label"  # values in the cells (#22)
    legend = cells["encoding"]["color"]["legend"]
    assert legend["tickCount"] >= 3 and cells["encoding"]["color"]["scale"]["zero"]
    enc = cells["encoding"]
    assert (enc["x"]["field"], enc["y"]["field"], enc["color"]["field"]) == (
        "destination", "product", "tonnes")
    assert "source_label" in tooltip_fields(enc)
    assert_illustrative_title(spec, lang, "vol.matrix")
    assert math.isclose(data["tonnes"].sum(), labeled(dataset, lang)["tonnes"].sum(),
                        rel_tol=1e-6)


def test_volumes_page_has_no_chart_repeating_the_ranking() -> None:
    """Stacked by product, the ranking and a product breakdown drew the same bars."""
    page = (Path(__file__).resolve().parent.parent / "pages" / "volumes.py").read_text("utf-8")
    assert "breakdown_chart" not in page
    assert "matrix_chart" in page


@pytest.mark.parametrize("n", [1, 2, 30])
def test_bars_keep_their_thickness_and_labels_for_any_count(n: int) -> None:
    """#22: two bars were 3 px thick under a fixed chart height; the height is now a step
    per bar, every bar has its figure and share, and the legend lists what is drawn."""
    data = pd.DataFrame({
        "product": [f"P{i}" for i in range(n)], "category": ["ginseng"] * n,
        "tonnes": [float(100 - i) for i in range(n)],
        "share": [1 / n] * n, "source_label": [t("source.illustrative", "zh")] * n})
    spec = charts.breakdown_chart(data, "tonnes", "zh").to_dict()
    assert spec["height"] == {"step": charts.STEP["normal"]}
    rows = next(iter(spec["datasets"].values()))
    assert [r["bar_label"] for r in rows][:1] == [f"100.0 · {1 / n:.1%}"]
    assert all(r["pad"] > r["tonnes"] for r in rows)  # room for the label
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == [
        t("cat.ginseng", "zh")]  # only the category drawn


def test_the_table_under_a_money_chart_is_in_its_unit_beside_the_dollars(
        dataset: Dataset) -> None:
    from zones import tables

    data = metrics.ranking(labeled(dataset, "zh"), "destination", "value_usd")
    table = tables.display_table(data, "zh")
    shown = units.shown(data, "value_usd", "zh")[1]
    cols = list(table.columns)
    assert cols[cols.index(shown.title) + 1] == t("col.value_usd", "zh")
    first = table.iloc[0]
    divisor, _, fmt = units.money_unit(float(data["value_usd"].max()), "zh")
    decimals = int(fmt[-2])  # ",.2f": as many decimals as the chart's tooltip
    assert first[shown.title] == round(float(data["value_usd"].iloc[0]) / divisor, decimals)
    assert first[t("col.value_usd", "zh")] == float(data["value_usd"].iloc[0])
