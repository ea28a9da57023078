"""Briefing exports (#7): the deck model, PPTX, PDF, images (CJK glyphs), data files, CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image, ImageChops
from pptx import Presentation
from pptx.oxml.ns import qn

from zones.brief import export as brief_export
from zones.brief.deck import build_deck, file_stem, safe_name
from zones.brief.images import FontMissing, cjk_font, find_cjk_font, to_png, to_svg
from zones.cli.main import main
from zones.dataset.filters import FilterState, summary
from zones.i18n import t
from zones.model import Dataset
from zones.units import chart_title

DATE = dt.date(2026, 11, 24)
GINSENG_JAPAN = FilterState(products=("ginseng",), destinations=("JPN",))
REPORT_ONLY = FilterState(report_only=True)
ILLUS = {lang: t("source.illustrative", lang) for lang in ("zh", "en")}


def _export(ds: Dataset, state: FilterState, lang: str, fmt: str) -> brief_export.Export:
    return brief_export.export(ds, state, lang, DATE, fmt)


@pytest.fixture(scope="module")
def pptx_zh(dataset: Dataset) -> brief_export.Export:
    return _export(dataset, GINSENG_JAPAN, "zh", "pptx")


@pytest.fixture(scope="module")
def pdf_en(dataset: Dataset) -> brief_export.Export:
    return _export(dataset, GINSENG_JAPAN, "en", "pdf")


@pytest.fixture(scope="module")
def pdf_zh_report_only(dataset: Dataset) -> brief_export.Export:
    return _export(dataset, REPORT_ONLY, "zh", "pdf")


def _pptx_texts(data: bytes) -> list[list[str]]:
    prs = Presentation(io.BytesIO(data))
    return [[sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
            for slide in prs.slides]


def _pdftotext(data: bytes, tmp_path: Path) -> list[str]:
    pdf = tmp_path / "deck.pdf"
    pdf.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


# ---------------------------------------------------------------- the deck model


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_deck_slides_in_order_with_footers(dataset: Dataset, lang: str) -> None:
    deck = build_deck(dataset, FilterState(), lang, DATE)
    kinds = [s.kind for s in deck.slides]
    assert kinds[0] == "title" and kinds[-1] == "sources"
    # the report's headline figures, then one appendix with the rest (#22)
    assert kinds.count("figures") == 1 and kinds.count("appendix") == 1
    assert kinds.count("map") == 2 and kinds.count("chart") == 4
    titles = [s.title for s in deck.slides]
    for key in ("app.title", "brief.headline.province", "brief.appendix", "zones.map",
                "brief.first_map", "vol.timeseries", "vol.ranking", "vol.yoy",
                "data.sources"):
        want = chart_title(key, "tonnes", lang)  # volume titles name the measure (#17)
        assert any(x.startswith(want) for x in titles), key
    assert all(s.footer for s in deck.slides), "every slide names its source"
    assert deck.slides[0].subtitle == t("brief.subtitle", lang, date="2026-11-24")


def test_title_slide_says_the_filter_in_words(dataset: Dataset) -> None:
    deck = build_deck(dataset, GINSENG_JAPAN, "zh", DATE)
    assert "人参 · 日本" in deck.slides[0].lines[0]
    assert deck.slides[0].lines[0] == t("filter.summary", "zh",
                                        summary=summary(dataset, GINSENG_JAPAN, "zh"))


def test_figures_come_from_the_report_with_their_fact_ids(dataset: Dataset) -> None:
    deck = build_deck(dataset, FilterState(), "zh", DATE)
    figures = [s for s in deck.slides if s.kind in ("figures", "appendix")]
    kpis = [k for s in figures for k in s.kpis]
    lines = [x for s in figures for x in s.lines[1:]]  # the appendix: figures in words
    assert len(kpis) + len(lines) == len(dataset.figures)
    assert "直通放行出口批次：5175批" in lines  # exact figure, never rounded
    assert all(not s.illustrative for s in figures)
    assert all(s.footer.startswith("出处：报告“") for s in figures)  # sections, no codes
    # Derived figures (zones/derived.py) are not report rows: none is mixed in here.
    assert not [k for k in kpis if "推算" in k.note]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_illustrative_slides_are_marked_and_report_only_has_none(dataset: Dataset,
                                                                  lang: str) -> None:
    deck = build_deck(dataset, FilterState(), lang, DATE)
    charts = [s for s in deck.slides if s.kind == "chart"]
    assert charts and all(s.illustrative and s.badge == ILLUS[lang] for s in charts)
    assert all(t("brief.footer.illustrative", lang) in s.footer for s in charts)
    facts = build_deck(dataset, REPORT_ONLY, lang, DATE)
    assert not any(s.illustrative or s.badge for s in facts.slides)
    assert not any(ILLUS[lang] in text for s in facts.slides for text in s.texts())
    assert not any(s.kind == "chart" for s in facts.slides)
    assert t("empty.facts_only_volumes", lang) in [x for s in facts.slides for x in s.lines]


@pytest.mark.parametrize("state", [FilterState(), GINSENG_JAPAN, REPORT_ONLY])
def test_same_filter_same_deck(dataset: Dataset, state: FilterState) -> None:
    a = build_deck(dataset, state, "zh", DATE)
    b = build_deck(dataset, state, "zh", DATE)
    assert [s.texts() for s in a.slides] == [s.texts() for s in b.slides]
    assert [f.spec for f in a.figures] == [f.spec for f in b.figures]
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])


def test_maps_carry_the_boundaries(dataset: Dataset) -> None:
    """The charts are built on light markers; the real features must be back in the spec."""
    deck = build_deck(dataset, FilterState(), "zh", DATE)
    text = repr([f.spec for f in deck.figures])
    assert "__brief_geo_layer__" not in text
    n_counties = len(dataset.geo.counties["features"])
    jilin = next(f for f in deck.figures if f.name == "jilin-map").spec
    assert any(len(layer.get("data", {}).get("values", [])) == n_counties
               for layer in jilin["layer"])


@pytest.mark.parametrize(("state", "lang", "expected"), [
    (GINSENG_JAPAN, "zh", "吉林示范区简报_人参-日本_2026-11-24"),
    (GINSENG_JAPAN, "en", "Jilin-zones-briefing_Ginseng-Japan_2026-11-24"),
    (FilterState(), "zh", "吉林示范区简报_全部_2026-11-24"),
    (FilterState(period=("2009-01", "2011-12")), "en",
     "Jilin-zones-briefing_2009-01-to-2011-12_2026-11-24"),
    (FilterState(products=("ginseng", "deer_meat", "rice"), destinations=("JPN", "KOR", "USA")),
     "en", "Jilin-zones-briefing_Ginseng-Deer-meat-venison-Rice-Japan-Republic-of-Korea-etc"
           "_2026-11-24"),
    (REPORT_ONLY, "zh", "吉林示范区简报_仅报告事实_2026-11-24"),
])
def test_file_names_say_what_and_when(dataset: Dataset, state: FilterState, lang: str,
                                      expected: str) -> None:
    assert file_stem(dataset, state, lang, DATE) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("a/b\\c:d*e?f\"g<h>i|j", "a-b-c-d-e-f-g-h-i-j"),
    ("..hidden", "hidden"),
    ("Republic of Korea", "Republic-of-Korea"),
    ("人参 / 日本", "人参-日本"),
    ("x" * 100, "x" * 60),
])
def test_safe_name(raw: str, expected: str) -> None:
    assert safe_name(raw) == expected


# ---------------------------------------------------------------- PPTX


def test_pptx_opens_16_9_with_titles_filter_footers(pptx_zh: brief_export.Export,
                                                    dataset: Dataset) -> None:
    assert pptx_zh.filename == "吉林示范区简报_人参-日本_2026-11-24.pptx"
    prs = Presentation(io.BytesIO(pptx_zh.data))
    assert round(prs.slide_width / prs.slide_height, 3) == round(16 / 9, 3)
    deck = build_deck(dataset, GINSENG_JAPAN, "zh", DATE)
    texts = _pptx_texts(pptx_zh.data)
    assert len(texts) == len(deck.slides) == pptx_zh.slides
    for slide, shapes in zip(deck.slides, texts, strict=True):
        joined = "\n".join(shapes)
        assert slide.title in joined and slide.footer in joined
        assert (ILLUS["zh"] in shapes) == slide.illustrative
    assert "当前筛选：人参 · 日本" in "\n".join(texts[0])
    pictures = [sh for slide in prs.slides for sh in slide.shapes if sh.shape_type == 13]
    charts = [sh for slide in prs.slides for sh in slide.shapes if sh.has_chart]
    natives = [s for s in deck.slides if s.native is not None]
    assert len(charts) == len(natives)  # charts are PowerPoint's own (#22); maps images
    assert len(pictures) == len(deck.figures) - len(natives)


def test_two_pptx_builds_have_the_same_slides(pptx_zh: brief_export.Export,
                                              dataset: Dataset) -> None:
    again = _export(dataset, GINSENG_JAPAN, "zh", "pptx")
    assert again.filename == pptx_zh.filename
    assert _pptx_texts(again.data) == _pptx_texts(pptx_zh.data)


def test_pptx_type_is_large_and_east_asian_font_is_set(pptx_zh: brief_export.Export) -> None:
    prs = Presentation(io.BytesIO(pptx_zh.data))
    sizes, ea = [], set()
    for slide in prs.slides:
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            for para in shape.text_frame.paragraphs:
                for run in para.runs:
                    sizes.append(run.font.size.pt)
                    node = run._r.find(qn("a:rPr")).find(qn("a:ea"))
                    ea.add(node.get("typeface"))
    assert ea == {"Microsoft YaHei"}
    assert min(sizes) >= 9  # only footers and tile notes are small
    title_sizes = [s for s in sizes if s >= 24]
    assert len(title_sizes) >= pptx_zh.slides  # every slide has a large title


# ---------------------------------------------------------------- PDF

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext) not installed")


@needs_poppler
def test_pdf_text_has_titles_filter_footers_and_marks(pdf_en: brief_export.Export,
                                                      dataset: Dataset,
                                                      tmp_path: Path) -> None:
    pages = _pdftotext(pdf_en.data, tmp_path)
    deck = build_deck(dataset, GINSENG_JAPAN, "en", DATE)
    assert len(pages) == len(deck.slides)
    flat = [" ".join(p.split()) for p in pages]
    assert "Current filter: Ginseng · Japan" in flat[0]
    for slide, page in zip(deck.slides, flat, strict=True):
        assert " ".join(slide.title.split()) in page
        assert (ILLUS["en"] in page) == slide.illustrative, slide.title
        assert t("brief.page", "en", n=deck.slides.index(slide) + 1,
                 total=len(deck.slides)).replace(" ", "") in page.replace(" ", "")


@needs_poppler
def test_pdf_shows_chinese_with_embedded_font(pdf_zh_report_only: brief_export.Export,
                                              tmp_path: Path) -> None:
    pages = _pdftotext(pdf_zh_report_only.data, tmp_path)
    assert "吉林省出口食品农产品质量安全示范区" in pages[0]
    assert "仅报告事实" in pages[0]
    assert not any(ILLUS["zh"] in p for p in pages)
    assert any("出处：报告" in p for p in pages)
    pdf = tmp_path / "deck.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    assert fonts and all(" yes yes yes " in f for f in fonts), fonts  # emb sub uni


@needs_poppler
def test_pdf_page_renders_ink_not_boxes(pdf_zh_report_only: brief_export.Export,
                                        tmp_path: Path) -> None:
    pdf = tmp_path / "deck.pdf"
    pdf.write_bytes(pdf_zh_report_only.data)
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(pdf),
                    str(tmp_path / "p")], check=True)
    page = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    assert page.size[0] / page.size[1] == pytest.approx(16 / 9, rel=0.01)
    assert page.getextrema()[0] < 80  # dark text drawn


# ---------------------------------------------------------------- images and CJK glyphs


def _title_chart(title: str) -> dict:
    return {"$schema": "https://vega.github.io/schema/vega-lite/v6.json",
            "data": {"values": [{"a": 1}]}, "mark": "point",
            "title": {"text": title, "fontSize": 40}, "width": 10, "height": 10}


def test_cjk_glyphs_are_drawn_not_boxes() -> None:
    """Missing glyphs all render as the same box (or nothing): two different Chinese
    titles then give identical images. Real glyphs give different ones, with ink."""
    a = Image.open(io.BytesIO(to_png(_title_chart("吉林示范区"), scale=1))).convert("L")
    b = Image.open(io.BytesIO(to_png(_title_chart("首次出口国"), scale=1))).convert("L")
    assert a.size == b.size
    assert ImageChops.difference(a, b).getbbox() is not None
    assert a.getextrema()[0] < 100  # ink, not an empty title


def test_svg_names_the_cjk_font_and_keeps_the_text(dataset: Dataset) -> None:
    deck = build_deck(dataset, FilterState(), "zh", DATE)
    svg = to_svg(next(f for f in deck.figures if f.name.startswith("timeseries")).spec)
    # the slide's title and badge are not repeated inside the chart (#22); its axes are
    drawn = re.findall(r"<text[^>]*>([^<]*)</text>", svg)  # what is printed, not aria
    assert "出口量走势" not in drawn and ILLUS["zh"] not in drawn
    assert t("col.tonnes", "zh") in drawn and "年份" in drawn
    assert f'font-family="{cjk_font().family}"' in svg


def test_the_image_exporter_never_fetches_anything() -> None:
    """Offline: a spec that points at a URL fails instead of making a request."""
    spec = {"data": {"url": "https://example.com/x.csv"}, "mark": "point",
            "encoding": {"x": {"field": "a", "type": "quantitative"}}}
    with pytest.raises(Exception, match="not allowed"):
        to_svg(spec)


def test_no_cjk_font_fails_with_a_bilingual_message(tmp_path: Path) -> None:
    with pytest.raises(FontMissing) as info:
        find_cjk_font([(str(tmp_path), "Nope", "nope.ttc", "nope.ttc", 0)])
    message = str(info.value)
    assert "找不到中文字体" in message and "No Chinese font was found" in message
    assert str(tmp_path) in message


def test_images_zip_has_png_and_svg_per_figure(dataset: Dataset) -> None:
    out = _export(dataset, REPORT_ONLY, "en", "images")
    assert out.filename.endswith("_chart-images.zip")
    deck = build_deck(dataset, REPORT_ONLY, "en", DATE)
    names = zipfile.ZipFile(io.BytesIO(out.data)).namelist()
    assert len([n for n in names if n.endswith(".png")]) == len(deck.figures)
    assert len([n for n in names if n.endswith(".svg")]) == len(deck.figures)
    png = zipfile.ZipFile(io.BytesIO(out.data)).read(names[0])
    assert Image.open(io.BytesIO(png)).size[0] >= 1000  # high resolution


# ---------------------------------------------------------------- data


def test_data_zip_xlsx_sheets_csv_bom_and_neutralised_cells(dataset: Dataset) -> None:
    deck = build_deck(dataset, FilterState(), "zh", DATE)
    hostile = pd.DataFrame({"=cmd|' /C calc'!A0": ["=1+1", "+SUM(A1)", "-2+3", "@x", "ok"],
                            "n": [-1.5, 2, 3, 4, 5]})
    deck = dataclasses.replace(deck, tables={**deck.tables, "zones": hostile})
    data = brief_export.data_zip(deck)
    zf = zipfile.ZipFile(io.BytesIO(data))
    xlsx = next(n for n in zf.namelist() if n.endswith(".xlsx"))
    sheets = pd.read_excel(io.BytesIO(zf.read(xlsx)), sheet_name=None)
    assert set(sheets) >= {"报告数字", "示范区", "首次出口", "出口量走势", "来源"}
    zones = sheets["示范区"]
    assert zones.columns[0].startswith("'=")
    assert zones.iloc[:4, 0].str.startswith("'").all() and zones.iloc[4, 0] == "ok"
    assert zones["n"].tolist()[0] == -1.5  # numbers stay numbers
    csvs = [n for n in zf.namelist() if n.endswith(".csv")]
    assert len(csvs) == len(deck.tables) + 2  # + sources + facts
    for name in csvs:
        assert zf.read(name).startswith(b"\xef\xbb\xbf"), name
    sources = sheets["来源"].astype(str).to_string()
    assert "出处：报告" in sources and "Z2" in sources


# ---------------------------------------------------------------- command line


@pytest.mark.parametrize("args", [
    ["--product", "人参", "--dest", "日本"],
    ["--product", "Ginseng", "--dest", "japan"],
    ["--product", "ginseng", "--dest", "JPN"],
])
def test_cli_names_or_ids_give_the_same_deck(args: list[str], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["brief", "--format", "data", "--out", str(tmp_path), "--date", "2026-11-24",
                 *args])
    assert code == 0
    assert (tmp_path / "吉林示范区简报_人参-日本_2026-11-24_图表数据.zip").is_file()
    assert "已写入" in capsys.readouterr().err


def test_cli_writes_a_pptx(tmp_path: Path) -> None:
    out = tmp_path / "deck.pptx"
    code = main(["brief", "--format", "pptx", "--out", str(out), "--lang", "en",
                 "--report-only", "--date", "2026-11-24"])
    assert code == 0
    texts = _pptx_texts(out.read_bytes())
    assert "report facts only" in "\n".join(texts[0])
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize(("args", "message"), [
    (["--product", "durian"], "durian"),
    (["--dest", "Atlantis"], "Atlantis"),
    (["--zone", "nowhere"], "nowhere"),
    (["--period", "2009-13:2010-01"], "2009-13:2010-01"),
    (["--period", "2011-01:2009-01"], "2011-01:2009-01"),
    (["--date", "24/11/2026"], "24/11/2026"),
])
def test_cli_usage_errors_exit_2(args: list[str], message: str, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["brief", "--out", str(tmp_path / "x.pptx"), "--lang", "en", *args]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.pptx").exists()


def test_cli_bad_data_exits_1(data_copy: Path, tmp_path: Path) -> None:
    (data_copy / "zones.csv").write_text("zone_id\n", encoding="utf-8")
    assert main(["brief", "--out", str(tmp_path / "x.pptx"), "--data-dir",
                 str(data_copy)]) == 1
    assert not (tmp_path / "x.pptx").exists()


# ---------------------------------------------------------------- in the app


def test_isolated_export_matches_and_reports_progress(dataset: Dataset) -> None:
    """The app renders in a worker process (so other viewers keep the GIL)."""
    seen: list[tuple[float, str]] = []
    out = brief_export.export_isolated(dataset, REPORT_ONLY, "en", DATE, "data",
                                       progress=lambda f, m: seen.append((f, m)))
    here = _export(dataset, REPORT_ONLY, "en", "data")
    assert out.filename == here.filename
    a, b = (zipfile.ZipFile(io.BytesIO(x.data)) for x in (out, here))
    assert a.namelist() == b.namelist()
    assert all(a.read(n) == b.read(n) for n in a.namelist() if n.endswith(".csv"))
    assert seen and seen[-1][0] == 1.0
    assert brief_export._POOL is not None  # the worker is kept for the next export


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_export_control_builds_on_click_then_offers_the_download() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"),
                           default_timeout=120)
    at.query_params["product"] = "人参 Ginseng"
    at.run()
    assert not at.exception
    assert "_brief_result" not in at.session_state  # nothing is built on a rerun
    at.sidebar.radio(key="brief_format").set_value("pdf")
    at.sidebar.text_input(key="brief_title").input("人参对日韩（供参阅）")  # the cover (#22)
    at.sidebar.button(key="brief_build").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    result = at.session_state["_brief_result"]
    assert result["request"][-1] == "人参对日韩（供参阅）"
    assert result["filename"] == f"吉林示范区简报_人参_{dt.date.today().isoformat()}.pdf"
    assert result["data"].startswith(b"%PDF")
    assert not at.sidebar.error
    at.run()  # a rerun keeps the file and does not rebuild
    assert at.session_state["_brief_result"] is not None
    at.sidebar.radio(key="brief_format").set_value("pptx")
    at.run()
    assert t("brief.stale", "zh") in [c.value for c in at.sidebar.caption]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_export_failure_is_a_message_and_the_page_keeps_working(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("renderer exploded")

    monkeypatch.setattr(brief_export, "export_isolated", boom)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"),
                           default_timeout=120)
    at.run()
    at.sidebar.button(key="brief_build").click()
    at.run()
    assert not at.exception
    errors = [e.value for e in at.sidebar.error]
    assert any("RuntimeError" in e for e in errors)
    assert not any("Traceback" in e for e in errors)
    assert at.title and at.title[0].value == t("page.overview", "zh")
