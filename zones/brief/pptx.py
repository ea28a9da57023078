"""The briefing deck as PowerPoint (python-pptx): 16:9, type sized for the back of a room.

What goes where comes from ``zones.brief.layout.plan``, shared with the PDF, so both show
the same slide. East Asian text gets its own font name (``a:ea``), which PowerPoint and
WPS use for Chinese characters; the Latin name covers digits and English.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping

from PIL import Image
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from zones.brief.deck import SLIDE_H, SLIDE_W, Deck
from zones.brief.layout import COLORS, LINE, Box, Rect, Text, plan
from zones.brief.native import KINDS, NativeChart
from zones.i18n import t

LATIN_FONT = "Arial"
EA_FONT = "Microsoft YaHei"  # Windows/WPS; LibreOffice falls back to the system CJK font


def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#"))


def _style(run, size: float, lang: str, bold: bool = False, color: str = "text") -> None:
    font = run.font
    font.size = Pt(size)
    font.bold = bold
    font.name = LATIN_FONT
    font.color.rgb = _rgb(COLORS[color])
    rpr = run._r.get_or_add_rPr()
    rpr.set("lang", "zh-CN" if lang == "zh" else "en-GB")
    if lang == "zh":
        rpr.set("altLang", "en-US")
    latin = rpr.find(qn("a:latin"))
    ea = rpr.find(qn("a:ea"))
    if ea is None:
        ea = rpr.makeelement(qn("a:ea"), {})
        latin.addnext(ea)
    ea.set("typeface", EA_FONT)


def _text(slide, op: Text, lang: str) -> None:
    box = op.box
    shape = slide.shapes.add_textbox(Inches(box.x), Inches(box.y), Inches(box.w),
                                     Inches(box.h))
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = Inches(0.05)
    frame.margin_top = frame.margin_bottom = Inches(0.02)
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE if op.anchor == "middle" else MSO_ANCHOR.TOP
    for i, text in enumerate(op.paragraphs):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.alignment = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER,
                          "right": PP_ALIGN.RIGHT}[op.align]
        para.line_spacing = LINE
        if op.gap_pt:
            para.space_after = Pt(op.gap_pt)
        run = para.add_run()
        run.text = text
        _style(run, op.size, lang, op.bold, op.color)


def _picture(slide, png: bytes, box: Box) -> None:
    """The image as large as fits ``box``, centred, aspect kept."""
    w_px, h_px = Image.open(io.BytesIO(png)).size
    scale = min(box.w / w_px, box.h / h_px)
    w, h = w_px * scale, h_px * scale
    slide.shapes.add_picture(io.BytesIO(png), Inches(box.x + (box.w - w) / 2),
                             Inches(box.y + (box.h - h) / 2), Inches(w), Inches(h))


def _rect(slide, op: Rect) -> None:
    box = op.box
    shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE if op.rounded else
                                   MSO_SHAPE.RECTANGLE, Inches(box.x), Inches(box.y),
                                   Inches(box.w), Inches(box.h))
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(COLORS[op.fill])
    if op.line:
        shape.line.color.rgb = _rgb(COLORS[op.line])
        shape.line.width = Pt(1.5)
    else:
        shape.line.fill.background()
    shape.shadow.inherit = False


def _east_asian(rpr, lang: str) -> None:
    """Name the East Asian font on a run's (or a chart's default) properties: ``a:ea``."""
    latin = rpr.find(qn("a:latin"))
    ea = rpr.find(qn("a:ea"))
    if ea is None:
        ea = rpr.makeelement(qn("a:ea"), {})
        if latin is not None:
            latin.addnext(ea)
        else:
            rpr.append(ea)
    ea.set("typeface", EA_FONT)
    rpr.set("lang", "zh-CN" if lang == "zh" else "en-GB")


def _native(slide, chart: NativeChart, box: Box, lang: str) -> None:
    """A chart PowerPoint draws and an officer can edit (#22): its data in the embedded
    workbook, the value axis titled with its unit, values printed on the bars."""
    data = CategoryChartData(number_format=chart.number_format)
    data.categories = list(chart.categories)
    for name, values in chart.series:
        data.add_series(name, list(values))
    frame = slide.shapes.add_chart(getattr(XL_CHART_TYPE, KINDS[chart.kind]),
                                   Inches(box.x), Inches(box.y), Inches(box.w),
                                   Inches(box.h), data)
    c = frame.chart
    c.has_title = False  # the slide's title says it once
    c.font.size = Pt(14)
    c.font.name = LATIN_FONT
    c.font.color.rgb = _rgb(COLORS["text"])
    _east_asian(c.font._rPr, lang)
    c.has_legend = chart.legend
    if chart.legend:
        c.legend.position = XL_LEGEND_POSITION.BOTTOM
        c.legend.include_in_layout = False
    plot = c.plots[0]
    plot.gap_width = 60
    if chart.kind != "stacked":
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format = chart.number_format
        labels.number_format_is_linked = False
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
        labels.font.size = Pt(13)
    for i, series in enumerate(c.series):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = _rgb(SERIES_COLORS[i % len(SERIES_COLORS)])
    axis = c.value_axis
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = _rgb(COLORS["rule"])
    top = max((v for _, vs in chart.series for v in vs if v is not None), default=0.0)
    # ticks without decimals once they are whole numbers apart; the labels keep them
    axis.tick_labels.number_format = "#,##0" if top >= 10 else chart.number_format
    axis.tick_labels.number_format_is_linked = False
    axis.has_title = True
    axis.axis_title.text_frame.text = chart.value_title
    for para in axis.axis_title.text_frame.paragraphs:
        for run in para.runs:
            run.font.size = Pt(13)
            run.font.bold = False
            _east_asian(run._r.get_or_add_rPr(), lang)


# Tableau 10, as the charts on the pages (zones.charts.plots.color_scale)
SERIES_COLORS = ("#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948",
                 "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC")


def render_pptx(deck: Deck, images: Mapping[str, bytes]) -> bytes:
    """The deck as .pptx bytes; ``images`` maps figure names to PNG bytes."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    blank = prs.slide_layouts[6]
    total = len(deck.slides)
    for n, slide in enumerate(deck.slides, start=1):
        s = prs.slides.add_slide(blank)
        for op in plan(slide, n, total, deck.lang):
            if isinstance(op, Text):
                _text(s, op, deck.lang)
            elif isinstance(op, Rect):
                _rect(s, op)
            elif slide.native is not None and slide.figure is not None \
                    and op.name == slide.figure.name:
                _native(s, slide.native, op.box, deck.lang)
            else:
                _picture(s, images[op.name], op.box)
        notes = [k.label + "：" + k.value + " — " + k.note for k in slide.kpis]
        speaker = [slide.notes, ""] if slide.notes else []  # a run-sheet step's notes (#16)
        s.notes_slide.notes_text_frame.text = "\n".join([*speaker, *notes, slide.footer])
    props = prs.core_properties
    props.title = f"{deck.title} · {deck.filter_text}"
    props.subject = deck.filter_text
    props.author = t("app.short", deck.lang)
    stamp = dt.datetime.combine(deck.date, dt.time())
    props.created = props.modified = stamp
    props.revision = 1
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
