"""The map specs sent per rerun (issue 8): small, geometry by URL, same map as the builders.

A budget per map keeps the geometry (or anything else large) from creeping back into
what every filter change sends to every browser. Sizes are deterministic: the JSON of
the spec with its tables as rows, as in a self-contained spec.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from zones import metrics
from zones.charts import geoassets, maps
from zones.dataset.filters import FilterState, apply_filters
from zones.dataset.loading import GEO_FILES
from zones.model import Dataset

# Bytes of one map's spec per rerun; the bundled data needs about 11 / 23 / 1 KB.
# jilin: 16 000, a second, sparser set of labels placed at phone width (#22), and the
# description a screen reader reads (#23: ~100 zh / ~220 en characters).
BUDGET = {"jilin": 24_500, "world": 32_000, "inset": 2_000}
STATES = {
    "none": FilterState(),
    "ginseng": FilterState(products=("ginseng",)),
    "japan-2010": FilterState(destinations=("JPN",), period=("2010-01", "2010-12")),
    "facts-only": FilterState(report_only=True),
    "nothing": FilterState(products=("ginseng",), destinations=("AFG",)),
}


def sent_bytes(spec: dict[str, Any]) -> int:
    rows = {k: v.to_dict("records") if isinstance(v, pd.DataFrame) else v
            for k, v in spec.get("datasets", {}).items()}
    return len(json.dumps({**spec, "datasets": rows}, ensure_ascii=False, default=str).encode())


def specs(ds: Dataset, state: FilterState, lang: str) -> dict[str, dict[str, Any]]:
    view = apply_filters(ds, state)
    zt = metrics.zone_totals(ds, view.zones, view.volumes, lang,
                             volumes_shown=not state.report_only)
    arcs, dests, firsts = metrics.routes(ds, view.zones, view.volumes, view.first_exports,
                                         lang)
    return {
        "jilin": maps.jilin_map_spec(ds.geo, zt, sorted(view.zones["county_adcode"]), lang),
        "world": maps.world_map_spec(ds.geo, arcs, dests, firsts, lang),
        "inset": maps.china_inset_spec(ds.geo, lang),
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("state", list(STATES))
def test_map_specs_sent_per_rerun_stay_within_budget(dataset: Dataset, state: str,
                                                     lang: str) -> None:
    for name, spec in specs(dataset, STATES[state], lang).items():
        size = sent_bytes(spec)
        assert size <= BUDGET[name], f"{name} map spec is {size} bytes > {BUDGET[name]}"
        text = json.dumps(spec, default=str)
        assert '"coordinates"' not in text, f"{name} map inlines geometry"
        assert geoassets.URL_PREFIX in text


def test_the_spec_does_not_change_with_the_filter(dataset: Dataset) -> None:
    """Only the tables change, so the browser updates data instead of rebuilding a map,
    and the description a screen reader reads (#23), which names the figures shown."""
    a = specs(dataset, STATES["none"], "zh")
    for other, name in (("ginseng", "jilin"), ("japan-2010", "jilin"), ("japan-2010", "world")):
        b = specs(dataset, STATES[other], "zh")
        # the frame (where the map looks, #22) and the description (#23) follow the filter
        # too; the rest does not
        assert {**a[name], "datasets": None, "description": None, "projection": None} == {
            **b[name], "datasets": None, "description": None, "projection": None}, (other, name)
        assert a[name]["description"] != b[name]["description"], (other, name)
    b = specs(dataset, STATES["ginseng"], "zh")
    assert not a["jilin"]["datasets"]["highlight"].equals(b["jilin"]["datasets"]["highlight"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_spec_is_the_builders_map(dataset: Dataset, lang: str) -> None:
    """Same layers, marks and encodings as the Altair builder's self-contained spec."""
    view = apply_filters(dataset, FilterState(products=("rice",)))
    zt = metrics.zone_totals(dataset, view.zones, view.volumes, lang)
    hl = sorted(view.zones["county_adcode"])
    fast = maps.jilin_map_spec(dataset.geo, zt, hl, lang, geometry="inline")
    full = maps.jilin_map(dataset.geo, zt, hl, lang, geometry="inline").to_dict()
    def mark(x: dict[str, Any]) -> object:  # decorative layers leave the a11y tree (#23)
        return {k: v for k, v in x["mark"].items() if k != "aria"} if isinstance(
            x["mark"], dict) else x["mark"]

    assert [(mark(x), x.get("encoding")) for x in fast["layer"]] \
        == [(mark(x), x.get("encoding")) for x in full["layer"]]
    assert fast["params"] == full["params"]
    assert fast["datasets"]["highlight"]["adcode"].tolist() == hl
    assert '"coordinates"' in json.dumps(fast, default=str)  # inline: self-contained


def test_served_files_are_the_bundled_boundaries() -> None:
    assert geoassets.LAYER_FILES == GEO_FILES
    for name in GEO_FILES.values():
        assert (geoassets.STATIC_DIR / name).read_bytes() == (
            geoassets.SOURCE_DIR / name).read_bytes(), (
            f"static/geo/{name} is stale: run scripts/build_static_geo.py")


def test_served_geometry_falls_back_to_inline_for_other_boundaries(dataset: Dataset) -> None:
    layers = {k: getattr(dataset.geo, k) for k in GEO_FILES}
    assert geoassets.served_geometry(layers) == "url"
    other = {**layers, "counties": {"type": "FeatureCollection", "features": []}}
    assert geoassets.served_geometry(other) == "inline"


def test_layer_url_is_relative_and_versioned() -> None:
    url = geoassets.layer_url("counties")
    assert url.startswith("app/static/geo/jilin_counties.geojson?v=")
    assert len(url.rsplit("=", 1)[1]) == 12
