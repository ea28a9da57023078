"""Charts that speak (#23): every chart's and map's description, from its own data, exact."""

from __future__ import annotations

import pytest

from zones import metrics
from zones.charts import maps, plots
from zones.dataset.filters import FilterState, apply_filters
from zones.i18n import fmt_number


@pytest.fixture(scope="module")
def view(dataset):
    return apply_filters(dataset, FilterState())


def _decorative_layers(spec: dict) -> list[dict]:
    out = []
    for layer in spec.get("layer", []):
        mark = layer.get("mark")
        if isinstance(mark, dict) and mark.get("aria") is False:
            out.append(layer)
        out += _decorative_layers(layer)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_volume_charts_name_their_largest_figures_exactly(dataset, view, lang) -> None:
    labeled = metrics.label_volumes(dataset, view.volumes, lang)
    scale = plots.color_scale("product", labeled, metrics.product_palette(dataset))
    ranked = metrics.ranking(labeled, "destination", "value_usd")
    spec = plots.ranking_spec(ranked, "destination", "value_usd", lang, scale)
    first = ranked.sort_values("value_usd", ascending=False).iloc[0]
    assert f"{first['destination']} {fmt_number(first['value_usd'], lang)}" in (
        spec["description"])
    series = metrics.timeseries(labeled, "product", "tonnes", True, lang)
    text = plots.timeseries_spec(series, "product", "tonnes", True, lang, scale)["description"]
    assert fmt_number(series["tonnes"].sum(), lang) in text
    assert str(series["year"].min()) in text and str(series["year"].max()) in text
    growth = metrics.yoy(labeled, "tonnes", lang)
    text = plots.yoy_spec(growth, "tonnes", lang)["description"]
    assert all(fmt_number(v, lang) in text for v in growth["tonnes"])
    grid = metrics.matrix(labeled, "tonnes")
    text = plots.matrix_chart(grid, "tonnes", lang).to_dict()["description"]
    top = grid.sort_values("tonnes", ascending=False).iloc[0]
    assert f"{top['product']} → {top['destination']} {fmt_number(top['tonnes'], lang)}" in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_maps_describe_zones_and_destinations_in_the_page_language(dataset, view,
                                                                   lang) -> None:
    zt = metrics.zone_totals(dataset, view.zones, view.volumes, lang, volumes_shown=True)
    spec = maps.jilin_map_spec(dataset.geo, zt, [], lang)
    assert str(len(zt)) in spec["description"]
    top = zt.sort_values("tonnes", ascending=False).iloc[0]
    assert f"{top['short']} {fmt_number(top['tonnes'], lang)}" in spec["description"]
    assert _decorative_layers(spec), "the prefecture outlines carry nothing to read"
    arcs, dests, firsts = metrics.routes(dataset, view.zones, view.volumes,
                                         view.first_exports, lang)
    text = maps.world_map_spec(dataset.geo, arcs, dests, firsts, lang)["description"]
    assert all(str(label) in text for label in firsts["label"])
    inset = maps.china_inset_spec(dataset.geo, lang)["description"]
    assert ("吉林省" in inset) == (lang == "zh") and ("Jilin" in inset) == (lang == "en")
    for text in (spec["description"], inset):
        has_cjk = any("\u4e00" <= c <= "\u9fff" for c in text)
        assert has_cjk == (lang == "zh"), text


def test_facts_only_map_says_no_volume_instead_of_a_zero(dataset) -> None:
    view = apply_filters(dataset, FilterState(report_only=True))
    zt = metrics.zone_totals(dataset, view.zones, view.volumes, "en", volumes_shown=False)
    text = maps.jilin_map_spec(dataset.geo, zt, [], "en")["description"]
    assert " 0 t" not in text and str(len(zt)) in text
