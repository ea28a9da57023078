"""The briefing deck as data: slides, their texts, charts and source footers (#7).

``build_deck`` turns (Dataset, FilterState, language, date, options) into a ``Deck`` that the
PPTX and PDF renderers, the image and data exports and the tests all read. It is pure: no
Streamlit, no clock (the date is passed in), no session state — so the same filter gives
the same slides and numbers on every machine and every run. Every figure comes from
``zones.metrics`` and every word from ``zones.i18n``, exactly as the pages show them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

import altair as alt
import pandas as pd

from zones import consignments, headline, keypoints, metrics
from zones import tables as table_builders
from zones.brief import native
from zones.brief.native import NativeChart
from zones.charts import framing as fr
from zones.charts import maps
from zones.charts import plots as charts
from zones.dataset.filters import FilterState, Slices, apply_filters, summary
from zones.i18n import name_col, t
from zones.model import Dataset, GeoData
from zones.units import chart_title
from zones.view import KEY_BY, KEY_INTERVAL, KEY_MEASURE, View

# Geometry of a 16:9 slide in inches (PowerPoint's default widescreen); the PDF uses the same.
SLIDE_W, SLIDE_H = 13.333, 7.5
# Vega-Lite sizes (px) of the exported charts. A chart is drawn about 80 px to the inch
# of its slide box, so 16-18 px type reads as 14-16 pt on the slide; PNGs are rendered at
# a higher scale for sharpness (``zones.brief.images.PNG_SCALE``).
CHART_W, CHART_H = 760, 230
MAP_W, MAP_H = 500, 330
WORLD_W, WORLD_H = 660, 330
INSET = 170
KPIS_PER_SLIDE = 6
# The deck's tables (a sheet and a CSV each), plus the "sources" sheet.
TABLES: tuple[str, ...] = ("figures", "zones", "first_exports", "destinations", "timeseries",
                           "ranking", "growth", "breakdown", "sources")


@dataclass(frozen=True)
class BriefOptions:
    """The volume charts' view options, as chosen on the volumes page."""

    by: str = "product"
    measure: str = "tonnes"
    yearly: bool = True

    @classmethod
    def of_view(cls, view: View) -> BriefOptions:
        """The options a view of the volumes page holds (another page's: the defaults)."""
        return cls(by=str(view.option(KEY_BY)), measure=str(view.option(KEY_MEASURE)),
                   yearly=view.option(KEY_INTERVAL) == "yearly")


@dataclass(frozen=True)
class Kpi:
    label: str
    value: str
    note: str  # where it comes from: fact id, period, "derived"


@dataclass(frozen=True)
class Figure:
    """A chart or map: its Vega-Lite spec (data inline) and a file-name stem."""

    name: str
    title: str
    spec: dict


@dataclass(frozen=True)
class Slide:
    kind: str  # title | figures | map | chart | text | sources
    title: str
    subtitle: str = ""
    lines: tuple[str, ...] = ()
    kpis: tuple[Kpi, ...] = ()
    figure: Figure | None = None
    side_figure: Figure | None = None  # the China inset next to the Jilin map
    footer: str = ""
    illustrative: bool = False
    badge: str = ""  # the visible "illustrative" tag, in the deck's language
    notes: str = ""  # the presenter's speaker notes (a run-sheet step's, #16); not on the slide
    native: NativeChart | None = None  # the chart as PowerPoint draws it (#22); PDF: figure

    def texts(self) -> list[str]:
        """Every text on the slide, in reading order (what tests and determinism compare)."""
        out = [self.title, self.subtitle, *self.lines]
        for k in self.kpis:
            out += [k.label, k.value, k.note]
        out += [self.badge, self.footer]
        return [s for s in out if s]


@dataclass(frozen=True)
class Deck:
    lang: str
    date: dt.date
    title: str
    filter_text: str
    slides: tuple[Slide, ...]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    table_sources: dict[str, str] = field(default_factory=dict)
    facts: pd.DataFrame = field(default_factory=pd.DataFrame)
    file_stem: str = ""

    @property
    def figures(self) -> list[Figure]:
        out: list[Figure] = []
        for s in self.slides:
            out += [f for f in (s.figure, s.side_figure) if f is not None]
        return out

    @property
    def illustrative(self) -> bool:
        return any(s.illustrative for s in self.slides)


