"""XLSX templates: headers, explanations, drop-downs, neutralised cells, unchanged round trip."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from zones.dataset.loading import CsvSource, load
from zones.intake import planning, records, store, templates
from zones.intake.parsed import TABLES, model_columns
from zones.model import Dataset


def current(root: Path) -> Dataset:
    ds = load(CsvSource(root)).dataset
    assert ds is not None
    return ds


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("table", TABLES)
def test_template_layout(dataset: Dataset, table: str, lang: str) -> None:
    data = templates.build_template(table, lang, dataset)
    wb = load_workbook(io.BytesIO(data))
    data_name, about_name, lists_name = templates.SHEETS[lang]
    assert wb.sheetnames == [data_name, about_name, lists_name]
    heads = [c.value for c in wb[data_name][1]]
    assert heads == [templates.header(c, lang) for c in model_columns(table)]
    assert all(h in templates.HEADERS[table] for h in heads)
    assert wb[about_name].max_row >= len(heads) + 1
    dvs = wb[data_name].data_validations.dataValidation
    if table in ("export_volumes", "zones", "products"):
        assert dvs and all(dv.formula1.startswith(f"'{lists_name}'!") for dv in dvs)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("table", TABLES)
def test_current_data_round_trips_unchanged(data_copy: Path, table: str, lang: str) -> None:
    ds = current(data_copy)
    data = templates.build_template(table, lang, ds, records.read_table(data_copy, table))
    parsed = templates.read_upload(data, f"{table}.xlsx", table, ds)
    assert parsed.ok, parsed.issues
    plan = planning.plan_import(parsed, "replace", data_copy, "t")
    assert plan.ok, plan.issues[:5]
    assert plan.diff is not None and not plan.diff.any, (plan.diff.changed_cells.head(),
                                                        plan.diff.added, plan.diff.removed)


def test_filled_in_template_adds_rows(data_copy: Path) -> None:
    ds = current(data_copy)
    data = templates.build_template("export_volumes", "zh", ds)
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    ws.append(["2013-01", "dehui-poultry", "poultry_meat", "JPN", 12.5, 34000, 2])
    buf = io.BytesIO()
    wb.save(buf)
    parsed = templates.read_upload(buf.getvalue(), "filled.xlsx", "export_volumes", ds)
    plan = planning.plan_import(parsed, "upsert", data_copy, "t")
    assert plan.ok, plan.issues
    assert plan.diff is not None and plan.diff.added == 1
    store.apply(plan)
    vol = current(data_copy).volumes
    row = vol[vol["period"] == "2013-01"].iloc[0]
    assert (row["tonnes"], row["value_usd"], row["source"]) == (12.5, 34000, "imported")


def test_formula_text_is_neutralised_and_read_back(data_copy: Path) -> None:
    ds = current(data_copy)
    rows = records.read_table(data_copy, "zones").reset_index(drop=True)
    rows.loc[0, "note_en"] = "=HYPERLINK(\"http://x\",\"y\")"
    data = templates.build_template("zones", "en", ds, rows)
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    col = model_columns("zones").index("note_en") + 1
    cell = ws.cell(row=2, column=col)
    assert cell.data_type == "s" and str(cell.value).startswith("'=")
    parsed = templates.read_upload(data, "zones.xlsx", "zones", ds)
    assert parsed.frame is not None
    assert parsed.frame.loc[0, "note_en"] == "=HYPERLINK(\"http://x\",\"y\")"


def test_excel_dates_become_months(data_copy: Path) -> None:
    from datetime import datetime

    ds = current(data_copy)
    wb = load_workbook(io.BytesIO(templates.build_template("export_volumes", "en", ds)))
    wb.worksheets[0].append([datetime(2013, 2, 1), "dehui-poultry", "poultry_meat", "KOR",
                             1, 2, 3])
    buf = io.BytesIO()
    wb.save(buf)
    parsed = templates.read_upload(buf.getvalue(), "d.xlsx", "export_volumes", ds)
    assert parsed.frame is not None and parsed.frame.loc[0, "period"] == "2013-02"


def test_other_files_go_to_the_ingest_reader(dataset: Dataset) -> None:
    csv = b"period,zone_id\n2013-01,x\n"
    assert not templates.looks_like_template(csv, "export_volumes")
    parsed = templates.read_upload(csv, "x.csv", "export_volumes", dataset)
    assert not parsed.ok  # the canonical reader: columns missing
    assert not templates.looks_like_template(b"PK\x03\x04garbage", "zones")
