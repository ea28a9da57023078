"""Aggregations behind charts and tables: totals conserved, growth maths, labels, routes."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from zones import datafiles, metrics, tables
from zones.dataset.filters import FilterState, apply_filters
from zones.i18n import t
from zones.model import FILES, Dataset

STATES = {
    "all": FilterState(),
    "ginseng-jpn-2009-2011": FilterState(products=("ginseng",), destinations=("JPN",),
                                         period=("2009-01", "2011-12")),
    "yanbian": FilterState(prefectures=("222400",)),
    "vegetables-2010": FilterState(products=("chinese_cabbage", "radish"),
                                   period=("2010-01", "2010-12")),
    "afg": FilterState(destinations=("AFG",)),
}


def labeled_for(ds: Dataset, state: FilterState, lang: str = "en") -> pd.DataFrame:
    return metrics.label_volumes(ds, apply_filters(ds, state).volumes, lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_label_volumes(dataset: Dataset, lang: str) -> None:
    labeled = metrics.label_volumes(dataset, dataset.volumes, lang)
    assert len(labeled) == len(dataset.volumes)
    for col in ("product", "destination", "zone", "category", "year", "source_label"):
        assert labeled[col].notna().all(), col
    unattributed = labeled[dataset.volumes["zone_id"].isna().to_numpy()]
    assert len(unattributed) > 0
    assert set(unattributed["zone"]) == {t("unknown_zone", lang)}
    assert set(labeled["source_label"]) == {t("source.illustrative", lang)}


@pytest.mark.parametrize("name", list(STATES))
@pytest.mark.parametrize("measure", ["tonnes", "value_usd", "consignments"])
@pytest.mark.parametrize("by", ["product", "destination", "zone"])
def test_totals_are_conserved(dataset: Dataset, name: str, measure: str, by: str) -> None:
    labeled = labeled_for(dataset, STATES[name])
    total = float(labeled[measure].sum())
    assert total > 0
    tol = max(1.0, total * 1e-6)
    for yearly in (True, False):
        series = metrics.timeseries(labeled, by, measure, yearly)
        assert math.isclose(series[measure].sum(), total, abs_tol=tol + 0.05 * len(series))
    ranked = metrics.ranking(labeled, by, measure)
    assert math.isclose(ranked[measure].sum(), total, abs_tol=tol + 0.05 * len(ranked))
    parts = metrics.breakdown(labeled, measure)
    assert math.isclose(parts[measure].sum(), total, abs_tol=tol + 0.05 * len(parts))
    growth = metrics.yoy(labeled, measure, "en")
    assert math.isclose(growth[measure].sum(), total, abs_tol=tol + 0.05 * len(growth))


@pytest.mark.parametrize("by", ["product", "destination", "zone"])
def test_ranking_order_and_shares(dataset: Dataset, by: str) -> None:
    ranked = metrics.ranking(labeled_for(dataset, FilterState()), by, "tonnes")
    assert ranked["rank"].tolist() == list(range(1, len(ranked) + 1))
    assert ranked["tonnes"].is_monotonic_decreasing
    assert ranked[by].is_unique
    assert math.isclose(ranked["share"].sum(), 1.0, abs_tol=1e-3)
    assert (ranked["share"] >= 0).all()  # rounded to 4 places: tiny routes may show 0


def test_ranking_by_product_counts_every_product(dataset: Dataset) -> None:
    ranked = metrics.ranking(labeled_for(dataset, FilterState()), "product", "tonnes")
    assert len(ranked) == 10
    assert ranked.iloc[0]["product"] == "Poultry meat"


def test_breakdown_shares_and_categories(dataset: Dataset) -> None:
    parts = metrics.breakdown(labeled_for(dataset, FilterState()), "value_usd")
    assert math.isclose(parts["share"].sum(), 1.0, abs_tol=1e-3)
    assert set(parts["category"]) == set(dataset.products["category"])


def _tiny(values: dict[str, float], source: str = "illustrative") -> pd.DataFrame:
    """One whole year per key (12 equal months), so growth is year over year."""
    periods = [f"{y}-{m:02d}" for y in values for m in range(1, 13)]
    return pd.DataFrame({
        "period": periods, "tonnes": [values[p[:4]] / 12 for p in periods],
        "source": source, "source_label": "Illustrative (not a fact)",
    })


def test_yoy_growth_math() -> None:
    out = metrics.yoy(_tiny({"2010": 100.0, "2008": 50.0, "2009": 80.0, "2011": 90.0}),
                      "tonnes", "en")
    assert out["year"].tolist() == ["2008", "2009", "2010", "2011"]
    assert out["tonnes"].tolist() == [50.0, 80.0, 100.0, 90.0]
    assert pd.isna(out["growth"].iloc[0])
    assert out["growth"].iloc[1:].tolist() == [0.6, 0.25, -0.1]
    assert out["growth_basis"].tolist()[1] == "2009 vs 2008"


def test_yoy_sums_months_of_a_year() -> None:
    frame = pd.DataFrame({
        "period": ["2009-01", "2009-02", "2010-01", "2010-02"],
        "tonnes": [10.0, 30.0, 25.0, 25.0], "source": "illustrative", "source_label": "x",
    })
    out = metrics.yoy(frame, "tonnes", "en")
    assert out["tonnes"].tolist() == [40.0, 50.0]
    assert out["growth"].iloc[1] == 0.25
    assert out["year_label"].tolist() == ["Jan–Feb 2009", "Jan–Feb 2010"]


def test_yoy_from_zero_is_no_growth_with_the_reason() -> None:
    out = metrics.yoy(_tiny({"2009": 0.0, "2010": 5.0}), "tonnes", "zh")
    assert pd.isna(out["growth"].iloc[1])
    assert out["growth_basis"].iloc[1] == t("growth.why.previous_zero", "zh")


@pytest.mark.parametrize("func", [
    lambda f: metrics.timeseries(f, "product", "tonnes", True),
    lambda f: metrics.ranking(f, "zone", "tonnes"),
    lambda f: metrics.yoy(f, "tonnes", "en"),
    lambda f: metrics.breakdown(f, "tonnes"),
], ids=["timeseries", "ranking", "yoy", "breakdown"])
def test_empty_input_gives_empty_frames_with_columns(dataset: Dataset, func) -> None:
    labeled = labeled_for(dataset, FilterState(report_only=True))
    assert labeled.empty
    out = func(labeled)
    assert out.empty
    assert "source_label" in out.columns


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", list(STATES))
def test_zone_totals(dataset: Dataset, name: str, lang: str) -> None:
    view = apply_filters(dataset, STATES[name])
    zt = metrics.zone_totals(dataset, view.zones, view.volumes, lang)
    assert len(zt) == len(view.zones)
    assert zt["zone_id"].tolist() == view.zones["zone_id"].tolist()
    assert set(zt["source_label"]) <= {t("source.report", lang),
                                       t("source.illustrative", lang)}
    for zid, source, label in zip(zt["zone_id"], zt["source"], zt["source_label"],
                                  strict=True):
        assert label == t(f"source.{source}", lang), zid
    by_zone = view.volumes.groupby("zone_id")["tonnes"].sum()
    for zid, tonnes in zip(zt["zone_id"], zt["tonnes"], strict=True):
        assert math.isclose(tonnes, round(float(by_zone.get(zid, 0.0)), 1), abs_tol=0.05)
    assert zt["name"].notna().all()
    assert zt["county"].notna().all()


def test_zone_totals_marks_dehui_as_report(dataset: Dataset) -> None:
    zt = metrics.zone_totals(dataset, dataset.zones, dataset.volumes, "zh")
    dehui = zt[zt["zone_id"] == "dehui-poultry"].iloc[0]
    assert dehui["source"] == "report"
    assert dehui["fact_id"] == "Z2"
    assert dehui["level"] == "全国首批示范区"
    assert dehui["category_label"] == "肉类"
    assert (zt.loc[zt["zone_id"] != "dehui-poultry", "source"] == "illustrative").all()
    assert (zt.loc[zt["zone_id"] != "dehui-poultry", "fact_id"] == "").all()


def test_destination_totals(dataset: Dataset) -> None:
    dt = metrics.destination_totals(dataset, dataset.volumes, "en")
    assert len(dt) == 10
    assert dt["rank"].tolist() == list(range(1, 11))
    assert dt["tonnes"].is_monotonic_decreasing
    assert math.isclose(dt["tonnes"].sum(), float(dataset.volumes["tonnes"].sum()),
                        abs_tol=1.0)
    assert set(dt["source_label"]) == {"Illustrative (not a fact)"}


FIRST_ROUTES = [("deer_meat", "AFG", "Deer meat (venison)", "Afghanistan"),
                ("raspberry", "USA", "Raspberry", "United States"),
                ("peanut", "CAN", "Peanut", "Canada"),
                ("chinese_cabbage", "KOR", "Chinese cabbage", "Republic of Korea"),
                ("radish", "JPN", "Radish", "Japan")]


def test_first_export_cards(dataset: Dataset) -> None:
    cards = metrics.first_export_cards(dataset, dataset.first_exports, "en")
    got = list(zip(cards["product_id"], cards["destination_iso3"], cards["product"],
                   cards["destination"], strict=True))
    assert got == FIRST_ROUTES
    assert cards["fact_id"].tolist() == ["F1", "F2", "F3", "F4", "F5"]
    assert (cards["year"] == 2010).all()
    zh = metrics.first_export_cards(dataset, dataset.first_exports, "zh")
    assert zh["product"].tolist() == ["鹿肉", "树莓", "花生", "白菜", "萝卜"]
    assert zh["destination"].tolist() == ["阿富汗", "美国", "加拿大", "韩国", "日本"]


@pytest.mark.parametrize(("fact_id", "lang", "snippet"), [
    ("F1", "zh", "鹿肉首次出口阿富汗"),
    ("F1", "en", "Deer meat: first export from Jilin Province to Afghanistan"),
    ("Z2", "en", "Dehui"),
    ("E5", "zh", "60,356"),
])
def test_citation(dataset: Dataset, fact_id: str, lang: str, snippet: str) -> None:
    text = metrics.citation(dataset, fact_id, lang)
    assert fact_id not in text  # in words: the report's section and wording (#22)
    assert snippet in text
    assert text.startswith("出处" if lang == "zh" else "Source")


def test_citation_of_unknown_fact_is_the_id(dataset: Dataset) -> None:
    assert metrics.citation(dataset, "Q9", "en") == "Q9"


def _figure(ds: Dataset, figure_id: str) -> dict:
    return ds.figures[ds.figures["figure_id"] == figure_id].iloc[0].to_dict()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_derived_figure_help_gives_the_formula(dataset: Dataset, lang: str) -> None:
    from zones.derived import derived_kpis

    (_, _, help_decl), (_, _, help_teu) = derived_kpis(dataset, dataset.figures, lang)
    assert "60,356 ÷ (1 + 53%)" in help_teu
    assert "2303" in help_decl or "2,303" in help_decl
    assert "E5" in help_teu
    assert ("推算" if lang == "zh" else "Derived") in help_teu


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_figure_help_of_plain_figure_has_no_formula(dataset: Dataset, lang: str) -> None:
    text = metrics.figure_help(dataset, _figure(dataset, "C1-measures"), lang)
    fact = dataset.facts.set_index("fact_id").loc["C1"]
    assert str(fact["text_zh" if lang == "zh" else "text_en"]) in text  # words, not "C1"
    assert ("推算" if lang == "zh" else "Derived") not in text
    assert "<NA>" not in text


def test_figures_by_platform(dataset: Dataset) -> None:
    groups = metrics.figures_by_platform(dataset.figures)
    assert [p for p, _ in groups] == [1, 2, 3, 4]
    assert sum(len(g) for _, g in groups) == len(dataset.figures)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_display_table_translates_headers_and_keeps_source(dataset: Dataset,
                                                           lang: str) -> None:
    view = apply_filters(dataset, FilterState())
    zt = metrics.zone_totals(dataset, view.zones, view.volumes, lang)
    table = tables.display_table(zt, lang, drop=("lon", "lat", "category"))
    assert t("col.source", lang) in table.columns
    assert t("col.zone", lang) in table.columns
    assert t("col.tonnes", lang) in table.columns
    assert "zone_id" not in table.columns  # internal id is not shown
    assert t("col.lon", lang) not in table.columns
    assert len(table) == 16
    assert set(table[t("col.source", lang)]) == {t("source.report", lang),
                                                 t("source.illustrative", lang)}


def test_display_table_translates_category_values(dataset: Dataset) -> None:
    parts = metrics.breakdown(labeled_for(dataset, FilterState(), "zh"), "tonnes")
    table = tables.display_table(parts, "zh")
    assert set(table.columns) == {"类别", "产品", "出口量（吨）", "占比", "来源"}
    assert set(table["类别"]) <= {t(f"cat.{c}", "zh") for c in dataset.products["category"]}


def test_display_table_does_not_change_its_input(dataset: Dataset) -> None:
    ranked = metrics.ranking(labeled_for(dataset, FilterState()), "zone", "tonnes")
    before = ranked.copy()
    tables.display_table(ranked, "en")
    pd.testing.assert_frame_equal(ranked, before)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_routes(dataset: Dataset, lang: str) -> None:
    view = apply_filters(dataset, FilterState())
    arcs, dests, firsts = metrics.routes(dataset, view.zones, view.volumes,
                                         view.first_exports, lang)
    jl = dataset.geo.jilin_point
    assert len(firsts) == 5
    assert (firsts["lon"] == jl[0]).all()
    assert (firsts["lat"] == jl[1]).all()
    pts = dataset.geo.world_points
    for iso3, lon in zip(("AFG", "USA", "CAN", "KOR", "JPN"), firsts["dest_lon"],
                         strict=True):
        assert lon == pts[iso3][0]
    facts = dataset.facts.set_index("fact_id")
    assert all(str(facts.loc[fid, "text_" + lang]) in c and fid not in c
               for fid, c in zip(["F1", "F2", "F3", "F4", "F5"], firsts["citation"],
                                 strict=True))
    assert "2010" in firsts["label"].iloc[0]
    # unattributed volumes also start from Jilin as a whole
    unknown = arcs[arcs["origin"] == t("unknown_zone", lang)]
    assert len(unknown) == 5
    assert (unknown["lon"] == jl[0]).all()
    assert math.isclose(arcs["tonnes"].sum(), float(view.volumes["tonnes"].sum()),
                        abs_tol=0.05 * len(arcs) + 1)
    assert set(dests["iso3"]) == set(view.volumes["destination_iso3"])
    assert dests[["dest_lon", "dest_lat"]].notna().all().all()


def test_routes_report_only_keeps_first_routes_only(dataset: Dataset) -> None:
    view = apply_filters(dataset, FilterState(report_only=True))
    arcs, dests, firsts = metrics.routes(dataset, view.zones, view.volumes,
                                         view.first_exports, "en")
    assert arcs.empty
    assert dests.empty
    assert len(firsts) == 5


def test_zone_profile_of_report_zone(dataset: Dataset) -> None:
    p = metrics.zone_profile(dataset, "dehui-poultry", dataset.volumes, "en")
    assert p.national
    assert not p.illustrative
    assert "Dehui" in p.citation and "Z2" not in p.citation  # in words (#22)
    assert p.products == "Poultry meat"
    assert p.launched == "not stated in the report"  # Z2 gives no launch date
    assert set(p.trend["year"]) == {"2008", "2009", "2010", "2011", "2012"}
    assert math.isclose(p.destinations["share"].sum(), 1.0, abs_tol=1e-3)


def test_zone_profile_of_illustrative_zone(dataset: Dataset) -> None:
    p = metrics.zone_profile(dataset, "longjing-vegetables", dataset.volumes, "zh")
    assert p.illustrative
    assert not p.national
    assert p.citation == ""
    assert p.products == "白菜、萝卜"
    assert p.source_label == "示意数据（非事实）"
    assert p.launched == "2010（年份推断）"  # Z1: all 16 launched "this year"


def test_zone_profile_without_volumes(dataset: Dataset) -> None:
    p = metrics.zone_profile(dataset, "dehui-poultry", dataset.volumes.iloc[0:0], "en")
    assert p.trend.empty
    assert p.destinations.empty


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_file_inventory(dataset: Dataset, lang: str) -> None:
    inv = datafiles.file_inventory(dataset, lang)
    assert inv[t("data.file", lang)].tolist() == list(FILES)
    rows = dict(zip(inv[t("data.file", lang)], inv[t("data.rows", lang)], strict=True))
    assert rows["zones.csv"] == 16
    assert rows["export_volumes.csv"] == 4176
    report = dict(zip(inv[t("data.file", lang)], inv[t("data.report_rows", lang)],
                      strict=True))
    assert report["zones.csv"] == 1
    assert report["first_exports.csv"] == 5
    assert report["export_volumes.csv"] == 0


def test_downloadable_zones_have_exactly_the_file_columns(dataset: Dataset) -> None:
    files = datafiles.downloadable_files(dataset)
    assert list(files["zones.csv"].columns) == FILES["zones.csv"].column_names


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_data_dictionary(lang: str) -> None:
    dd = datafiles.data_dictionary(lang)
    assert len(dd) == sum(len(s.columns) for s in FILES.values())
    assert dd[t("data.meaning", lang)].str.len().gt(0).all()


def test_zone_totals_without_volumes_are_unknown_not_zero(dataset: Dataset) -> None:
    """'Report facts only': the report gives no volume, so tonnes must not read as 0."""
    view = apply_filters(dataset, FilterState(report_only=True))
    zt = metrics.zone_totals(dataset, view.zones, view.volumes, "zh", volumes_shown=False)
    assert list(zt["zone_id"]) == ["dehui-poultry"]
    assert zt["tonnes"].isna().all()