def _footer(ds: Dataset, lang: str, facts: list[str], illustrative: bool, extra: str = ""
            ) -> str:
    """The slide's source line: the report's sections in words (never "C4"), the marking."""
    parts: list[str] = []
    if cited := cited_sections(ds, facts, lang):
        parts.append(t("brief.footer.sections", lang, sections=cited))
    if illustrative:
        parts.append(t("brief.footer.illustrative", lang))
    if extra:
        parts.append(extra)
    return " · ".join(parts)


def cited_sections(ds: Dataset, facts: list[str], lang: str) -> str:
    """The report's sections the facts ``facts`` come from, in the report's order, as words:
    '长吉图开发开放先导区、质量提升服务进万企' (a reader has the report, not its codes)."""
    ids = sorted(dict.fromkeys(f for f in facts if f), key=_fact_order)
    col = "section_zh" if lang == "zh" else "section_en"
    sections = dict(zip(ds.facts["fact_id"].astype(str), ds.facts[col].astype(str),
                        strict=True))
    names = list(dict.fromkeys(sections[i] for i in ids if i in sections))
    return ("、" if lang == "zh" else "; ").join(names)


_FACT_LETTERS = "CZFEB"  # the report's order: platform 1 (C), 2 (Z, F), 3 (E), 4 (B)


def _fact_order(fact_id: str) -> tuple[int, int]:
    letter = _FACT_LETTERS.find(fact_id[:1])
    return (letter if letter >= 0 else 99, int(fact_id[1:]) if fact_id[1:].isdigit() else 0)


def _spec(chart: alt.TopLevelMixin, geo: GeoData, width: int | None = None,
          height: int | None = None) -> dict:
    """The chart's Vega-Lite dict at export size, with the boundary features put back."""
    props = ({"width": width} if width else {}) | ({"height": height} if height else {})
    spec = (chart.properties(**props) if props else chart).to_dict()
    return _restore_geo(spec, geo)


_GEO_LAYERS = ("province", "prefectures", "counties", "china", "china_maritime", "world")
_PLACEHOLDER = "__brief_geo_layer__"


def _light_geo(geo: GeoData) -> GeoData:
    """``geo`` with each layer's features replaced by a one-item marker.

    Altair deep-copies and validates every inline value several times; with ~800 kB of
    boundaries that cost ~3 s per deck. The charts are built on markers and the features
    are put back into the finished dict (``_restore_geo``), which takes milliseconds.
    """
    return replace(geo, **{name: {"type": "FeatureCollection",
                                  "features": [{_PLACEHOLDER: name}]}
                           for name in _GEO_LAYERS})


def _restore_geo(node: object, geo: GeoData) -> dict:
    if isinstance(node, dict):
        values = node.get("values")
        if (isinstance(values, list) and len(values) == 1 and isinstance(values[0], dict)
                and _PLACEHOLDER in values[0]):
            return {**node, "values": getattr(geo, values[0][_PLACEHOLDER])["features"]}
        return {k: _restore_geo(v, geo) for k, v in node.items()}  # type: ignore[misc]
    if isinstance(node, list):
        return [_restore_geo(v, geo) for v in node]  # type: ignore[return-value]
    return node  # type: ignore[return-value]


# ---------------------------------------------------------------- file names

FILE_WHAT_MAX = 60
_UNSAFE = re.compile(r"[^\w\-.]+")  # \w keeps CJK letters; drops / \ : * ? " < > | and spaces


def safe_name(text: str, limit: int = 60) -> str:
    """A file-name part that is valid on Windows, macOS and Linux and never hidden."""
    out = _UNSAFE.sub("-", text).strip("-.")
    out = re.sub(r"-{2,}", "-", out)
    return out[:limit].rstrip("-.")


