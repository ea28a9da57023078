"""Vector maps (Altair, offline): layers, projections, selections, source marking."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest

from zones import metrics
from zones.charts import labels, maps
from zones.dataset import geopoints
from zones.dataset.filters import FilterState, apply_filters
from zones.i18n import t
from zones.model import CATEGORIES, CATEGORY_COLORS, SOURCE_SHAPES, Dataset

LANGS = ["zh", "en"]


def marks(spec: dict[str, Any]) -> list[str]:
    return [layer["mark"]["type"] for layer in spec["layer"]]


def params(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in spec.get("params", [])}


def values(spec: dict[str, Any], layer: dict[str, Any]) -> list[Any]:
    """A layer's inline rows, whether Altair left them in place or named them."""
    data = layer["data"]
    return data["values"] if "values" in data else spec["datasets"][data["name"]]


def tooltip_fields(layer: dict[str, Any]) -> list[str]:
    return [tip["field"] for tip in layer["encoding"]["tooltip"]]


# Specs whose boundary layers a test does not read take them by URL, as the pages do:
# Altair deep-copies inline geometry on every ``to_dict`` (about 5 s a world map here).


def jilin_spec(ds: Dataset, state: FilterState, lang: str, geometry: str = "inline"
               ) -> dict[str, Any]:
    view = apply_filters(ds, state)
    zt = metrics.zone_totals(ds, view.zones, view.volumes, lang)
    return maps.jilin_map(ds.geo, zt, sorted(view.zones["county_adcode"]), lang,
                          geometry=geometry).to_dict()


def world_spec(ds: Dataset, state: FilterState, lang: str, geometry: str = "inline"
               ) -> dict[str, Any]:
    view = apply_filters(ds, state)
    arcs, dests, firsts = metrics.routes(ds, view.zones, view.volumes, view.first_exports,
                                         lang)
    return maps.world_map(ds.geo, arcs, dests, firsts, lang,
                          chosen=maps.chosen_table(state.destinations),
                          geometry=geometry).to_dict()


@pytest.mark.parametrize("lang", LANGS)
def test_jilin_map(dataset: Dataset, lang: str) -> None:
    spec = jilin_spec(dataset, FilterState(), lang)
    assert marks(spec) == ["geoshape", "geoshape", "geoshape", "point", "text", "text"]
    assert spec["projection"]["type"] == "mercator"
    counties, highlighted, prefectures, points = spec["layer"][:4]
    assert len(values(spec, counties)) == len(
        dataset.geo.counties["features"])
    assert len(values(spec, prefectures)) == len(
        dataset.geo.prefectures["features"])
    assert highlighted["transform"][0]["from"]["key"] == "properties.adcode"
    enc = points["encoding"]
    assert enc["longitude"]["field"] == "lon"
    assert enc["latitude"]["field"] == "lat"
    assert enc["color"]["field"] == "category_label"
    assert enc["color"]["scale"]["range"] == {"field": "category_color"}
    assert enc["shape"]["field"] == "source_label"
    assert enc["shape"]["scale"]["range"] == {"field": "source_shape"}
    assert {"source_label", "cited", "name"} <= set(tooltip_fields(points))
    assert "fact_id" not in tooltip_fields(points)  # words, not the report's codes (#22)
    assert t("source.illustrative", lang) in enc["size"]["title"]
    sel = params(spec)
    assert maps.ZONE_SELECTION == "zone"
    assert sel["zone"]["select"]["fields"] == ["zone_id"]
    assert enc["strokeWidth"]["condition"]["param"] == "zone"
    rows = spec["datasets"][points["data"]["name"]]
    assert len(rows) == 16
    # The legend lists only what is drawn, in the one palette (zones/model.py).
    for row in rows:
        assert row["category_color"] == CATEGORY_COLORS[row["category"]]
        assert row["category_order"] == CATEGORIES.index(row["category"])
        assert row["source_shape"] == SOURCE_SHAPES[row["source"]]


def test_jilin_map_highlights_the_zone_counties(dataset: Dataset) -> None:
    spec = jilin_spec(dataset, FilterState(products=("ginseng",)), "en", geometry="url")
    lit = {r["adcode"] for r in spec["datasets"][spec["layer"][1]["data"]["name"]]}
    assert {"220621", "220582", "220622"} <= lit
    assert "220183" not in lit  # Dehui makes poultry, not ginseng


