"""The written brief (汇报材料) as data: sections, paragraphs, tables and charts (#21).

Officials file and hand round a written brief, not slides. ``build_written`` turns a
filter (or a run-sheet, ``build_written_runsheet``) into a ``WrittenBrief`` that the Word
renderer (``zones.brief.docx``) and its A4 PDF twin (``zones.brief.a4pdf``) both lay out,
as the deck is built once for PPTX and PDF. Its words are the key points
(``zones.keypoints``); its tables come from the metrics functions the pages draw; its
charts are the deck's own specs. Pure: no Streamlit, the date is passed in.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd

from zones import keypoints, metrics
from zones import tables as table_builders
from zones.brief.deck import BriefOptions, Figure, file_stem, safe_name
from zones.charts import plots as charts
from zones.dataset.filters import FilterState, Slices, apply_filters, summary
from zones.i18n import t
from zones.model import Dataset
from zones.runsheets.sheet import Checked
from zones.units import chart_title
from zones.view import View, from_params

ZH_NUMERALS = "一二三四五六七八九十"
# Vega-Lite px of the charts: 640 px across the 150 mm picture (≈ 4.3 px a mm), so the
# charts' projector type (16–18 px) prints at ≈ 10–11 pt.
CHART_W, CHART_H = 640, 240


@dataclass(frozen=True)
class Table:
    """A table as shown: every cell a string, figures exact; its source under it."""

    title: str
    frame: pd.DataFrame
    note: str = ""


@dataclass(frozen=True)
class Section:
    """A heading (level 1: 一、 in 黑体; level 2: （一） in 楷体) and what follows it, in
    order: paragraphs, charts, tables."""

    heading: str
    level: int = 1
    paragraphs: tuple[str, ...] = ()
    pictures: tuple[Figure, ...] = ()
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class WrittenBrief:
    lang: str
    date: dt.date
    title: str
    date_line: str
    filter_text: str
    sections: tuple[Section, ...]
    illustrative: bool
    file_stem: str
    key_points: tuple[keypoints.KeyPoint, ...] = field(default=())

    @property
    def pictures(self) -> list[Figure]:
        return [p for s in self.sections for p in s.pictures]

    def texts(self) -> list[str]:
        """Every text in reading order (tests and determinism compare these)."""
        out = [self.title, self.date_line]
        for s in self.sections:
            out += [s.heading, *s.paragraphs, *(p.title for p in s.pictures)]
            for tb in s.tables:
                out += [tb.title, *map(str, tb.frame.columns), tb.note]
        return [x for x in out if x]


def heading(n: int, level: int, text: str, lang: str) -> str:
    """'一、总体情况' / '（二）排名'; 'I. Overview' / '(b) Ranking'."""
    if lang == "zh":
        num = ZH_NUMERALS[n - 1] if n <= 10 else str(n)
        return f"{num}、{text}" if level == 1 else f"（{num}）{text}"
    return f"{n}. {text}" if level == 1 else f"({'abcdefghij'[n - 1]}) {text}"


def date_line(date: dt.date, lang: str) -> str:
    """The official date: '2026年12月7日' (Arabic numerals, GB/T 9704-2012) / '7 December 2026'."""
    if lang == "zh":
        return f"{date.year}年{date.month}月{date.day}日"
    return f"{date.day} {date.strftime('%B')} {date.year}"


def cell(value: object) -> str:
    """A table cell as text: whole numbers in full, others to the 0.1 the metrics keep."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        v = float(value)
        return f"{v:,.0f}" if v == int(v) else f"{v:,.1f}"
    return str(value)