def file_stem(ds: Dataset, f: FilterState, lang: str, date: dt.date) -> str:
    """``吉林示范区简报_人参-日本_2026-11-24``: what (the filter) and when."""
    nc = name_col(lang)
    parts: list[str] = []
    lookups = (
        (ds.products, "product_id", nc, f.products),
        (ds.destinations, "iso3", nc, f.destinations),
        (ds.counties.drop_duplicates("prefecture_adcode"), "prefecture_adcode",
         "prefecture_zh" if lang == "zh" else "prefecture_en", f.prefectures),
        (ds.zones, "zone_id", "short_zh" if lang == "zh" else "short_en", f.zones),
    )
    for frame, key, col, ids in lookups:
        names = dict(zip(frame[key].astype(str), frame[col].astype(str), strict=True))
        parts += [names.get(i, i) for i in ids]
    if f.period:
        parts.append(t("brief.file_period", lang, start=f.period[0], end=f.period[1]))
    if f.report_only:
        parts.append(t("filter.facts_only_tag", lang))
    what = safe_name("-".join(parts), limit=200) if parts else t("brief.file_all", lang)
    if len(what) > FILE_WHAT_MAX:  # many values: cut at a boundary and say there is more
        what = what[:FILE_WHAT_MAX].rsplit("-", 1)[0] + "-" + t("brief.file_more", lang)
    return "_".join([t("brief.file_prefix", lang), what, date.isoformat()])


# ---------------------------------------------------------------- slides


def _title_slide(view: Slices, lang: str, date: dt.date, text: str, illustrative: bool,
                 title: str) -> Slide:
    lines = [t("filter.summary", lang, summary=text)]
    lines.append(t("banner.illustrative" if illustrative else "banner.facts_only", lang)
                 if illustrative or view.state.report_only else "")
    return Slide(kind="title", title=title,
                 subtitle=t("brief.subtitle", lang, date=date.isoformat()),
                 lines=tuple(x for x in lines if x),
                 footer=t("app.source_line", lang), illustrative=illustrative)


def _points_slide(ds: Dataset, state: FilterState, lang: str) -> Slide:
    """要点 (#22): the key points of the view, from the engine the pages and the written
    brief use (zones.keypoints), so the slide and the charts cannot disagree."""
    points = keypoints.key_points(ds, View.of("overview", state, lang))
    cited = [s for p in points for s in p.sources if s not in ("illustrative", "imported")]
    illustrative = any(p.illustrative for p in points)
    return Slide(kind="points", title=t("kp.title", lang),
                 lines=tuple(f"{i}. {p.text}" for i, p in enumerate(points, start=1)),
                 footer=_footer(ds, lang, cited, illustrative), illustrative=illustrative,
                 notes=keypoints.as_text(points, lang).strip())


def _kpi(ds: Dataset, fig: dict, label: str, value: str, lang: str) -> Kpi:
    """A report figure's tile: its period, and for a derived figure its arithmetic."""
    note = str(fig["period_note_zh" if lang == "zh" else "period_note_en"])
    if pd.notna(fig.get("derived_from")) and fig.get("derived_from"):
        # The tile keeps the arithmetic (no fact codes); the formula is in the data export.
        formula = str(fig["derived_from"]).rsplit("= ", 1)[-1]
        note = t("overview.derived", lang, formula=formula)
    return Kpi(label, value, note)


def _report_kpis(ds: Dataset, figures: pd.DataFrame, lang: str) -> list[Kpi]:
    return [_kpi(ds, fig, label, value, lang) for (label, value, _), fig in zip(
        metrics.figure_kpis(ds, figures, lang), figures.to_dict("records"), strict=True)]


def _headline_slide(ds: Dataset, view: Slices, lang: str) -> Slide | None:
    """The filter's own figures first (#22): value and tonnes of its latest full year with
    growth, zones, destinations; unfiltered, the report's headline figures."""
    if view.state.is_empty:
        heads = view.figures[view.figures["headline"] == "true"]
        return Slide(kind="figures", title=t("brief.headline.province", lang),
                     kpis=tuple(_report_kpis(ds, heads, lang)[:KPIS_PER_SLIDE]),
                     footer=_footer(ds, lang, heads["fact_id"].tolist(), False,
                                    t("banner.year", lang)))
    tiles = headline.headline_tiles(ds, view, lang)
    if not tiles:
        return None
    return Slide(kind="figures", title=t("brief.headline", lang),
                 kpis=tuple(Kpi(label, value, " · ".join(x for x in (g, note) if x))
                            for label, value, note, g in tiles),
                 footer=_footer(ds, lang, [], True), illustrative=True)


