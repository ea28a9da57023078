"""The briefing deck as PDF (fpdf2), page for page the same as the PPTX.

fpdf2 embeds a subset of the font it is given, including OpenType/CFF collections such
as Debian's Noto Sans CJK (``.ttc``, face index of the SC face), so the PDF shows Chinese
on any machine, with or without Chinese fonts installed.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping

from fpdf import FPDF
from fpdf.enums import TextMode
from PIL import Image

from zones.brief.deck import SLIDE_H, SLIDE_W, Deck
from zones.brief.images import CjkFont, cjk_font
from zones.brief.layout import COLORS, LINE, Box, Rect, Text, plan
from zones.i18n import t

PT_PER_IN = 72.0


def _rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


class _Pdf(FPDF):
    def __init__(self, font: CjkFont) -> None:
        super().__init__(orientation="L", unit="in", format=(SLIDE_H, SLIDE_W))
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)
        # One face only: loading and subsetting a CJK face costs ~1 s each, so bold is
        # drawn by stroking the outline of the regular face (synthetic bold).
        self.add_font("cjk", "", str(font.regular), collection_font_number=font.index)

    def text_box(self, op: Text) -> None:
        size, box = op.size, op.box
        self.set_font("cjk", "", size)
        self.set_text_color(*_rgb(COLORS[op.color]))
        if op.bold:
            self.set_draw_color(*_rgb(COLORS[op.color]))
            # fpdf2 writes the text-stroke width ("Tr … w") unscaled, i.e. in points,
            # so it is set on the state directly rather than through set_line_width.
            self.line_width = size * 0.03
        self.text_mode = TextMode.FILL_STROKE if op.bold else TextMode.FILL
        line_h = size * LINE / PT_PER_IN
        pad = 0.05
        lines: list[str] = []
        gaps: list[float] = []
        for para in op.paragraphs:
            wrapped = self.multi_cell(box.w - 2 * pad, line_h, para, dry_run=True,
                                      output="LINES")
            lines += wrapped
            gaps += [0.0] * (len(wrapped) - 1) + [op.gap_pt / PT_PER_IN]
        total = len(lines) * line_h + sum(gaps[:-1])
        y = box.y + 0.02
        if op.anchor == "middle":
            y = box.y + max(0.0, (box.h - total) / 2)
        align = {"left": "L", "center": "C", "right": "R"}[op.align]
        for text, gap in zip(lines, gaps, strict=True):
            self.set_xy(box.x + pad, y)
            self.cell(box.w - 2 * pad, line_h, text, align=align)
            y += line_h + gap

    def rect_box(self, op: Rect) -> None:
        box = op.box
        self.set_fill_color(*_rgb(COLORS[op.fill]))
        if op.line:
            self.set_draw_color(*_rgb(COLORS[op.line]))
            self.set_line_width(1.5 / PT_PER_IN)
        self.rect(box.x, box.y, box.w, box.h, style="DF" if op.line else "F",
                  round_corners=op.rounded, corner_radius=0.08)

    def picture(self, png: bytes, box: Box) -> None:
        w_px, h_px = Image.open(io.BytesIO(png)).size
        scale = min(box.w / w_px, box.h / h_px)
        w, h = w_px * scale, h_px * scale
        self.image(io.BytesIO(png), x=box.x + (box.w - w) / 2, y=box.y + (box.h - h) / 2,
                   w=w, h=h)


def render_pdf(deck: Deck, images: Mapping[str, bytes]) -> bytes:
    """The deck as PDF bytes, fonts embedded; ``images`` maps figure names to PNG bytes."""
    pdf = _Pdf(cjk_font())
    pdf.set_title(f"{deck.title} · {deck.filter_text}")
    pdf.set_subject(deck.filter_text)
    pdf.set_author(t("app.short", deck.lang))
    pdf.set_lang("zh-CN" if deck.lang == "zh" else "en-GB")
    pdf.set_creation_date(dt.datetime.combine(deck.date, dt.time(), tzinfo=dt.UTC))
    total = len(deck.slides)
    for n, slide in enumerate(deck.slides, start=1):
        pdf.add_page()
        for op in plan(slide, n, total, deck.lang):
            if isinstance(op, Text):
                pdf.text_box(op)
            elif isinstance(op, Rect):
                pdf.rect_box(op)
            else:
                pdf.picture(images[op.name], op.box)
    return bytes(pdf.output())
