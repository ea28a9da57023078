"""The written brief (汇报材料, #21): the .docx read back with python-docx (GB/T 9704-2012
page, fonts with w:eastAsia on the styles, the PAGE field, tables, pictures, the filter
and the illustrative marking), its A4 PDF twin, the run-sheet form, and the key points in
the data bundle."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt
from test_runsheet_cli import zones_cli

from zones import keypoints
from zones.brief.export import export
from zones.dataset.filters import FilterState, summary
from zones.i18n import t
from zones.model import Dataset
from zones.view import Filter, View

DATE = dt.date(2026, 12, 7)
GINSENG = FilterState(products=("ginseng",), destinations=("JPN", "KOR"))

pytestmark = pytest.mark.skipif(not Path("/usr/share/fonts/opentype/noto").exists(),
                                reason="chart images need a CJK font (fonts-noto-cjk)")


@pytest.fixture(scope="module")
def docx_zh(dataset: Dataset):
    out = export(dataset, GINSENG, "zh", DATE, "docx")
    assert out.filename == "吉林示范区汇报材料_人参-日本-韩国_2026-12-07.docx"
    return Document(io.BytesIO(out.data))


def _east_asia(style) -> str | None:
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


def test_page_is_gbt_9704_a4(docx_zh) -> None:
    s = docx_zh.sections[0]

    def mm(length) -> float:  # Word stores twips: 1/20 pt, 0.018 mm
        return round(length / 36000, 1)  # EMU per mm

    assert (mm(s.page_width), mm(s.page_height)) == (210, 297)
    assert (mm(s.top_margin), mm(s.left_margin)) == (37, 28)
    assert (mm(s.right_margin), mm(s.bottom_margin)) == (26, 35)  # text block 156 × 225
    assert mm(s.page_width - s.left_margin - s.right_margin) == 156
    assert mm(s.page_height - s.top_margin - s.bottom_margin) == 225


def test_styles_name_the_official_faces_for_chinese(docx_zh) -> None:
    styles = docx_zh.styles
    want = {"Normal": ("仿宋_GB2312", 16), "Title": ("方正小标宋简体", 22),
            "Heading 1": ("黑体", 16), "Heading 2": ("楷体_GB2312", 16)}
    for name, (face, size) in want.items():
        style = styles[name]
        assert _east_asia(style) == face, name
        assert style.font.size == Pt(size), name
        assert style.element.rPr.rFonts.get(qn("w:asciiTheme")) is None  # no theme font
    body = styles["Normal"].paragraph_format
    assert body.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert body.line_spacing == Pt(28)


def test_page_number_is_a_page_field_between_dashes(docx_zh) -> None:
    for footer in (docx_zh.sections[0].footer, docx_zh.sections[0].even_page_footer):
        xml = footer.paragraphs[0]._p.xml
        assert "<w:instrText" in xml and " PAGE " in xml
        assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        text = footer.paragraphs[0].text
        assert text.startswith("— ") and text.endswith(" —")
    assert docx_zh.settings.odd_and_even_pages_header_footer


def test_contents_title_date_filter_key_points_tables_pictures(docx_zh, dataset) -> None:
    paras = [(p.text, p.style.name) for p in docx_zh.paragraphs]
    texts = [p for p, _ in paras]
    assert texts[0].replace("\n", "") == t("wb.title", "zh") and paras[0][1] == "Title"
    assert texts[0] == "吉林省出口食品农产品质\n量安全示范区情况汇报"  # even lines, no lone 报
    assert texts[1] == "2026年12月7日"
    assert t("wb.scope", "zh", summary=summary(dataset, GINSENG, "zh")) in texts
    assert "人参 · 日本、韩国" in "\n".join(texts)
    assert t("banner.illustrative", "zh") in texts  # the illustrative notice
    points = keypoints.key_points(dataset, View.of("overview", Filter(
        products=("ginseng",), destinations=("JPN", "KOR")), "zh"))
    for i, p in enumerate(points, start=1):
        assert f"{i}．{p.text}" in texts
    assert any("（示意）" in x for x in texts if x.startswith("1．"))  # marked in the sentence
    assert [s for x, s in paras if x.startswith("一、")] == ["Heading 1"]
    assert [s for x, s in paras if x.startswith("（一）")] == ["Heading 2"]
    assert len(docx_zh.inline_shapes) == 3  # the trend, ranking and growth charts
    cells = {c.text for tb in docx_zh.tables for row in tb.rows for c in row.cells}
    assert "Z1" in cells and "16个" in cells  # the report's figure that concerns ginseng
    assert any(c.endswith("%") for c in cells)  # the ranking's shares
    assert "示意数据（非事实）" in cells
    assert docx_zh.core_properties.subject == summary(dataset, GINSENG, "zh")


def test_pdf_twin_is_a4_with_the_font_substitution_in_its_properties(dataset, tmp_path) -> None:
    out = export(dataset, GINSENG, "en", DATE, "brief-pdf")
    path = tmp_path / out.filename
    path.write_bytes(out.data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "595.28 x 841.89 pts (A4)" in info
    assert "Noto Serif CJK SC" in info and "FangSong_GB2312" in info  # keywords
    first = " ".join(subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"],
                                    capture_output=True, text=True).stdout.split())
    assert "Written Brief" in first and "Ginseng · Japan, Republic of Korea" in first
    assert "(illustrative)" in first
    assert "Noto" not in subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                        text=True).stdout  # not on the page


def test_runsheet_as_a_written_brief(tmp_path) -> None:
    result = zones_cli("brief", "--runsheet", "provincial-briefing", "--format", "docx",
                       "--out", str(tmp_path), "--date", "2026-12-07")
    assert result.returncode == 0, result.stderr
    doc = Document(result.stdout.strip())
    heads = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert heads[:4] == ["一、总体情况", "二、德惠禽肉示范区", "三、五个首次出口",
                         "四、人参出口走势（示意）"]
    texts = [p.text for p in doc.paragraphs]
    assert "全国首批示范区（Z2）。报告未说明其启动时间，也未说明它是否属于省级 16 个。" in texts
    assert any(x.startswith("1．2012年，全省示范区人参出口量") for x in texts)  # its measure


def test_data_bundle_carries_the_key_points(dataset: Dataset) -> None:
    out = export(dataset, GINSENG, "en", DATE, "data")
    zf = zipfile.ZipFile(io.BytesIO(out.data))
    txt = next(n for n in zf.namelist() if n.endswith(".txt"))
    text = zf.read(txt).decode("utf-8")
    point = keypoints.key_points(dataset, View.of("overview", Filter(
        products=("ginseng",), destinations=("JPN", "KOR")), "en"))[0]
    assert text.startswith("Key points\n1. ") and point.text in text
    book = openpyxl.load_workbook(io.BytesIO(zf.read(next(
        n for n in zf.namelist() if n.endswith(".xlsx")))))
    assert book.sheetnames[0] == "Key points"
    assert point.text in [c.value for c in book["Key points"]["B"]]


def test_chinese_lines_break_between_characters_never_inside_a_figure() -> None:
    from zones.brief.a4pdf import units

    parts = units("居前的目的地为韩国（占63.7%）、日本，出口额1,713.4万美元。")
    assert "63.7%）、" in parts and "1,713.4" in parts  # a figure is never cut
    assert "（占" in parts  # no break after an opening bracket
    assert all(not p.startswith(("，", "。", "、", "）")) for p in parts)
    assert "".join(parts) == "居前的目的地为韩国（占63.7%）、日本，出口额1,713.4万美元。"
