"""The written brief as Word (.docx) in the official layout of GB/T 9704-2012 (#21).

A4; top margin 37 mm, binding (left) margin 28 mm, text block 156 × 225 mm; the title in
2号 (22 pt) 小标宋, the body in 3号 (16 pt) 仿宋 at a fixed 28 pt line, headings 一、 in 黑体
and （一） in 楷体; page numbers "— 1 —" as a PAGE field, right on odd pages and left on
even ones. Each style names its Chinese face in ``w:eastAsia`` as well as the Latin one,
so Word and WPS do not fall back to another face for Chinese text (python-docx's
``font.name`` writes only ``w:ascii``/``w:hAnsi``). Office machines have these faces;
elsewhere Word substitutes them, which is why the A4 PDF twin exists.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from zones.brief.written import Section, Table, WrittenBrief
from zones.i18n import t

# The official faces (Chinese) and the Latin face beside them.
TITLE_FACE, BODY_FACE = "方正小标宋简体", "仿宋_GB2312"
HEI_FACE, KAI_FACE = "黑体", "楷体_GB2312"
LATIN_FACE = "Times New Roman"
TITLE_PT, BODY_PT, TABLE_PT, PAGE_PT = 22, 16, 10.5, 14
LINE_PT = 28
PAGE_W, PAGE_H = 210, 297
TOP, LEFT, TEXT_W, TEXT_H = 37, 28, 156, 225
PICTURE_W = 150  # mm, inside the 156 mm text block

# Style name → (East-Asian face, size in pt, bold)
STYLES: dict[str, tuple[str, float, bool]] = {
    "Normal": (BODY_FACE, BODY_PT, False),
    "Title": (TITLE_FACE, TITLE_PT, False),
    "Heading 1": (HEI_FACE, BODY_PT, False),
    "Heading 2": (KAI_FACE, BODY_PT, False),
    "GW Date": (KAI_FACE, BODY_PT, False),
    "GW Table": (BODY_FACE, TABLE_PT, False),
    "GW Caption": (KAI_FACE, TABLE_PT + 1.5, False),
    "GW Footer": ("宋体", PAGE_PT, False),
}


def set_faces(style, east_asia: str, latin: str = LATIN_FACE) -> None:
    """Name ``east_asia`` for Chinese and ``latin`` for the rest, dropping theme fonts."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    style.font.name = latin  # w:ascii and w:hAnsi
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)


def _styles(doc) -> None:
    styles = doc.styles
    for name, (face, size, bold) in STYLES.items():
        try:
            style = styles[name]
        except KeyError:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = styles["Normal"]
        set_faces(style, face)
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        fmt = style.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        if name in ("GW Table", "GW Caption", "GW Footer"):
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        else:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(LINE_PT if name != "Title" else 36)
        if name in ("Normal", "Heading 1", "Heading 2"):
            fmt.first_line_indent = Pt(2 * BODY_PT)  # two characters, as official text
        if name in ("Heading 1", "Heading 2"):
            fmt.keep_with_next = True
    for name in ("Title", "GW Date", "GW Caption"):
        styles[name].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        styles[name].paragraph_format.first_line_indent = Pt(0)
    # The built-in Title draws a rule under itself; an official title has none.
    ppr = styles["Title"].element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
    section.top_margin, section.left_margin = Mm(TOP), Mm(LEFT)
    section.right_margin = Mm(PAGE_W - LEFT - TEXT_W)
    section.bottom_margin = Mm(PAGE_H - TOP - TEXT_H)
    section.footer_distance = Mm(21)  # the number's baseline ~7 mm under the text block
    section.header_distance = Mm(15)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(paragraph, align) -> None:
    """'— 1 —' with the number as a PAGE field; one character in from the edge."""
    paragraph.style = "GW Footer"
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = Pt(PAGE_PT)
    else:
        fmt.left_indent = Pt(PAGE_PT)
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"),
                       ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "1":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    paragraph.add_run(" —")


def _ids(doc) -> dict[str, str]:
    """Style name → id, looked up once: python-docx's lookup by name scans every style
    (≈ 10 ms a paragraph), which made a brief with a few tables take seconds."""
    return {name: doc.styles[name].style_id for name in STYLES}


def _para(container, text: str, style_id: str):
    paragraph = container.add_paragraph(text)
    paragraph._p.style = style_id  # the pStyle, as python-docx writes it
    return paragraph


def _table(doc, table: Table, ids: dict[str, str]) -> None:
    _para(doc, table.title, ids["GW Caption"])
    frame = table.frame
    grid = doc.add_table(rows=1, cols=len(frame.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for c, name in zip(grid.rows[0].cells, frame.columns, strict=True):
        c.paragraphs[0].add_run(str(name)).bold = True
        c.paragraphs[0]._p.style = ids["GW Table"]
    for row in frame.itertuples(index=False):
        cells = grid.add_row().cells
        for c, value in zip(cells, row, strict=True):
            c.paragraphs[0].add_run(str(value))
            c.paragraphs[0]._p.style = ids["GW Table"]
    # Repeat the header row on every page the table runs onto.
    tr_pr = grid.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    if table.note:
        _para(doc, table.note, ids["GW Table"])


def _section(doc, section: Section, images: Mapping[str, bytes], counter: list[int],
             lang: str, ids: dict[str, str]) -> None:
    _para(doc, section.heading, ids[f"Heading {section.level}"])
    for text in section.paragraphs:
        _para(doc, text, ids["Normal"])
    for fig in section.pictures:
        if fig.name not in images:
            continue
        counter[0] += 1
        pic = _para(doc, "", ids["GW Caption"])
        pic.paragraph_format.keep_with_next = True
        pic.add_run().add_picture(io.BytesIO(images[fig.name]), width=Mm(PICTURE_W))
        _para(doc, t("wb.figure", lang, n=counter[0], title=fig.title), ids["GW Caption"])
    for table in section.tables:
        _table(doc, table, ids)


TITLE_CHARS = int(TEXT_W / (TITLE_PT * 25.4 / 72))  # 2号 characters in a line: 20


def title_lines(title: str, lang: str) -> list[str]:
    """A long Chinese title in lines of even length, as official titles are set (Word
    would leave one character alone on the last line)."""
    if lang != "zh" or len(title) <= TITLE_CHARS:
        return [title]
    n = -(-len(title) // TITLE_CHARS)
    size = -(-len(title) // n)
    return [title[i:i + size] for i in range(0, len(title), size)]


def render_docx(brief: WrittenBrief, images: Mapping[str, bytes]) -> bytes:
    """The brief as .docx bytes; ``images`` maps figure names to PNG bytes."""
    doc = Document()
    _styles(doc)
    _page(doc)
    ids = _ids(doc)
    title = _para(doc, "", ids["Title"])
    for i, line in enumerate(title_lines(brief.title, brief.lang)):
        if i:
            title.add_run().add_break()
        title.add_run(line)
    _para(doc, brief.date_line, ids["GW Date"])
    counter = [0]
    for section in brief.sections:
        _section(doc, section, images, counter, brief.lang, ids)
    props = doc.core_properties
    props.title = brief.title
    props.subject = brief.filter_text
    props.author = t("app.short", brief.lang)
    props.keywords = t("source.illustrative", brief.lang) if brief.illustrative else ""
    props.language = "zh-CN" if brief.lang == "zh" else "en-GB"
    stamp = dt.datetime.combine(brief.date, dt.time())
    props.created = props.modified = stamp
    props.last_printed = stamp
    props.revision = 1
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