@pytest.mark.parametrize("lang", LANGS)
def test_jilin_map_county_names_follow_the_language(dataset: Dataset, lang: str) -> None:
    spec = jilin_spec(dataset, FilterState(), lang, geometry="url")
    assert tooltip_fields(spec["layer"][0])[0] == f"properties.name_{lang}"
    assert tooltip_fields(spec["layer"][1])[0] == f"properties.name_{lang}"


@pytest.mark.parametrize("lang", LANGS)
def test_world_map(dataset: Dataset, lang: str) -> None:
    spec = world_spec(dataset, FilterState(), lang)
    assert spec["projection"]["type"] == "equalEarth"
    assert spec["projection"]["rotate"][0] == -150  # Pacific-centred
    assert marks(spec) == ["geoshape", "geoshape", "geoshape", "rule", "rule", "circle", "text",
                           "text"]
    land, _chosen, sea, arcs, firsts, dests = spec["layer"][:6]
    texts = spec["layer"][6:]
    assert values(spec, land) == dataset.geo.world["features"]
    assert values(spec, sea) == dataset.geo.china_maritime["features"]
    assert len(values(spec, sea)) > 0
    assert sea["mark"]["filled"] is False
    assert "source_label" in tooltip_fields(arcs)
    assert t("source.illustrative", lang) in arcs["encoding"]["strokeWidth"]["title"]
    assert firsts["mark"]["color"] == maps.FIRST_COLOR
    assert "citation" in tooltip_fields(firsts)
    assert len(spec["datasets"][firsts["data"]["name"]]) == 5
    assert {layer["encoding"]["text"]["field"] for layer in texts} == {"text"}
    red = [layer for layer in texts if layer["mark"].get("color") == maps.FIRST_COLOR]
    assert red, "the first-route labels are drawn"
    assert "source_label" in tooltip_fields(dests)
    assert maps.DEST_SELECTION == "dest"
    assert params(spec)["dest"]["select"]["fields"] == ["iso3"]


def test_world_map_report_only_has_only_first_routes(dataset: Dataset) -> None:
    spec = world_spec(dataset, FilterState(report_only=True), "en", geometry="url")
    # The destination layer stays (empty) so the page's on_select always has its param.
    assert marks(spec)[:5] == ["geoshape", "geoshape", "geoshape", "rule", "circle"]
    assert set(marks(spec)[5:]) == {"text"}
    assert "dest" in params(spec)


def test_world_map_fills_the_filtered_destinations(dataset: Dataset) -> None:
    """Issue 16: with ?dest=JPN Japan is filled, not an outline like any other country."""
    plain = world_spec(dataset, FilterState(), "en", geometry="url")
    spec = world_spec(dataset, FilterState(destinations=("KOR", "JPN")), "en", geometry="url")
    chosen = spec["layer"][1]
    assert chosen["mark"] == {"type": "geoshape", "fill": maps.CHOSEN_FILL, "clip": True,
                              "stroke": maps.CHOSEN_STROKE, "strokeWidth": 1.2}
    lookup = chosen["transform"][0]
    assert lookup["lookup"] == "iso3" and lookup["from"]["key"] == "properties.iso3"
    assert [r["iso3"] for r in values(spec, chosen)] == ["JPN", "KOR"]
    assert values(plain, plain["layer"][1]) == []
    assert marks(spec)[3:] == marks(plain)[3:]  # the routes stay as they are


def test_world_map_spec_is_one_template_for_every_destination_filter(dataset: Dataset) -> None:
    def spec(dests: tuple[str, ...]) -> dict[str, Any]:
        view = apply_filters(dataset, FilterState(destinations=dests))
        arcs, d, firsts = metrics.routes(dataset, view.zones, view.volumes,
                                         view.first_exports, "zh")
        return maps.world_map_spec(dataset.geo, arcs, d, firsts, "zh", chosen=dests)

    a, b = spec(("JPN",)), spec(("KOR", "USA"))
    assert list(a["datasets"]["chosen"]["iso3"]) == ["JPN"]
    assert list(b["datasets"]["chosen"]["iso3"]) == ["KOR", "USA"]
    # Only the tables, the frame (where the map looks, #22) and the description a screen
    # reader reads (#23) change with the filter.
    changing = ("datasets", "projection", "description")
    assert {k: v for k, v in a.items() if k not in changing} == {
        k: v for k, v in b.items() if k not in changing}