def concerning(ds: Dataset, view: Slices) -> pd.DataFrame:
    """The report's figures about the filter itself: their label names a chosen product,
    destination or zone. A province-wide figure whose fact merely mentions ginseng among
    others (the 16 zones, the five first exports) is not the filter's: it goes to the
    appendix, so that nobody reads it as the filter's own (#22)."""
    f = view.state
    if f.is_empty:
        return view.figures.iloc[0:0]
    words: set[str] = set()
    for frame, key, ids in ((ds.products, "product_id", f.products),
                            (ds.destinations, "iso3", f.destinations),
                            (ds.zones, "zone_id", f.zones)):
        rows = frame[frame[key].isin(list(ids))]
        words |= {str(v) for c in ("name_zh", "name_en") for v in rows[c] if str(v)}
    labels = (view.figures["label_zh"].astype(str) + " "
              + view.figures["label_en"].astype(str))
    return view.figures[labels.map(lambda x: any(w in x for w in words))]


def _report_slides(ds: Dataset, view: Slices, lang: str) -> list[Slide]:
    """The report's figures that concern the filter as tiles; all the others on ONE appendix
    slide, in words, under a heading that says they are the province's (#22)."""
    shown = (view.figures[view.figures["headline"] == "true"] if view.state.is_empty
             else concerning(ds, view))
    slides: list[Slide] = []
    if not view.state.is_empty and not shown.empty:
        slides.append(Slide(
            kind="figures", title=t("brief.concerning", lang),
            kpis=tuple(_report_kpis(ds, shown, lang)[:KPIS_PER_SLIDE]),
            footer=_footer(ds, lang, shown["fact_id"].tolist(), False,
                           t("banner.year", lang))))
    rest = view.figures[~view.figures["figure_id"].isin(shown["figure_id"])]
    if rest.empty:
        return slides
    lines = [t("brief.appendix.line", lang, label=k.label, value=k.value)
             for k in _report_kpis(ds, rest, lang)]
    slides.append(Slide(
        kind="appendix", title=t("brief.appendix", lang),
        lines=(t("province.note", lang), *lines),
        footer=_footer(ds, lang, rest["fact_id"].tolist(), False, t("banner.year", lang))))
    return slides


def _zone_map_slide(ds: Dataset, view: Slices, lang: str) -> tuple[Slide, pd.DataFrame]:
    shown = not view.state.report_only
    zt = metrics.zone_totals(ds, view.zones, view.volumes, lang, volumes_shown=shown)
    light = _light_geo(ds.geo)
    frame = maps.jilin_frame(ds.geo, zt, view.state.prefectures, view.state.zones, MAP_H)
    # Labels are placed on the real boundaries; the chart is built on markers (see above).
    jilin = maps.jilin_map(light, zt, sorted(view.zones["county_adcode"]), lang,
                           height=MAP_H, width_hint=MAP_W, frame=frame,
                           labels=maps.jilin_label_tables(ds.geo, zt, lang, MAP_H, MAP_W,
                                                          frame, fixed=True))
    inset = maps.china_inset(light, lang, size=INSET)
    n_report = int((zt["source"] == "report").sum())
    illus = bool(len(zt) - n_report) or bool(shown and zt["tonnes"].fillna(0).sum() > 0)
    lines = [t("brief.zones_count", lang, n=len(zt), report=n_report,
               illustrative=len(zt) - n_report)]
    if zt.empty:
        lines.append(t(metrics.why_no_zone(view), lang))
    facts = [*zt["fact_id"].tolist(), "Z1"]
    slide = Slide(
        kind="map", title=t("zones.map", lang), subtitle=t("filter.summary", lang,
                                                          summary=summary(ds, view.state, lang)),
        lines=tuple(lines),
        figure=Figure("jilin-map", t("zones.map", lang), _spec(jilin, ds.geo, MAP_W, MAP_H)),
        side_figure=Figure("china-inset", t("zones.inset", lang), _spec(inset, ds.geo)),
        footer=_footer(ds, lang, facts, illus), illustrative=illus,
    )
    return slide, zt


