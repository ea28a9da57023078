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
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from zones.brief.deck import SLIDE_H, SLIDE_W, Deck
from zones.brief.layout import COLORS, LINE, Box, Rect, Text, plan
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