def as_strings(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({str(c): [cell(v) for v in frame[c]] for c in frame.columns})


def numbered(points: tuple[keypoints.KeyPoint, ...], lang: str) -> tuple[str, ...]:
    sep = "．" if lang == "zh" else ". "
    return tuple(f"{i}{sep}{p.text}" for i, p in enumerate(points, start=1))


# ---------------------------------------------------------------- sections


def _report_section(ds: Dataset, view: View, points: tuple[keypoints.KeyPoint, ...]
                    ) -> Section:
    lang = view.lang
    figs = keypoints.concerning_figures(ds, view)
    said = [p.text for p in points if p.kind == "report"]
    if figs.empty:
        return Section(t("wb.report", lang), paragraphs=(t("wb.report.none", lang),))
    kpis = metrics.figure_kpis(ds, figs, lang)
    frame = pd.DataFrame({
        t("brief.col.label", lang): [k[0] for k in kpis],
        t("brief.col.shown", lang): [k[1] for k in kpis],
        t("col.fact_id", lang): figs["fact_id"].astype(str).tolist(),
        t("brief.col.period", lang): figs["period_note_zh" if lang == "zh"
                                          else "period_note_en"].astype(str).tolist()})
    note = t("brief.footer.report", lang, facts=", ".join(dict.fromkeys(figs["fact_id"])))
    return Section(t("wb.report", lang), paragraphs=tuple(said),
                   tables=(Table(t("wb.report.table", lang), frame, note),))


def _zone_section(ds: Dataset, slices: Slices, state: FilterState, lang: str) -> Section:
    zt = metrics.zone_totals(ds, slices.zones, slices.volumes, lang,
                             volumes_shown=not state.report_only)
    n_report = int((zt["source"] == "report").sum())
    lines = [t("brief.zones_count", lang, n=len(zt), report=n_report,
               illustrative=len(zt) - n_report), t("zones.assumption", lang)]
    illustrative = metrics.any_illustrative(slices.volumes)
    shown = table_builders.display_table(
        zt[["name", "prefecture", "products", "level", "tonnes", "source_label"]], lang,
        drop=("tonnes",) if state.report_only else (), illustrative_measures=illustrative)
    facts = [f for f in zt["fact_id"] if f]
    note = " · ".join(x for x in (
        t("brief.footer.report", lang, facts=", ".join(dict.fromkeys([*facts, "Z1"]))),
        t("brief.footer.illustrative", lang) if illustrative or len(zt) > n_report else "")
        if x)
    tables = (Table(t("wb.zones.table", lang), as_strings(shown), note),) if not zt.empty \
        else ()
    return Section(t("wb.zones", lang), paragraphs=tuple(lines), tables=tables)


def _first_section(ds: Dataset, slices: Slices, points: tuple[keypoints.KeyPoint, ...],
                   lang: str) -> Section:
    said = [p.text for p in points if p.kind == "first_exports"]
    cards = metrics.first_export_cards(ds, slices.first_exports, lang)
    if not said or cards.empty:
        return Section(t("overview.first_exports", lang),
                       paragraphs=(t("brief.no_first", lang),))
    frame = pd.DataFrame({
        t("col.product", lang): cards["product"].tolist(),
        t("col.destination", lang): cards["destination"].tolist(),
        t("col.year", lang): [t("first.card", lang, year=y) for y in cards["year"]],
        t("col.fact_id", lang): cards["fact_id"].tolist()})
    note = t("brief.footer.report", lang, facts=", ".join(["F0", *cards["fact_id"]]))
    return Section(t("overview.first_exports", lang),
                   paragraphs=(*said, t("first.zones_unknown", lang)),
                   tables=(Table(t("wb.first.table", lang), frame, note),))


def _chart(name: str, title: str, chart: object, width: int, height: int) -> Figure:
    sized = chart.properties(width=width, height=height)  # type: ignore[attr-defined]
    return Figure(name, title, sized.to_dict())


def _volume_sections(ds: Dataset, view: View, opt: BriefOptions) -> list[Section]:
    """The level-2 parts under the exports heading: trend, ranking, growth; each chart
    drawn by the same function, from the same metrics frame, as the deck and the page."""
    lang, measure, by = view.lang, opt.measure, opt.by
    rows = apply_filters(ds, view.filter).volumes
    labeled = metrics.label_volumes(ds, rows, lang)
    if labeled.empty:
        return []
    scale = charts.color_scale(by, labeled, metrics.product_palette(ds))
    series = metrics.timeseries(labeled, by, measure, opt.yearly, lang)  # type: ignore[arg-type]
    ranked = metrics.ranking(labeled, by, measure)  # type: ignore[arg-type]
    growth = metrics.yoy(labeled, measure, lang)  # type: ignore[arg-type]
    source = t("brief.footer.illustrative", lang) if metrics.any_illustrative(rows) else ""
    titles = [chart_title(k, measure, lang) for k in ("vol.timeseries", "vol.ranking",
                                                        "vol.yoy")]
    parts = [
        (_chart(f"timeseries-{by}-{measure}", titles[0], charts.timeseries_chart(
            series, by, measure, opt.yearly, lang, scale, present=True), CHART_W, CHART_H),
         None, (t("vol.prelaunch", lang),) if source else ()),
        (_chart(f"ranking-{by}-{measure}", titles[1], charts.ranking_chart(
            ranked, by, measure, lang, scale, present=True), CHART_W - 120,
            max(CHART_H, 24 * len(ranked))),
         Table(titles[1], as_strings(table_builders.display_table(ranked, lang)), source), ()),
        (_chart(f"growth-{measure}", titles[2], charts.yoy_chart(
            growth, measure, lang, present=True), CHART_W, CHART_H),
         Table(titles[2], as_strings(table_builders.display_table(growth, lang)), source),
         tuple(metrics.growth_caption(growth, lang).split("  \n"))),
    ]
    return [Section(heading(i, 2, title, lang), level=2, paragraphs=paras, pictures=(fig,),
                    tables=(table,) if table is not None else ())
            for i, (title, (fig, table, paras)) in enumerate(zip(titles, parts, strict=True),
                                                             start=1)]


def _sources_section(ds: Dataset, facts: list[str], illustrative: bool, lang: str
                     ) -> Section:
    lines = [t("app.source_line", lang), t("banner.year", lang)]
    if illustrative:
        lines.append(t("banner.illustrative", lang))
    ids = list(dict.fromkeys(f for f in facts if f))
    sub = ds.facts[ds.facts["fact_id"].isin(ids)]
    sec, text = ("section_zh", "text_zh") if lang == "zh" else ("section_en", "text_en")
    frame = pd.DataFrame({t("col.fact_id", lang): sub["fact_id"].tolist(),
                          t("brief.col.section", lang): sub[sec].tolist(),
                          t("brief.col.fact", lang): sub[text].tolist()})
    lines.append(t("brief.facts_cited", lang, facts=", ".join(frame.iloc[:, 0])))
    return Section(t("data.sources", lang), paragraphs=tuple(lines),
                   tables=(Table(t("wb.facts.table", lang), frame),) if not frame.empty else ())


# ---------------------------------------------------------------- the brief


def brief_views(state: FilterState, lang: str, opt: BriefOptions) -> tuple[View, View]:
    """The overview's view (export value) and the volumes page's, with the chart options."""
    return (View.of("overview", state, lang),
            View.of("volumes", state, lang, options={
                "measure": opt.measure, "by": opt.by,
                "interval": "yearly" if opt.yearly else "monthly"}))


def build_written(ds: Dataset, state: FilterState, lang: str, date: dt.date,
                  options: BriefOptions | None = None) -> WrittenBrief:
    """The written brief of the view ``state`` selects, in ``lang``, dated ``date``."""
    opt = options or BriefOptions()
    slices = apply_filters(ds, state)
    overview, volumes = brief_views(state, lang, opt)
    points = keypoints.key_points(ds, overview)
    illustrative = slices.shows_illustrative
    text = summary(ds, state, lang)
    scope = [t("wb.scope", lang, summary=text), t("banner.year", lang)]
    if illustrative:
        scope.append(t("banner.illustrative", lang))
    elif state.report_only:
        scope.append(t("banner.facts_only", lang))
    vol_points = [p.text for p in keypoints.key_points(ds, volumes)
                  if p.kind in ("total", "leaders", "empty")]
    level1 = [
        Section(t("wb.scope.title", lang), paragraphs=tuple(scope)),
        Section(t("kp.title", lang), paragraphs=numbered(points, lang)),
        _report_section(ds, overview, points),
        _zone_section(ds, slices, state, lang),
        _first_section(ds, slices, points, lang),
        Section(t("wb.volumes", lang) + (t("source.illustrative_tag", lang)
                                         if metrics.any_illustrative(slices.volumes) else ""),
                paragraphs=tuple(vol_points)),
    ]
    facts = [f for p in points for f in p.sources if f not in ("illustrative", "imported")]
    facts += [str(f) for f in slices.zones["fact_id"].dropna()] + ["Z1"]
    subs = _volume_sections(ds, volumes, opt)
    sections: list[Section] = []
    for i, s in enumerate([*level1, _sources_section(ds, facts, illustrative, lang)], start=1):
        sections.append(Section(heading(i, 1, s.heading, lang), 1, s.paragraphs,
                                s.pictures, s.tables))
        if s is level1[-1]:
            sections += subs
    stem = file_stem(ds, state, lang, date).replace(t("brief.file_prefix", lang),
                                                    t("wb.file_prefix", lang), 1)
    return WrittenBrief(
        lang=lang, date=date, title=t("wb.title", lang), date_line=date_line(date, lang),
        filter_text=text, sections=tuple(sections), illustrative=illustrative,
        file_stem=stem, key_points=points)


def build_written_runsheet(ds: Dataset, checked: Checked, lang: str, date: dt.date
                           ) -> WrittenBrief:
    """A run-sheet as a written brief: each step a section under its title, its notes as
    text, then the key points of its view (``checked.ok`` is the caller's to require)."""
    sheet = checked.sheet
    assert sheet is not None
    sections: list[Section] = []
    illustrative = False
    for step in checked.steps:
        view = from_params(step.page or "overview", step.params).replace(lang=lang,
                                                                       present=False)
        points = keypoints.key_points(ds, view)
        illustrative = illustrative or any(p.illustrative for p in points)
        notes = tuple(x.strip() for x in step.step.notes.splitlines() if x.strip())
        sections.append(Section(heading(step.number, 1, step.step.title, lang), 1,
                                (*notes, *numbered(points, lang))))
    tail = [t("app.source_line", lang), t("banner.year", lang)]
    if illustrative:
        tail.append(t("banner.illustrative", lang))
    sections.append(Section(heading(len(sections) + 1, 1, t("data.sources", lang), lang), 1,
                            tuple(tail)))
    stem = "_".join([t("wb.file_prefix", lang), safe_name(sheet.id, 64), date.isoformat()])
    return WrittenBrief(lang=lang, date=date, title=sheet.title,
                        date_line=date_line(date, lang), filter_text=sheet.title,
                        sections=tuple(sections), illustrative=illustrative, file_stem=stem)