def _first_map_slide(ds: Dataset, view: Slices, lang: str
                     ) -> tuple[Slide, pd.DataFrame, pd.DataFrame]:
    arcs, dests, firsts = metrics.routes(ds, view.zones, view.volumes, view.first_exports,
                                         lang)
    frame = maps.world_frame(ds.geo, dests, view.state.destinations, WORLD_H + fr.LEGEND_H,
                             WORLD_W)  # fixed size: the legend is outside the plot
    world = maps.world_map(_light_geo(ds.geo), arcs, dests, firsts, lang, height=WORLD_H,
                           labels=maps.world_label_tables(ds.geo, dests, firsts, lang, WORLD_H,
                                                          frame, width=WORLD_W),
                           chosen=maps.chosen_table(view.state.destinations), frame=frame)
    cards = metrics.first_export_cards(ds, view.first_exports, lang)
    lines = [t("brief.first_line", lang, product=c.product, destination=c.destination,
               when=t("first.card", lang, year=c.year)) for c in cards.itertuples()]
    if cards.empty:
        lines.append(t("brief.no_first", lang))
    else:
        lines.append(t("first.zone_unknown", lang))
    illus = not arcs.empty
    slide = Slide(
        kind="map", title=t("brief.first_map", lang),
        subtitle=t("filter.summary", lang, summary=summary(ds, view.state, lang)),
        lines=tuple(lines),
        figure=Figure("first-export-map", t("brief.first_map", lang),
                      _spec(world, ds.geo, WORLD_W, WORLD_H)),
        footer=_footer(ds, lang, ["F0", *cards["fact_id"].tolist()] if not cards.empty
                       else [], illus),
        illustrative=illus,
    )
    return slide, cards, dests


def _dims(labeled: metrics.Labeled, preferred: str) -> tuple[str, str | None]:
    """What the deck ranks and composes by: never a chart of one bar (native.dims_for)."""
    counts = {d: len(metrics.ranking(labeled, d, "tonnes")) for d in metrics.DIMS}
    return native.dims_for(counts, preferred)


def _volume_slides(ds: Dataset, view: Slices, lang: str, opt: BriefOptions
                   ) -> tuple[list[Slide], dict[str, pd.DataFrame]]:
    labeled = metrics.label_volumes(ds, view.volumes, lang)
    if labeled.empty:
        key = "empty.facts_only_volumes" if view.state.report_only else "empty.hint"
        return [Slide(kind="text", title=t("page.volumes", lang),
                      subtitle=t("empty.title", lang), lines=(t(key, lang),),
                      footer=_footer(ds, lang, [], False, t("app.source_line", lang)))], {}
    measure = opt.measure
    by, compose = _dims(labeled, opt.by)
    stack = opt.by if len(metrics.ranking(labeled, opt.by, "tonnes")) >= 2 else by
    scale = charts.color_scale(stack, labeled, metrics.product_palette(ds))
    series = metrics.timeseries(labeled, stack, measure, opt.yearly, lang)
    ranked = metrics.ranking(labeled, by, measure)
    growth = metrics.yoy(labeled, measure, lang)
    sub = " · ".join([t(f"col.{measure}", lang),
                      t("vol.yearly" if opt.yearly else "vol.monthly", lang)])
    footer = _footer(ds, lang, [], True)
    if measure == "consignments" and (missing := consignments.note(view.volumes, lang)):
        sub = f"{sub} · {missing}"  # rows without a count are "not given", not 0 (#17)
    specs = [
        ("timeseries", t("brief.titled_by", lang, title=chart_title(
            "vol.timeseries", measure, lang), by=t(f"vol.by.{stack}", lang)),
         charts.timeseries_chart(series, stack, measure, opt.yearly, lang, scale,
                                 present=True), CHART_H, t("vol.prelaunch", lang), series,
         native.over_time(series, stack, measure, opt.yearly, lang)),
        ("ranking", t("brief.titled_by", lang, title=chart_title(
            "vol.ranking", measure, lang), by=t(f"vol.by.{by}", lang)),
         charts.ranking_chart(ranked, by, measure, lang, charts.color_scale(
             by, labeled, metrics.product_palette(ds)), present=True),
         None, "", ranked, native.ranked(ranked, by, measure, lang)),
        ("growth", chart_title("vol.yoy", measure, lang),
         charts.yoy_chart(growth, measure, lang, present=True), CHART_H,
         metrics.growth_caption(growth, lang), growth,
         native.yearly_totals(growth, measure, lang)),
    ]
    if compose is not None:  # a breakdown with two or more parts, else no slide
        parts = metrics.ranking(labeled, compose, measure)
        specs.append(("breakdown", t("brief.composition", lang, measure=t(
            f"brief.measure.{measure}", lang), by=t(f"vol.by.{compose}", lang)),
            charts.ranking_chart(parts, compose, measure, lang, charts.color_scale(
                compose, labeled, metrics.product_palette(ds)), present=True),
            None, "", parts, native.ranked(parts, compose, measure, lang)))
    slides, tables = [], {}
    for name, title, chart, height, note, data, drawn in specs:
        width = CHART_W if name == "timeseries" else CHART_W + 100
        spec = _spec(chart, ds.geo, width, height)
        spec.pop("title", None)  # the slide's title and badge say it once (#22)
        slides.append(Slide(
            kind="chart", title=title, subtitle=sub,
            lines=tuple(note.split("  \n")) if note else (),
            figure=Figure(f"{name}-{by}-{measure}" if name in ("timeseries", "ranking")
                          else f"{name}-{measure}", title, spec),
            footer=footer, illustrative=True, native=drawn))
        tables[name] = table_builders.export_table(data, lang)
    return slides, tables


