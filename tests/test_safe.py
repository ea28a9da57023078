"""zones.safe: hostile text renders as exactly itself, and formulas never reach a spreadsheet.

``plain`` is checked by rendering its output with a CommonMark + GFM parser with
autolinks (markdown-it-py, like the remark/GFM stack of Streamlit's frontend): no link,
image, heading, emphasis, list, table, code, HTML or line break may come out, and the
visible text must equal the input. Streamlit's own directives (``:material/x:``,
``:red[x]``) and ``$maths$`` are checked on the escaped source.
"""

from __future__ import annotations

import ast
import html
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from markdown_it import MarkdownIt

from zones import safe, ui
from zones.safe import csv_bytes, document, neutralise_cell, neutralise_frame, plain

ROOT = Path(__file__).resolve().parents[1]
MD = MarkdownIt("gfm-like")  # tables, strikethrough, linkify (bare URLs, www., and more)
# GFM's autolink literals need www. or a scheme; linkify-it's fuzzy mode would also link
# "FACTS.md" (.md is a country domain), which Streamlit's renderer does not.
GFM = MarkdownIt("gfm-like")
GFM.linkify.set({"fuzzy_link": False})
BLOCK_TAGS = ("<a", "<img", "<h1", "<h2", "<h3", "<h4", "<h5", "<h6", "<script", "<em",
              "<strong", "<code", "<pre", "<blockquote", "<ul", "<ol", "<li", "<hr",
              "<table", "<s>", "<del", "<br", "<iframe", "<style")
BREAKS = "\r\n\v\f\x85\u2028\u2029"

HOSTILE = [
    "[Session expired - click here](https://phish.example/login)",
    "![t](http://203.0.113.9/p.png)",
    "\n# OFFICIAL: data withdrawn",
    "# heading",
    "Setext heading\n===",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "<a href='https://evil.example'>x</a>",
    "https://evil.example/login",
    "www.evil.example",
    "<https://evil.example>",
    "mailto:someone@evil.example",
    "someone@evil.example",
    "[ref]: https://evil.example",
    "[x][ref]\n\n[ref]: https://evil.example",
    ":material/warning: Data withdrawn",
    ":red[ALERT] :blue-background[x]",
    "$x^2$ and $$\\int$$",
    "**bold** __bold__ *em* _em_ ~~strike~~",
    "`code` ```fence```",
    "> quote",
    "- item\n* item\n+ item",
    "1. item",
    "---",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "    indented code",
    "a\\\nb",
    "line  \nbreak",
    "CR\rLF\nCRLF\r\nVT\vFF\fNEL\x85LS\u2028PS\u2029end",
    "&amp; &lt;script&gt; &#x3C;b&#x3E;",
    "\\[already\\] \\*escaped\\*",
    "德惠禽肉（示意）· 示范区 [链接](http://x.example)",
    "=HYPERLINK(\"http://evil.example\",\"click\")",
]


# What GFM's autolink-literal step links in a text node, escapes notwithstanding
# (Streamlit's renderer runs it after parsing, so only the text itself can prevent it).
AUTOLINK_LITERAL = re.compile(r"(?i)(?:https?|ftp|mailto):|www\.|[\w.+-]@[\w-]")


def rendered_text(markup: str) -> str:
    """The visible text (invisible joiners removed); asserts nothing would autolink."""
    body = MD.render(markup).strip()
    assert body.startswith("<p>") and body.endswith("</p>"), body
    inner = html.unescape(body[3:-4])
    assert "<p>" not in inner, body
    assert not AUTOLINK_LITERAL.search(inner), inner
    return inner.replace(safe.JOINER, "")


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_renders_as_exactly_its_text(text: str) -> None:
    out = plain(text, limit=10_000)
    body = MD.render(out)
    for tag in BLOCK_TAGS:
        assert tag not in body, (tag, body)
    expected = re.sub(f"[{BREAKS}]+", " ", text).strip()
    assert rendered_text(out) == expected


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_leaves_no_streamlit_directive_or_maths(text: str) -> None:
    out = plain(text, limit=10_000)
    assert not re.search(r"(?<!\\):[a-z]", out), out  # :material/…: and :red[…] start so
    assert not re.search(r"(?<!\\)\$", out), out
    assert not re.search(r"(?<!\\)[\[\]<>!#*_`|~]", out), out
    assert not any(b in out for b in BREAKS)


@pytest.mark.parametrize("value", [None, 3, 2.5, pd.NA, Path("/srv/data")])
def test_plain_takes_any_value(value: object) -> None:
    assert rendered_text(plain(value)) == str(value)