def _mercator_box(projection: dict, width: float = 900, height: float = 460
                  ) -> tuple[float, float, float, float]:
    """The lon/lat box a Mercator projection (center, scale and translate as Vega
    expressions of the view's size) shows in a ``width`` × ``height`` view."""
    import math

    assert projection["type"] == "mercator"
    span_x, span_y = (float(x) for x in re.findall(r"\d+\.\d+", projection["scale"]["expr"]))
    k = min(width / span_x, height / span_y)  # "min(width / X, height / Y)"
    lon_c, lat_c = projection["center"]
    yc = math.log(math.tan(math.pi / 4 + math.radians(lat_c) / 2))

    def lat_of(y: float) -> float:
        return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)

    half_w, half_h = width / 2 / k, height / 2 / k
    return (lon_c - math.degrees(half_w), lat_of(yc - half_h),
            lon_c + math.degrees(half_w), lat_of(yc + half_h))


@pytest.mark.parametrize("dests", [("JPN", "KOR"), ("KOR",), ("MNG", "RUS")])
def test_the_destinations_map_fits_the_chosen_countries_with_jilin(
        dataset: Dataset, dests: tuple[str, ...]) -> None:
    """#22: "Japan and Korea" is a Northeast-Asia map, not an 80-px cluster on a world map.

    The projection fits a box holding each chosen country's main bounds and Jilin, and not
    much more (the box is padded and widened to the desk aspect, never a hemisphere).
    """
    from zones.charts import framing

    view = apply_filters(dataset, FilterState(products=("ginseng",), destinations=dests))
    arcs, d, firsts = metrics.routes(dataset, view.zones, view.volumes, view.first_exports,
                                     "zh")
    spec = maps.world_map_spec(dataset.geo, arcs, d, firsts, "zh", chosen=dests)
    projection = spec["projection"]
    if dests == ("MNG", "RUS"):  # Russia spans the globe: the world map stays
        assert projection["type"] == "equalEarth"
        return
    assert projection["type"] == "mercator"
    lon0, lat0, lon1, lat1 = _mercator_box(projection)
    features = {f["properties"]["iso3"]: f for f in dataset.geo.world["features"]}
    for iso3 in dests:
        b = framing.feature_bounds(features[iso3])
        assert lon0 <= b[0] and b[2] <= lon1 and lat0 <= b[1] and b[3] <= lat1, iso3
    jx, jy = dataset.geo.jilin_point
    assert lon0 < jx < lon1 and lat0 < jy < lat1
    assert lon1 - lon0 < 60 and lat1 - lat0 < 40  # a region, not the world
    assert projection == maps.world_frame(dataset.geo, d, dests, 520).projection()


def test_the_zones_map_fits_the_chosen_prefecture(dataset: Dataset) -> None:
    from shapely.geometry import shape

    yanbian = next(f for f in dataset.geo.prefectures["features"]
                   if f["properties"]["adcode"].startswith("2224"))
    code = yanbian["properties"]["adcode"]
    view = apply_filters(dataset, FilterState(prefectures=(code,)))
    zt = metrics.zone_totals(dataset, view.zones, view.volumes, "zh")
    frame = maps.jilin_frame(dataset.geo, zt, (code,), (), 500)
    spec = maps.jilin_map_spec(dataset.geo, zt, [], "zh", height=500, frame=frame)
    lon0, lat0, lon1, lat1 = _mercator_box(spec["projection"])
    x0, y0, x1, y1 = shape(yanbian["geometry"]).bounds
    assert lon0 <= x0 and x1 <= lon1 and lat0 <= y0 and y1 <= lat1
    assert lon0 > 121 or lat0 > 41  # not the whole province (121.6–131.3 E, 40.9–46.3 N)
    unfiltered = maps.jilin_map_spec(dataset.geo, zt, [], "zh", height=500)
    assert "scale" not in unfiltered["projection"]  # the province, fitted to its data


