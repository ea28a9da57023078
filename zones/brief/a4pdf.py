"""The written brief as an A4 PDF, the twin of the Word file for offices without Word (#21).

The same ``WrittenBrief`` and the same GB/T 9704-2012 page: A4, top 37 mm, left 28 mm,
text block 156 × 225 mm, title 22 pt, body 16 pt on a fixed 28 pt line, page numbers
"— 1 —" outside the text block. The official faces are not free, so Debian's Noto CJK
stand in (serif for 小标宋/仿宋/楷体, sans for 黑体), embedded; the substitution is stated
in the document's properties (keywords), not on the page, which stays the brief.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TextMode, WrapMode, XPos, YPos
from fpdf.fonts import FontFace
from PIL import Image

from zones.brief.images import cjk_font
from zones.brief.written import Section, Table, WrittenBrief
from zones.i18n import t

PAGE_W, PAGE_H = 210.0, 297.0
TOP, LEFT, TEXT_W, TEXT_H = 37.0, 28.0, 156.0, 225.0
PT = 25.4 / 72  # mm per point
TITLE_PT, BODY_PT, TABLE_PT, PAGE_PT, LINE_PT = 22, 16, 10.5, 14, 28
PICTURE_W = 150.0
SERIF = ("NotoSerifCJK-Regular.ttc", 2)  # the SC face of Debian's collection


def _serif_path(sans_regular: Path) -> Path:
    """Noto Serif CJK next to the Noto Sans CJK the chart images use, if installed."""
    serif = sans_regular.with_name(SERIF[0])
    return serif if serif.is_file() else sans_regular


_NO_BREAK_BEFORE = set("，。、；：？！）》」』”’%…—·,.;:)")
_NO_BREAK_AFTER = set("（《「『“‘(")


def units(text: str) -> list[str]:
    """Chinese text cut where a line may break: between Chinese characters, never inside
    a number or a Latin word, never before closing or after opening punctuation. fpdf2
    breaks lines only at spaces, or anywhere (its CHAR mode), which cut figures in two
    ("占63." / "7%")."""
    out: list[str] = []
    for a in text:
        glue = out and (
            (a.isascii() and not a.isspace() and out[-1][-1].isascii()
             and not out[-1][-1].isspace())
            or a in _NO_BREAK_BEFORE or out[-1][-1] in _NO_BREAK_AFTER)
        if glue:
            out[-1] += a
        else:
            out.append(a)
    return out


class _A4(FPDF):
    def __init__(self, lang: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.brief_lang = lang
        font = cjk_font()
        serif = _serif_path(font.regular)
        self.add_font("fs", "", str(serif), collection_font_number=SERIF[1]
                      if serif != font.regular else font.index)
        self.add_font("hei", "", str(font.regular), collection_font_number=font.index)
        self.set_margins(LEFT, TOP, PAGE_W - LEFT - TEXT_W)
        self.set_auto_page_break(True, margin=PAGE_H - TOP - TEXT_H)

    def footer(self) -> None:
        """'— n —' 7 mm under the text block: right on odd pages, left on even ones."""
        self.set_font("fs", "", PAGE_PT)
        self.set_y(TOP + TEXT_H + 7)
        one = PAGE_PT * PT  # one character in from the edge of the text block
        self.set_x(LEFT + (one if self.page_no() % 2 == 0 else 0))
        self.cell(TEXT_W - one, PAGE_PT * PT, t("wb.page", self.brief_lang, n=self.page_no()),
                  align="L" if self.page_no() % 2 == 0 else "R")

    def room(self, height: float) -> None:
        """A new page unless ``height`` mm still fit on this one (keep with what follows)."""
        if self.get_y() + height > TOP + TEXT_H:
            self.add_page()

    def para(self, text: str, family: str = "fs", size: float = BODY_PT,
             align: str = "", line: float = LINE_PT, indent: bool = True,
             bold: bool = False) -> None:
        self.set_font(family, "", size)
        if self.brief_lang == "zh":
            self.zh_lines(text, size, align, line, indent, bold)
            return
        # Synthetic bold (the outline stroked) in a local context, so that the text
        # mode and line width return to plain fill for what follows.
        with self.local_context(text_mode=TextMode.FILL_STROKE if bold else TextMode.FILL,
                                line_width=size * 0.02 * PT if bold else 0.2), \
                self.text_columns(text_align=align or "J",
                                  line_height=line / size, wrapmode=WrapMode.WORD) as cols, \
                cols.paragraph(first_line_indent=2 * size * PT if indent else 0) as par:
            par.write(text)

    def fill(self, parts: list[str], width: float, lead: float) -> list[str]:
        """Greedy lines of ``parts`` no wider than ``width`` (the first ``lead`` less)."""
        lines: list[str] = [""]
        room = width - lead
        for part in parts:
            if lines[-1] and self.get_string_width(lines[-1] + part) > room:
                lines.append("")
                room = width
            lines[-1] += part
        return lines

    def zh_lines(self, text: str, size: float, align: str, line: float, indent: bool,
                 bold: bool) -> None:
        """Chinese, broken at ``units`` and set line by line (first line indented)."""
        lines = self.fill(units(text), TEXT_W, 2 * size * PT if indent else 0)
        if bold and len(lines) > 1:  # a title: lines of even length, no lone last word
            even = self.get_string_width(text) / len(lines) + size * PT
            lines = self.fill(units(text), min(TEXT_W, even), 0)
        with self.local_context(text_mode=TextMode.FILL_STROKE if bold else TextMode.FILL,
                                line_width=size * 0.02 * PT if bold else 0.2):
            for i, text_line in enumerate(lines):
                lead = 2 * size * PT if indent and i == 0 else 0
                self.set_x(LEFT + lead)
                self.cell(TEXT_W - lead, line * PT, text_line, align=align or "L",
                          new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _table(pdf: _A4, table: Table) -> None:
    pdf.room(45)  # the title, the header row and a few rows stay together
    pdf.para(table.title, "hei", TABLE_PT + 1.5, "C", LINE_PT * 0.8, indent=False)
    pdf.set_font("fs", "", TABLE_PT)
    frame = table.frame
    with pdf.table(width=TEXT_W, line_height=TABLE_PT * PT * 1.5, text_align="LEFT",
                   headings_style=FontFace(emphasis="", fill_color=(230, 230, 230)),
                   wrapmode=WrapMode.CHAR, padding=0.8) as grid:
        grid.row([str(c) for c in frame.columns])
        for values in frame.itertuples(index=False):
            grid.row([str(v) for v in values])
    if table.note:
        pdf.para(table.note, "fs", TABLE_PT, "L", TABLE_PT * 1.5, indent=False)
    pdf.ln(2)


def _picture(pdf: _A4, png: bytes, caption: str) -> None:
    w_px, h_px = Image.open(io.BytesIO(png)).size
    h = PICTURE_W * h_px / w_px
    pdf.room(h + 10)
    pdf.image(io.BytesIO(png), x=LEFT + (TEXT_W - PICTURE_W) / 2, y=pdf.get_y() + 1,
              w=PICTURE_W, h=h)
    pdf.set_y(pdf.get_y() + h + 2)
    pdf.para(caption, "fs", TABLE_PT + 1.5, "C", LINE_PT * 0.8, indent=False)


def _section(pdf: _A4, section: Section, images: Mapping[str, bytes], counter: list[int]
             ) -> None:
    need = 3 * LINE_PT * PT  # a heading never ends a page
    if section.pictures and not section.paragraphs and section.pictures[0].name in images:
        w_px, h_px = Image.open(io.BytesIO(images[section.pictures[0].name])).size
        need = LINE_PT * PT + PICTURE_W * h_px / w_px + 10  # nor is it parted from its chart
    pdf.room(need)
    pdf.para(section.heading, "hei" if section.level == 1 else "fs")
    for text in section.paragraphs:
        pdf.para(text)
    for fig in section.pictures:
        if fig.name in images:
            counter[0] += 1
            _picture(pdf, images[fig.name], t("wb.figure", pdf.brief_lang, n=counter[0],
                                              title=fig.title))
    for table in section.tables:
        _table(pdf, table)


def render_a4pdf(brief: WrittenBrief, images: Mapping[str, bytes]) -> bytes:
    """The brief as A4 PDF bytes, fonts embedded; ``images`` maps figure names to PNG."""
    pdf = _A4(brief.lang)
    pdf.set_title(brief.title)
    pdf.set_subject(brief.filter_text)
    pdf.set_keywords(t("wb.fonts", brief.lang))
    pdf.set_author(t("app.short", brief.lang))
    pdf.set_creator(t("wb.fonts", brief.lang))
    pdf.set_lang("zh-CN" if brief.lang == "zh" else "en-GB")
    pdf.set_creation_date(dt.datetime.combine(brief.date, dt.time(), tzinfo=dt.UTC))
    pdf.add_page()
    pdf.para(brief.title, "fs", TITLE_PT, "C", 36, indent=False, bold=True)
    pdf.para(brief.date_line, "fs", BODY_PT, "C", indent=False)
    pdf.ln(LINE_PT * PT / 2)
    counter = [0]
    for section in brief.sections:
        _section(pdf, section, images, counter)
    return bytes(pdf.output())
