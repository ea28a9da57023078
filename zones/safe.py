"""Untrusted text made harmless, in one place.

Anything that came from a link or a data file goes through ``plain`` before Streamlit
renders it as Markdown, and through ``neutralise_frame`` before it is written to a CSV or
XLSX a spreadsheet may open. Both are tested with hostile strings (tests/test_safe.py).
"""

from __future__ import annotations

import re
import string

import pandas as pd

# Every ASCII punctuation character may be backslash-escaped in CommonMark/GFM, which
# is what Streamlit renders; escaping all of them defeats links, images, headings,
# emphasis, tables, autolinks (``https\:``/``www\.``), ``:material/…:`` icons,
# ``:red[…]`` colours and ``$…$`` maths alike.
_PUNCT = re.compile("([" + re.escape(string.punctuation) + "])")
# Line breaks of every kind (CR, LF, VT, FF, NEL, LS, PS) would start a new block.
_BREAKS = re.compile("[\r\n\v\f\x85\u2028\u2029]+")
# OWASP CSV injection: a cell a spreadsheet would treat as a formula or DDE call.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# GFM turns "https://…", "www.…" and "a@b.c" in *text* into links after escapes are
# resolved, so escaping cannot stop it; an invisible WORD JOINER (U+2060) after the scheme,
# "www" or "@" breaks the pattern without changing what a reader sees.
_LINKISH = re.compile(r"(?i)(?:https?|ftp|mailto|www)(?=[:.])|@")
JOINER = "\u2060"


def plain(value: object, limit: int = 300) -> str:
    """``value`` as Markdown that renders as its own text (plus invisible joiners that keep
    addresses from becoming links), on one line."""
    # Leading spaces would make an indented code block; edges are not content anyway.
    text = _BREAKS.sub(" ", str(value)).strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _PUNCT.sub(r"\\\1", _LINKISH.sub(lambda m: m.group(0) + JOINER, text))


# Markdown constructs that reach outside the page or fake the app's own UI (#10).
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]*)\)")
_REF_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:.*$", re.M)
_RAW = re.compile(r"<[^>\n]*>|(?:https?|ftp|mailto|file|javascript):[^\s)|]*|www\.[^\s)|]*",
                  re.I)


def document(markdown: str) -> str:
    """A Markdown document (SOURCES.md of a data folder) with its tables and emphasis kept,
    but images, links, autolinks, bare URLs and HTML shown as plain text: nothing in it
    can make a viewer's browser fetch or open an outside address."""

    def clean(part: str) -> str:
        part = _IMAGE.sub(lambda m: plain(m.group(1)), part)
        part = _LINK.sub(lambda m: f"{plain(m.group(1))} ({plain(m.group(2))})", part)
        part = _REF_DEF.sub(lambda m: plain(m.group(0)), part)
        return _RAW.sub(lambda m: plain(m.group(0)), part)

    out, last = [], 0
    for m in _CODE_SPAN.finditer(markdown):  # code spans render literally already
        out += [clean(markdown[last:m.start()]), m.group(0)]
        last = m.end()
    out.append(clean(markdown[last:]))
    return "".join(out)


def neutralise_cell(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe.

    Numbers are left alone (a negative number is data, not a formula); only strings
    are changed, so every figure in an export stays exactly what the data says.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` safe to open in Excel/WPS: text columns neutralised, headers too."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_cell, na_action="ignore")
    out.columns = [neutralise_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM (Excel in Chinese opens it without mojibake), formulas neutralised."""
    return neutralise_frame(df).to_csv(index=False).encode("utf-8-sig")


def stored_csv_bytes(df: pd.DataFrame) -> bytes:
    """The data folder's own CSV (UTF-8, LF, csv-module quoting, '' for missing), as typed.

    Not neutralised on purpose: the loader reads these files back, and a leading '=' in a
    name is data. Every copy handed to a person goes through ``csv_bytes``.
    """
    return df.to_csv(index=False, lineterminator="\n", na_rep="").encode("utf-8")


def excel_sheet(writer: pd.ExcelWriter, df: pd.DataFrame, sheet_name: str,
                startrow: int = 0) -> None:
    """One sheet of a workbook the app writes, formulas neutralised like every CSV."""
    neutralise_frame(df).to_excel(writer, sheet_name=sheet_name, index=False,
                                  startrow=startrow)