def sources_slide(ds: Dataset, lang: str, date: dt.date, text: str, facts: list[str],
                  illustrative: bool, report_only: bool) -> Slide:
    """The sources in words, self-contained (#22): the deck is handed over alone, so it
    points to no file it does not carry (no data/SOURCES.md, no "accompanying Excel")."""
    lines = [
        t("app.source_line", lang),
        t("banner.year", lang),
        t("banner.illustrative", lang) if illustrative else
        t("banner.facts_only", lang) if report_only else "",
        t("brief.sections_cited", lang, sections=cited_sections(ds, facts, lang)),
        t("brief.sources.maps", lang),
        t("brief.sources.charts", lang),
        t("brief.generated", lang, date=date.isoformat(), summary=text),
    ]
    return Slide(kind="sources", title=t("data.sources", lang),
                 lines=tuple(x for x in lines if x),
                 footer=_footer(ds, lang, [], illustrative), illustrative=illustrative)


def _figures_table(ds: Dataset, figures: pd.DataFrame, lang: str) -> pd.DataFrame:
    kpis = metrics.figure_kpis(ds, figures, lang)
    return pd.DataFrame({
        t("brief.col.platform", lang): [t(f"overview.platform.{p}", lang)
                                        for p in figures["platform"]],
        t("col.fact_id", lang): figures["fact_id"].tolist(),
        t("brief.col.label", lang): [k[0] for k in kpis],
        t("brief.col.shown", lang): [k[1] for k in kpis],
        t("col.value", lang): figures["value"].tolist(),
        t("brief.col.unit", lang): figures["unit"].tolist(),
        t("brief.col.qualifier", lang): figures["qualifier"].tolist(),
        t("brief.col.period", lang): figures[
            "period_note_zh" if lang == "zh" else "period_note_en"].tolist(),
        t("brief.col.derived", lang): figures["derived_from"].fillna("").tolist(),
        t("col.source", lang): t("source.report", lang),
    })


def _facts_table(ds: Dataset, ids: list[str], lang: str) -> pd.DataFrame:
    sub = ds.facts[ds.facts["fact_id"].isin(ids)].copy()
    sub["_o"] = sub["fact_id"].map(_fact_order)
    sub = sub.sort_values("_o")
    sec, text = ("section_zh", "text_zh") if lang == "zh" else ("section_en", "text_en")
    return pd.DataFrame({
        t("col.fact_id", lang): sub["fact_id"].tolist(),
        t("brief.col.section", lang): sub[sec].tolist(),
        t("brief.col.fact", lang): sub[text].tolist(),
    })


