"""Ctrl+P gives a handout (#21, item 3): every page, both languages, printed to A4 and read back.

One app server and one Chromium (the session's); each page is opened on a wide desk screen,
its charts drawn, then laid out for print (``emulate_media("print")``: the charts redraw at
the page's width) and printed to A4 PDF. The PDFs are read page by page with ``pdftotext``
(no control text, no heading at the foot of a page, no blank page, the filter line and the
illustrative marking on page 1) and the size of every piece of text on paper is computed
from the PDF's content streams (``pypdf``): nothing below 7 pt, chart labels included.
Copies of the PDFs go to ``artifacts/print/`` to look at.
"""

from __future__ import annotations

import html
import math
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found: the browser suite needs Debian's chromium",
                allow_module_level=True)
if shutil.which("pdftotext") is None:
    pytest.skip("pdftotext not found (apt-get install poppler-utils)", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the browser suite needs playwright")
pypdf = pytest.importorskip("pypdf", reason="the print test reads font sizes with pypdf")

from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.conftest import ROOT, is_local  # noqa: E402
from zones.i18n import t  # noqa: E402
from zones.links import page_option_label  # noqa: E402
from zones.view import PAGE_OPTIONS  # noqa: E402

# One worker runs the module: its module-scoped servers and printouts are made once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("print")]

# path, Vega charts drawn with no filter, most printed A4 pages accepted
PAGES = {
    "overview": ("", 2, 4),
    "zones": ("zones", 2, 2),
    "destinations": ("destinations", 1, 2),
    "volumes": ("volumes", 4, 3),
    "data": ("data", 0, 2),
}
LANGS = ("zh", "en")
# A filter that matches nothing: the message's hint about the sidebar is for the screen.
EMPTY, EMPTY_PATH = ("volumes-empty", "zh"), "volumes?product=ginseng&dest=AFG"
DESK = {"width": 1920, "height": 1080}  # a wide screen: charts drawn ~1500 px wide there
MIN_PT = 7.0
OUT = ROOT / "artifacts" / "print"
# Text meant for the screen: the sidebar's, controls', expander bars', instructions'.
SCREEN_KEYS = ("lang.label", "present.label", "filter.report_only", "filter.reset",
               "filter.share", "share.button", "brief.title", "brief.build", "rs.add",
               "vol.data", "vol.granularity", "vol.stack", "vol.download",
               "zones.map.help", "zones.profile.none", "dest.choose", "data.downloads.note")
ICON_NAMES = ("keyboard_arrow", "filter_alt", "download", "content_copy", "touch_app")


@dataclass
class Printed:
    pdf: Path
    pages: list[str]  # pdftotext -layout, one string per A4 page
    headings: list[str]  # the page's headings, as shown
    over_tables: list[str]  # those right above a table (drawn on a canvas)
    chart_widths: list[float] = field(default_factory=list)  # drawn width, CSS px
    tiles: list[dict] = field(default_factory=list)  # headline values laid out for print


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pdf_pages(pdf: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    count = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
            for i in range(1, count + 1)]


def _images(pdf: Path, page: int) -> int:
    out = subprocess.run(["pdfimages", "-list", "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, text=True, check=True).stdout
    return len(out.splitlines()) - 2  # two header lines


def _last_lines(pdf: Path) -> list[str]:
    """Per page, the last line of text (by its words' boxes)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    result = []
    for body in re.findall(r'<page width="[\d.]+" height="[\d.]+">(.*?)</page>', out, re.S):
        words = [(float(y0), float(y1), w) for y0, y1, w in re.findall(
            r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>',
            body)]
        if not words:
            result.append("")
            continue
        last = max(y0 for y0, _, _ in words)
        result.append("".join(w for y0, _, w in words if y0 >= last - 2))
    return result


def _mul(a: list[float], b: list[float]) -> list[float]:
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def _runs(content, resources, ctm: list[float], reader, found: list[float]) -> None:
    """Text runs of one content stream, into form XObjects (Chromium draws some there)."""
    from pypdf.generic import ContentStream

    fonts = resources.get("/Font", {})
    xobjects = resources.get("/XObject", {})
    stack: list[list[float]] = []
    tm, size, font = [1.0, 0, 0, 1.0, 0, 0], 0.0, None
    for operands, op in ContentStream(content, reader).operations:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop()
        elif op == b"cm":
            ctm = _mul([float(x) for x in operands], ctm)
        elif op == b"BT":
            tm = [1.0, 0, 0, 1.0, 0, 0]
        elif op == b"Tm":
            tm = [float(x) for x in operands]
        elif op in (b"Td", b"TD"):
            tm = _mul([1.0, 0, 0, 1.0, float(operands[0]), float(operands[1])], tm)
        elif op == b"Tf":
            font, size = operands[0], float(operands[1])
        elif op in (b"Tj", b"TJ", b"'", b'"'):
            m = _mul(tm, ctm)
            matrix = fonts[font].get_object().get("/FontMatrix", [0.001, 0, 0, 0.001, 0, 0])
            scale = abs(float(matrix[3])) / 0.001
            found.append(size * scale * math.sqrt(abs(m[0] * m[3] - m[1] * m[2])))
        elif op == b"Do":
            form = xobjects[operands[0]].get_object()
            if form.get("/Subtype") == "/Form":
                inner = _mul([float(x) for x in form.get("/Matrix", [1, 0, 0, 1, 0, 0])], ctm)
                _runs(form, form.get("/Resources", resources).get_object(), inner, reader,
                      found)


def text_sizes(pdf: Path) -> list[list[float]]:
    """Per page, the size on paper (pt) of every text run: the font size scaled by the
    text and transformation matrices (and a Type 3 font's own matrix), as a PDF viewer
    draws it. ``pdftotext -bbox`` cannot tell this: Chromium embeds the web fonts as
    Type 3 fonts, whose boxes are the font's, not the glyphs'."""
    reader = pypdf.PdfReader(str(pdf))
    sizes: list[list[float]] = []
    for page in reader.pages:
        found: list[float] = []
        _runs(page.get_contents(), page["/Resources"].get_object(), [1.0, 0, 0, 1.0, 0, 0],
              reader, found)
        sizes.append(found)
    return sizes


def _wait_drawn(page: Page, charts: int) -> None:
    """The page's script has run and every chart has drawn its SVG."""
    expect(page.locator('[data-testid="stMain"] h1').first).to_be_visible()
    app = page.locator('[data-testid="stApp"]')
    expect(app).to_have_attribute("data-test-script-state", "notRunning")
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
    expect(page.locator('[data-testid^="stSkeleton"]')).to_have_count(0)
    expect(page.locator('[data-testid="stVegaLiteChart"] svg.marks')).to_have_count(charts)


_FITS_PRINT = """() => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const w = main.getBoundingClientRect().width;
  const svgs = [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg.marks')];
  return w < 760 && svgs.every(s => parseFloat(s.getAttribute('width')) <= w + 1);
}"""
_OVER_TABLES = """() => [...document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stElementContainer"]:has([data-testid="stHeading"])'
  )].filter(e => e.nextElementSibling?.querySelector('[data-testid="stDataFrame"]'))
  .map(e => e.innerText)"""
_WIDTHS = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg.marks')]
  .map(s => parseFloat(s.getAttribute('width')))"""
_TILES = """() => [...document.querySelectorAll('[data-testid="stMetricValue"]')].map(v => {
  const inner = v.querySelector('div') || v;
  const style = getComputedStyle(inner);
  const lh = parseFloat(style.lineHeight) || 1.4 * parseFloat(style.fontSize);
  const tile = v.closest('[data-testid="stMetric"]').getBoundingClientRect();
  const box = inner.getBoundingClientRect();
  return {text: v.innerText, lines: Math.round(box.height / lh), right: box.right,
          tile: tile.right};
})"""


def _print(page: Page, base: str, path: str, lang: str, charts: int, name: str) -> Printed:
    page.goto(f"{base}/{path}{'&' if '?' in path else '?'}lang={lang}")
    _wait_drawn(page, charts)
    headings = page.locator('[data-testid="stMain"] [data-testid="stHeading"]').all_inner_texts()
    over_tables = page.evaluate(_OVER_TABLES)
    page.emulate_media(media="print")
    # Laid out at the paper's width, the charts redraw to it: wait for that.
    page.wait_for_function(_FITS_PRINT, timeout=30_000)
    _wait_drawn(page, charts)
    widths = page.evaluate(_WIDTHS)
    tiles = page.evaluate(_TILES)
    pdf = OUT / f"{name}-{lang}.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    page.emulate_media(media="screen")
    return Printed(pdf, _pdf_pages(pdf), [h.strip() for h in headings if h.strip()],
                   [h.strip() for h in over_tables], widths, tiles)


@pytest.fixture(scope="module")
def printed(browser, app_url: str) -> Iterator[dict[tuple[str, str], Printed]]:
    """Every page in both languages, printed once for the whole module."""
    OUT.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=DESK, locale="zh-CN")
    context.set_default_timeout(60_000)
    expect.set_options(timeout=60_000)
    requests: list[str] = []
    errors: list[str] = []
    context.on("request", lambda req: requests.append(req.url))
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        done = {(name, lang): _print(page, app_url, path, lang, charts, name)
                for name, (path, charts, _) in PAGES.items() for lang in LANGS}
        done[EMPTY] = _print(page, app_url, EMPTY_PATH, "zh", 0, "volumes-empty")
        yield done
    finally:
        context.close()
    assert not sorted({u for u in requests if not is_local(u)}), "a request left the machine"
    assert not errors, f"uncaught JavaScript errors in the page: {errors}"


CASES = [(name, lang) for name in PAGES for lang in LANGS]


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_printout_is_a_handout(printed, name: str, lang: str) -> None:
    doc = printed[(name, lang)]
    pages = doc.pages
    assert 1 <= len(pages) <= PAGES[name][2], f"{doc.pdf.name}: {len(pages)} pages"
    for i, text in enumerate(pages, 1):
        assert text.strip(), f"{doc.pdf.name}: page {i} is blank"
    whole = _squash("".join(pages))
    screen = [t(k, lang) for k in SCREEN_KEYS]
    screen += [page_option_label(k, v) for k, opts in PAGE_OPTIONS.items() for v in opts]
    left = [s for s in screen if _squash(s) in whole]
    left += [s for s in ICON_NAMES if s in whole]
    assert not left, f"{doc.pdf.name}: screen-only text printed: {left}"
    # Page 1: the filter line and the illustrative marking.
    first = _squash(pages[0])
    assert _squash(t("filter.summary", lang, summary="")) in first
    assert _squash(t("banner.illustrative", lang))[:20] in first, "marking not on page 1"
    # No heading as the last line of a page (the last page may end anywhere). A table is
    # drawn on a canvas (an image, no text): a heading right above one must have an image
    # after it on its page.
    for i, last in enumerate(_last_lines(doc.pdf)[:-1], 1):
        here = [h for h in doc.headings if _squash(h) == _squash(html.unescape(last))]
        stranded = [h for h in here if h not in doc.over_tables]
        assert not stranded, f"{doc.pdf.name}: heading {stranded} alone at the foot of page {i}"
        if here:
            assert _images(doc.pdf, i), f"{doc.pdf.name}: {here} without its table on page {i}"


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_printed_text_is_legible(printed, name: str, lang: str) -> None:
    """Every piece of text on paper is ≥ 7 pt, chart labels included; charts are drawn at
    the page's width (not shrunk from a wide screen); headline values on one line."""
    doc = printed[(name, lang)]
    sizes = text_sizes(doc.pdf)
    smallest = min(min(s) for s in sizes if s)
    assert smallest >= MIN_PT, f"{doc.pdf.name}: text of {smallest:.2f} pt"
    assert max(max(s) for s in sizes if s) == pytest.approx(33.0, abs=0.5)  # the 44 px title
    assert all(0 < w <= 700 for w in doc.chart_widths), doc.chart_widths
    for tile in doc.tiles:
        assert tile["lines"] == 1 and tile["right"] <= tile["tile"] + 0.5, tile


def test_empty_state_prints_without_its_sidebar_hint(printed) -> None:
    doc = printed[EMPTY]
    whole = _squash("".join(doc.pages))
    assert _squash(t("empty.title", "zh")) in whole, doc.pages
    assert _squash(t("empty.hint", "zh")) not in whole
    assert _squash(t("filter.summary", "zh", summary="")) in _squash(doc.pages[0])
