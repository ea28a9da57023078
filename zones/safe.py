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


def plain(value: object, limit: int = 300) -> str:
    """``value`` as Markdown that renders as exactly its own text, on one line."""
    text = _BREAKS.sub(" ", str(value))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _PUNCT.sub(r"\\\1", text)


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
