"""A run-sheet as a briefing deck (#16): the same steps the presenter clicks through.

The title slide carries the run-sheet's title; each step contributes the slides of its
page (the overview's figures, maps and trend; the zone map; the first-export map; the
volume charts; the data page's sources), built by ``zones.brief.deck.build_deck`` for that
step's own filter, with the step's title on every one of its slides and its notes as
the PPTX speaker notes. Pure like ``zones.brief.deck``: no Streamlit, the date is passed in.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import replace

from zones.brief.deck import (
    BriefOptions,
    Deck,
    Slide,
    build_deck,
    safe_name,
    sources_slide,
)
from zones.brief.export import MIME, Export, Progress, filename, render
from zones.dataset.filters import FilterState
from zones.i18n import t
from zones.model import Dataset
from zones.runsheets.sheet import Checked, CheckedStep
from zones.view import DEFAULT_PAGE, from_params

_FIRST_MAP, _ZONE_MAP = "first-export-map", "jilin-map"
# Which of a full deck's slides show what each page shows.
_PAGE_SLIDES: dict[str, Callable[[Slide], bool]] = {
    "overview": lambda s: s.kind in ("points", "figures") or _name(s) in (_ZONE_MAP,
                                                                          _FIRST_MAP)
    or _name(s).startswith("timeseries-") or (s.kind == "text"),
    # the province-wide appendix goes with the data page's sources, once per step there
    "zones": lambda s: _name(s) == _ZONE_MAP,
    "destinations": lambda s: _name(s) == _FIRST_MAP,
    "volumes": lambda s: s.kind in ("chart", "text"),
    "data": lambda s: s.kind in ("sources", "appendix"),
}


def _name(slide: Slide) -> str:
    return slide.figure.name if slide.figure is not None else ""


def step_state(ds: Dataset, step: CheckedStep) -> tuple[FilterState, BriefOptions]:
    """A step's view as the deck builder's filter and volume-chart options."""
    view = from_params(step.page or DEFAULT_PAGE, step.params)
    return view.filter, BriefOptions.of_view(view)


def _step_slides(ds: Dataset, step: CheckedStep, lang: str, date: dt.date
                 ) -> tuple[list[Slide], Deck]:
    state, options = step_state(ds, step)
    deck = build_deck(ds, state, lang, date, options)
    keep = _PAGE_SLIDES[step.page or "overview"]
    prefix = f"s{step.number:02d}-"
    slides: list[Slide] = []
    for slide in deck.slides:
        if not keep(slide):
            continue
        what = " · ".join(x for x in (slide.title, slide.subtitle) if x)
        slides.append(replace(
            # the step's notes once, on its first slide (#22): not repeated on each
            slide, title=step.step.title_in(lang), subtitle=what,
            notes="\n\n".join(x for x in (step.step.notes_in(lang) if not slides else "",
                                            slide.notes if slide.kind != "points" else "")
                               if x),
            # one deck, many steps: figure names must stay unique (they name the images)
            figure=replace(slide.figure, name=prefix + slide.figure.name)
            if slide.figure is not None else None,
            side_figure=replace(slide.side_figure, name=prefix + slide.side_figure.name)
            if slide.side_figure is not None else None))
    return slides, deck


def build_runsheet_deck(ds: Dataset, checked: Checked, lang: str, date: dt.date,
                        title: str | None = None) -> Deck:
    """The deck of a checked run-sheet (``checked.ok`` is the caller's to require);
    ``title`` replaces the run-sheet's own on the cover."""
    assert checked.sheet is not None
    sheet = checked.sheet
    cover = (title or "").strip() or sheet.title
    body: list[Slide] = []
    facts: list[str] = []
    report_only = True
    for step in checked.steps:
        slides, deck = _step_slides(ds, step, lang, date)
        body += slides
        facts += _cited(deck)
        report_only = report_only and step_state(ds, step)[0].report_only
    illustrative = any(s.illustrative for s in body)
    steps_line = " · ".join(f"{t('rs.brief.step', lang, n=s.number)} {s.step.title_in(lang)}"
                            for s in checked.steps)
    title_slide = Slide(kind="title", title=cover,
                  subtitle=t("brief.subtitle", lang, date=date.isoformat()),
                  lines=tuple(x for x in (
                      steps_line,
                      t("banner.illustrative", lang) if illustrative else
                      t("banner.facts_only", lang) if report_only else "") if x),
                  footer=t("app.source_line", lang), illustrative=illustrative)
    sources = sources_slide(ds, lang, date, cover, list(dict.fromkeys(facts)),
                            illustrative, report_only)
    badge = t("source.illustrative", lang)
    slides = [replace(s, badge=badge) if s.illustrative else s
              for s in (title_slide, *body, sources)]
    stem = runsheet_stem(sheet.id, lang, date)
    return Deck(lang=lang, date=date, title=cover, filter_text=sheet.title,
                slides=tuple(slides), file_stem=stem)


def runsheet_stem(sheet_id: str, lang: str, date: dt.date) -> str:
    """The run-sheet deck's file name without extension, known before it is built."""
    return "_".join([t("brief.file_prefix", lang), safe_name(sheet_id, 64), date.isoformat()])


def _cited(deck: Deck) -> list[str]:
    """The fact ids a step's own deck cites (its sources slide says them)."""
    return [str(f) for f in deck.facts.iloc[:, 0].tolist()] if not deck.facts.empty else []


def export_runsheet(ds: Dataset, checked: Checked, lang: str, date: dt.date, fmt: str,
                    progress: Progress | None = None, title: str | None = None) -> Export:
    """Build and render the run-sheet's deck as ``fmt`` (pptx or pdf; images, data too)."""
    t0 = time.perf_counter()
    deck = build_runsheet_deck(ds, checked, lang, date, title)
    data = render(deck, fmt, progress) if progress is not None else render(deck, fmt)
    return Export(filename(deck, fmt), data, MIME[fmt], len(deck.slides),
                  time.perf_counter() - t0)