def build_deck(ds: Dataset, state: FilterState, lang: str, date: dt.date,
               options: BriefOptions | None = None, title: str | None = None) -> Deck:
    """The briefing of the view ``state`` selects, in ``lang``, dated ``date``.

    ``title``: the cover's title as the officer typed it (default: the app's title).
    """
    opt = options or BriefOptions()
    view = apply_filters(ds, state)
    text = summary(ds, state, lang)
    title = (title or "").strip() or t("app.title", lang)
    points = _points_slide(ds, state, lang)
    headline = _headline_slide(ds, view, lang)
    zone_slide, zt = _zone_map_slide(ds, view, lang)
    first_slide, cards, dests = _first_map_slide(ds, view, lang)
    vol_slides, vol_tables = _volume_slides(ds, view, lang, opt)
    report = _report_slides(ds, view, lang)
    appendix = [s for s in report if s.kind == "appendix"]
    # The key points of the volume charts are their speaker notes (#22).
    notes = keypoints.as_text(keypoints.key_points(ds, View.of(
        "volumes", state, lang, options={"measure": opt.measure, "by": opt.by,
                                         "interval": "yearly" if opt.yearly else "monthly"})),
        lang).strip()
    vol_slides = [replace(s, notes=notes) if s.kind == "chart" else s for s in vol_slides]
    body = [points, *([headline] if headline else []),
            *(s for s in report if s.kind != "appendix"),
            zone_slide, first_slide, *vol_slides, *appendix]
    illustrative = any(s.illustrative for s in body)
    facts = [*view.figures["fact_id"].tolist(), *zt["fact_id"].tolist(), "Z1"]
    if not cards.empty:
        facts += ["F0", *cards["fact_id"].tolist()]
    facts = [f for f in facts if f]
    slides = [_title_slide(view, lang, date, text, illustrative, title), *body,
              sources_slide(ds, lang, date, text, facts, illustrative, state.report_only)]
    slides = with_filter_line(slides, text, lang)

    zone_drop = ("lon", "lat", "category") + (("tonnes",) if state.report_only else ())
    tables: dict[str, pd.DataFrame] = {
        "figures": _figures_table(ds, view.figures, lang),
        "zones": table_builders.export_table(zt, lang, drop=zone_drop,
                                       illustrative_measures=metrics.any_illustrative(
                                           view.volumes)),
        "first_exports": _first_table(cards, lang),
        "destinations": table_builders.export_table(dests, lang),
        **vol_tables,
    }
    sources = {
        "figures": _footer(ds, lang, view.figures["fact_id"].tolist(), False),
        "zones": _footer(ds, lang, [*zt["fact_id"].tolist(), "Z1"], zone_slide.illustrative),
        "first_exports": first_slide.footer if not cards.empty else t("brief.no_first", lang),
        "destinations": _footer(ds, lang, [], not dests.empty),
        **{k: _footer(ds, lang, [], True) for k in vol_tables},
    }
    return Deck(lang=lang, date=date, title=title, filter_text=text,
                slides=tuple(slides), tables=tables, table_sources=sources,
                facts=_facts_table(ds, facts, lang),
                file_stem=file_stem(ds, state, lang, date))


def with_filter_line(slides: list[Slide], text: str, lang: str) -> list[Slide]:
    """Every slide says what it covers (#22): the filter line leads each subtitle (the
    cover has it already), and marked slides get their badge."""
    line = t("filter.summary", lang, summary=text)
    badge = t("source.illustrative", lang)
    out = []
    for s in slides:
        if s.kind != "title" and line not in s.subtitle:
            s = replace(s, subtitle=" · ".join(x for x in (line, s.subtitle) if x))
        out.append(replace(s, badge=badge) if s.illustrative else s)
    return out


def _first_table(cards: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("col.product", lang): cards["product"].tolist(),
        t("col.destination", lang): cards["destination"].tolist(),
        t("col.year", lang): [t("first.card", lang, year=y) for y in cards["year"]],
        t("col.fact_id", lang): cards["fact_id"].tolist(),
        t("col.source", lang): t("source.report", lang),
    })


def table_title(name: str, lang: str) -> str:
    """The sheet / CSV name of a deck table, in ``lang`` (short: Excel allows 31 chars)."""
    return t(f"brief.sheet.{name}", lang)
