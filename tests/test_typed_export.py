"""Typed exports (issue 17, item 2): a workbook whose numbers can be added up.

Before: growth cells were the text ``'+51.0%`` (apostrophe visible) and years were
text, in the workbook and in the CSV. Now numbers are numbers with number formats,
and formula neutralisation touches text cells only.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from zones import tables
from zones.brief.deck import build_deck, safe_name
from zones.brief.export import export, xlsx_bytes
from zones.dataset.filters import FilterState, apply_filters
from zones.i18n import t
from zones.model import Dataset

DATE = dt.date(2026, 12, 3)


@pytest.fixture(scope="module", params=["zh", "en"])
def exported(request, dataset: Dataset) -> tuple[str, zipfile.ZipFile]:
    out = export(dataset, FilterState(period=("2008-07", "2012-12")), request.param, DATE,
                 "data")
    return request.param, zipfile.ZipFile(io.BytesIO(out.data))


def _book(zf: zipfile.ZipFile) -> openpyxl.Workbook:
    name = next(n for n in zf.namelist() if n.endswith(".xlsx"))
    return openpyxl.load_workbook(io.BytesIO(zf.read(name)))


def _column(ws, header: str) -> list[object]:
    heads = [c.value for c in ws[1]]
    j = heads.index(header) + 1
    return [ws.cell(row=i, column=j) for i in range(2, ws.max_row + 1)]


def test_a_summed_column_equals_the_data(exported, dataset: Dataset) -> None:
    lang, zf = exported
    ws = _book(zf)[t("brief.sheet.timeseries", lang)]
    cells = _column(ws, t("col.tonnes", lang))
    assert all(isinstance(c.value, (int, float)) for c in cells)  # 23.0 reads back as 23
    assert {c.number_format for c in cells} == {"#,##0.0"}
    view = apply_filters(dataset, FilterState(period=("2008-07", "2012-12")))
    assert sum(c.value for c in cells) == pytest.approx(float(view.volumes["tonnes"].sum()),
                                                        abs=0.05 * len(cells))


def test_growth_and_years_are_numbers_with_formats(exported) -> None:
    lang, zf = exported
    ws = _book(zf)[t("brief.sheet.growth", lang)]
    years = _column(ws, t("col.year", lang))
    assert [c.value for c in years] == [2008, 2009, 2010, 2011, 2012]
    growth = _column(ws, t("col.growth_pct", lang))
    assert growth[0].value is None  # the first year has no year before: empty, not "–"
    assert all(isinstance(c.value, float) and c.number_format == "0.0%" for c in growth[1:])
    assert round(growth[1].value, 3) == -0.077
    shares = _column(_book(zf)[t("brief.sheet.ranking", lang)], t("col.share_pct", lang))
    assert all(isinstance(c.value, (int, float)) and c.number_format == "0.0%" for c in shares)
    for ws in _book(zf).worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                assert not (isinstance(v, str) and v[:2] in ("'+", "'-") and v[2:3].isdigit()), v


def test_csv_holds_plain_numbers_with_a_bom(exported) -> None:
    lang, zf = exported
    name = next(n for n in zf.namelist() if safe_name(t("brief.sheet.growth", lang)) in n
                and n.endswith(".csv"))
    raw = zf.read(name)
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    growth = frame[t("col.growth_pct", lang)]
    assert pd.api.types.is_float_dtype(growth)
    assert growth.tolist()[1] == pytest.approx(-7.71)
    assert "'" not in raw.decode("utf-8-sig") and "+" not in raw.decode("utf-8-sig")
    assert frame[t("col.year", lang)].tolist() == [2008, 2009, 2010, 2011, 2012]


def test_text_cells_are_still_neutralised(dataset: Dataset) -> None:
    """OWASP: a product named like a formula stays text with its apostrophe."""
    deck = build_deck(dataset, FilterState(), "en", DATE)
    hostile = tables.export_table(pd.DataFrame({
        "product": ["=HYPERLINK(\"http://x\")", "Rice"], "tonnes": [-1.5, 2.0],
        "source_label": ["Imported", "Imported"]}), "en")
    deck = type(deck)(**{**deck.__dict__, "tables": {"ranking": hostile}})
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(deck)))[t("brief.sheet.ranking", "en")]
    assert ws["A2"].value == "'=HYPERLINK(\"http://x\")"
    tonnes = _column(ws, t("col.tonnes", "en"))
    assert [c.value for c in tonnes] == [-1.5, 2.0]  # a negative number is data, untouched