@pytest.mark.parametrize(("state", "lang"), [
    (FilterState(products=("ginseng",), destinations=("AFG",)), "zh"),
    (FilterState(report_only=True, destinations=("DEU",)), "en"),
    (FilterState(period=("2008-01", "2008-12"), destinations=("USA",),
                 products=("raspberry",)), "zh"),
], ids=["ginseng-afg", "report-deu", "raspberry-usa-2008"])
def test_maps_of_empty_data_are_valid_specs(dataset: Dataset, state: FilterState,
                                            lang: str) -> None:
    jilin = jilin_spec(dataset, state, lang, geometry="url")  # to_dict validates the spec
    assert marks(jilin) == ["geoshape", "geoshape", "geoshape", "point", "text", "text"]
    assert "zone" in params(jilin)
    world = world_spec(dataset, state, lang, geometry="url")
    assert marks(world)[:2] == ["geoshape", "geoshape"]
    assert world["projection"]["type"] == "equalEarth"


@pytest.mark.parametrize("lang", LANGS)
def test_china_inset_has_the_maritime_lines(dataset: Dataset, lang: str) -> None:
    spec = maps.china_inset(dataset.geo, lang).to_dict()
    assert marks(spec) == ["geoshape", "geoshape", "geoshape"]
    assert values(spec, spec["layer"][1]) == dataset.geo.china_maritime["features"]
    assert spec["title"] == t("zones.inset", lang)
    assert spec["projection"]["type"] == "conicEqualArea"


def test_representative_points_lie_inside_their_features(dataset: Dataset) -> None:
    from shapely.geometry import Point, shape

    pts = geopoints.representative_points(dataset.geo.prefectures, "adcode")
    assert len(pts) == len(dataset.geo.prefectures["features"])
    for f in dataset.geo.prefectures["features"]:
        lon, lat = pts[f["properties"]["adcode"]]
        assert shape(f["geometry"]).buffer(0.01).contains(Point(lon, lat))


def test_world_points_cover_every_destination(dataset: Dataset) -> None:
    assert set(dataset.destinations["iso3"]) <= set(dataset.geo.world_points)
    lon, lat = dataset.geo.jilin_point
    assert 121 < lon < 132
    assert 40 < lat < 47


def test_representative_points_skip_features_without_geometry() -> None:
    layer = {"features": [{"properties": {"k": "a"}, "geometry": None}]}
    assert geopoints.representative_points(layer, "k") == {}


def test_source_scale() -> None:
    scale = maps.source_scale("zh").to_dict()
    assert scale["domain"] == ["报告事实", "示意数据（非事实）", "导入数据"]
    assert scale["range"] == ["diamond", "circle", "square"]
    shown = maps.source_scale("en", {"report", "imported"}).to_dict()
    assert shown["domain"] == ["Report fact", "Imported"]


# -- labelled maps (#9) ------------------------------------------------------------------

LABEL_STATES = [FilterState(), FilterState(report_only=True), FilterState(products=("ginseng",)),
                FilterState(products=("rice", "peanut")), FilterState(destinations=("JPN",))]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("state", LABEL_STATES, ids=["all", "facts", "ginseng", "rice-peanut",
                                                      "japan"])
@pytest.mark.parametrize(("height", "width"), [(500, 420), (500, 560), (540, 700)],
                         ids=["overview", "overview-wide", "zones"])
def test_jilin_labels_do_not_collide(dataset: Dataset, lang: str, state: FilterState,
                                     height: int, width: int) -> None:
    view = apply_filters(dataset, state)
    zt = metrics.zone_totals(dataset, view.zones, view.volumes, lang,
                             volumes_shown=not state.report_only)
    prefs, zl = maps.jilin_labels(dataset.geo, zt, lang, height, width)
    assert labels.overlaps(pd.concat([prefs, zl], ignore_index=True)) == []
    assert sorted(zl["zone_id"]) == sorted(zt["zone_id"])  # every zone is named
    assert len(prefs) >= 7  # at most two prefecture names give way to zone names


@pytest.mark.parametrize(("lang", "zone", "pref"), [("zh", "德惠禽肉", "延边州"),
                                                    ("en", "Dehui poultry", "Yanbian")])
def test_jilin_labels_follow_the_language(dataset: Dataset, lang: str, zone: str,
                                          pref: str) -> None:
    spec = jilin_spec(dataset, FilterState(), lang, geometry="url")
    texts = [r["text"] for layer in spec["layer"][4:]
             for r in spec["datasets"][layer["data"]["name"]]]
    assert zone in texts and pref in texts
    assert not [x for x in texts if "示意" in x or "illus" in x]  # the marker shape says it


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("state", [FilterState(), FilterState(report_only=True)],
                         ids=["all", "facts"])
