"""Tables written for spreadsheets with their types kept: numbers a formula can add up.

Exports used to carry growth as the text ``'+51.0%`` and years as text, so a leader's
analyst could not sum or chart a column. The tables now stay numeric
(``tables.export_table``); this module applies their Excel number formats
(``#,##0.0``, ``0.0%``) and writes percentages into CSV as plain numbers under a
"(%)" header. Formula neutralisation (``zones.safe``) still applies to text cells only.
"""

from __future__ import annotations

import pandas as pd

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PERCENT = "0.0%"


def formats(frame: pd.DataFrame) -> dict[str, str]:
    """Header → Excel number format, as ``tables.export_table`` recorded them."""
    return dict(frame.attrs.get("formats", {}))


def format_sheet(ws: object, frame: pd.DataFrame, startrow: int = 0) -> None:
    """Give each typed column of ``frame`` (written at ``startrow``) its number format."""
    fmts = formats(frame)
    if not fmts:
        return
    for j, header in enumerate(frame.columns, start=1):
        fmt = fmts.get(str(header))
        if fmt is None:
            continue
        for i in range(len(frame)):
            cell = ws.cell(row=startrow + 2 + i, column=j)  # type: ignore[attr-defined]
            if isinstance(cell.value, (int, float)):
                cell.number_format = fmt


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as a CSV should hold it: percentages as numbers of per cent (−7.71).

    A CSV has no number formats, so a fraction would read as 0.0771 under "%"; the
    value is multiplied by 100 and kept to two decimals (a fraction rounded to 4).
    """
    fmts = formats(frame)
    pct = [c for c in frame.columns if fmts.get(str(c)) == PERCENT]
    if not pct:
        return frame
    out = frame.copy()
    for c in pct:
        out[c] = (pd.to_numeric(out[c], errors="coerce") * 100).round(2)
    return out