def test_plain_shortens_long_text() -> None:
    out = plain("x" * 5000)
    assert rendered_text(out) == "x" * 299 + "…"
    assert rendered_text(plain("y" * 50, limit=10)) == "y" * 9 + "…"


def test_document_keeps_tables_and_code_but_not_links_or_images() -> None:
    doc = document("# Title\n\n| `<fact>-<what>` | see [here](https://evil.example) |\n"
                   "|---|---|\n| ![i](http://203.0.113.9/p.png) | <b>x</b> www.evil.example |\n")
    body = MD.render(doc)
    assert "<h1>Title</h1>" in body
    assert "<table>" in body
    assert "<code>&lt;fact&gt;-&lt;what&gt;</code>" in body
    assert "<a" not in body and "<img" not in body and "<b>" not in body
    # the address is still there to read, as text
    assert "https://evil.example" in html.unescape(body).replace(safe.JOINER, "")


def test_bundled_sources_document_renders_without_links() -> None:
    from zones.datafiles import sources_markdown

    body = GFM.render(sources_markdown())
    assert "<table>" in body
    assert "<a" not in body and "<img" not in body


# -- formulas in downloads (OWASP CSV injection) ------------------------------------------

@pytest.mark.parametrize("cell", [
    "=HYPERLINK(\"http://evil.example\",\"x\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1",
])
def test_formula_cells_get_an_apostrophe(cell: str) -> None:
    assert neutralise_cell(cell) == "'" + cell


@pytest.mark.parametrize("value", ["Dehui", "人参", "", " =not first", -5, -2.5, 0, None])
def test_other_cells_are_untouched(value: object) -> None:
    assert neutralise_cell(value) == value


def test_csv_bytes_neutralises_every_text_cell_and_header() -> None:
    df = pd.DataFrame({"=name": ["=1+1", "+x", "ok", None], "tonnes": [-1.5, 2.0, 3.0, 4.0],
                       "note": pd.array(["@a", "-b", "\tc", "d"], dtype="string")})
    data = csv_bytes(df)
    assert data.startswith("\ufeff".encode())
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == ["'=name", "tonnes", "note"]
    assert back["=name" if "=name" in back else "'=name"].tolist() == ["'=1+1", "'+x", "ok", ""]
    assert back["note"].tolist() == ["'@a", "'-b", "'\tc", "d"]
    assert back["tonnes"].tolist() == ["-1.5", "2.0", "3.0", "4.0"]  # numbers stay numbers
    assert df["=name"].tolist()[0] == "=1+1"  # the caller's frame is not changed


def test_neutralise_frame_keeps_dtypes_of_numbers() -> None:
    df = pd.DataFrame({"a": [1, -2], "b": ["=x", "y"]})
    out = neutralise_frame(df)
    assert out["a"].tolist() == [1, -2]
    assert out["b"].tolist() == ["'=x", "y"]


def test_ui_downloads_use_the_safe_writer() -> None:
    df = pd.DataFrame({"x": ["=1"]})
    assert ui.csv_bytes(df) == safe.csv_bytes(df)


def _calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.func.attr for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]


@pytest.mark.parametrize("path", sorted([*(ROOT / "zones").rglob("*.py"),
                                         *(ROOT / "pages").glob("*.py"), ROOT / "app.py"]),
                         ids=lambda p: p.name)
def test_only_the_safe_module_writes_spreadsheets(path: Path) -> None:
    """Every CSV/XLSX the app writes goes through zones.safe (neutralised)."""
    if path.name == "safe.py":
        return
    calls = _calls(path)
    assert "to_csv" not in calls and "to_excel" not in calls, path


@pytest.mark.parametrize("path", [*sorted((ROOT / "pages").glob("*.py")),
                                  ROOT / "zones" / "ui" / "parts.py",
                                  ROOT / "zones" / "ui" / "importer.py"],
                         ids=lambda p: p.name)
def test_every_csv_download_is_built_by_csv_bytes(path: Path) -> None:
    """Every CSV download's data is csv_bytes(…), directly or deferred (lambda: csv_bytes(…))."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = 0
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "download_button"):
            mime = next((k.value.value for k in node.keywords if k.arg == "mime"
                         and isinstance(k.value, ast.Constant)), "")
            if mime != "text/csv":
                continue
            found += 1
            data = node.args[1] if len(node.args) > 1 else next(
                k.value for k in node.keywords if k.arg == "data")
            if isinstance(data, ast.Lambda):
                data = data.body
            assert isinstance(data, ast.Call) and getattr(data.func, "id", getattr(
                data.func, "attr", None)) == "csv_bytes", ast.unparse(node)
    assert found or path.name != "parts.py", "the scan no longer sees the CSV downloads"