def test_world_labels_keep_off_the_origin_and_each_other(dataset: Dataset, lang: str,
                                                         state: FilterState) -> None:
    view = apply_filters(dataset, state)
    _arcs, dests, firsts = metrics.routes(dataset, view.zones, view.volumes,
                                          view.first_exports, lang)
    fl, cl = maps.world_labels(dataset.geo, dests, firsts, lang)
    both = pd.concat([f for f in (fl, cl) if not f.empty], ignore_index=True)
    assert labels.overlaps(both) == []
    k = min(520 / 2.635, 1400 / 5.413)
    x, y = labels.equal_earth(*dataset.geo.jilin_point, k)
    origin = labels.Box(x - 6, y - 6, x + 6, y + 6)
    assert not [b for b in labels.boxes(both) if b.overlap(origin)]
    inferred = "（推断）" if lang == "zh" else "(inferred)"
    assert len(fl) == 5
    assert all(inferred in text for text in fl["text"])


def test_world_map_names_only_the_largest_destinations(dataset: Dataset) -> None:
    """With every country a destination (national data), the biggest keep their names."""
    pts = dataset.geo.world_points
    dests = pd.DataFrame({"iso3": list(pts), "tonnes": [float(i + 1) for i in range(len(pts))]})
    no_firsts = pd.DataFrame(columns=["iso3", "label", "dest_lon", "dest_lat"])
    fl, cl = maps.world_labels(dataset.geo, dests, no_firsts, "en")
    assert len(pts) > maps.MAX_COUNTRY_LABELS and fl.empty
    # at most that many, fewer where names would collide (#22: fewer rather than a clump)
    assert maps.MAX_COUNTRY_LABELS - 5 <= len(cl) <= maps.MAX_COUNTRY_LABELS
    assert labels.overlaps(cl) == []
    names = {str(f["properties"]["iso3"]): f["properties"]["name_en"]
             for f in dataset.geo.world["features"]}
    largest = dests.nlargest(maps.MAX_COUNTRY_LABELS, "tonnes")["iso3"]
    assert set(cl["text"]) <= {names[i] for i in largest}


def test_place_moves_a_label_off_its_neighbour() -> None:
    placed = labels.place([(0, 0), (40, 0)], ["AAAAAA", "BBBBBB"], [5, 5], 12)
    a, b = (p[5] for p in placed)
    assert a.overlap(b) == 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_zone_markers_keep_the_palette_and_the_fact_shape_in_both_languages(
        dataset: Dataset, lang: str) -> None:
    """Each marker gets its category's colour of model.py and its source's shape, in both
    languages. The colours and shapes ride in the rows; Vega pairs the domain with the
    range by sorting each, so both must sort by the same key (they did not: the colours
    changed with the language and English swapped report facts and illustrative zones)."""
    import json

    import vl_convert as vlc

    from zones import metrics
    from zones.model import CATEGORY_COLORS, SOURCE_SHAPES

    zones = metrics.zone_totals(dataset, dataset.zones, dataset.volumes, lang,
                                volumes_shown=True)
    spec = maps.jilin_map(dataset.geo, zones, [], lang, geometry="inline").to_dict()
    compiled = vlc.vegalite_to_vega(spec)
    vega = json.loads(compiled) if isinstance(compiled, str) else compiled
    scales = {sc["name"]: sc for sc in vega["scales"]}
    marks = maps.zone_marks(zones)
    for channel, label, value, expected, code in (
            ("color", "category_label", "category_color", CATEGORY_COLORS, "category"),
            ("shape", "source_label", "source_shape", SOURCE_SHAPES, "source")):
        scale = scales[channel]
        assert scale["domain"]["field"] == label and scale["range"]["field"] == value
        # the domain in the label's natural order, the range sorted by that label
        assert scale["domain"].get("sort", True) is True, scale["domain"]
        assert scale["range"]["sort"] == {"op": "min", "field": label}, scale["range"]
        domain = sorted(marks[label].unique())
        by_label = marks.groupby(label)[value].first()
        rng = [by_label[d] for d in domain]
        for row in marks.to_dict("records"):
            assert rng[domain.index(row[label])] == expected[row[code]], (channel, row[label])
    dehui = marks[marks["zone_id"] == "dehui-poultry"].iloc[0]
    assert dehui["source"] == "report" and dehui["source_shape"] == SOURCE_SHAPES["report"]
