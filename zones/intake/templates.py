"""XLSX templates for imports: one per table, with its current data, that round-trip unchanged.

A template has three sheets: the data (header row + rows), an explanation of every column,
and the lists of valid zones/products/countries/counties that the data sheet's drop-downs
(Excel data validation) refer to. Every text cell goes through ``zones.safe``: a value a
spreadsheet would run as a formula is written with a leading apostrophe, and read back
without it.

``HEADERS`` is the contract with the import reader: the exact header strings of a
template, ``"<label> <column>"`` in Chinese or English (e.g. ``月份 period``,
``Month period``). ``read_upload`` recognises a template by those headers and reads it
directly; anything else goes to ``zones.intake.pipeline.parse_upload``.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from zones import safe
from zones.dataset.validation import Issue
from zones.i18n import t
from zones.intake import limits
from zones.intake.parsed import TABLES, ColumnMatch, Parsed, Skipped, model_columns
from zones.intake.pipeline import parse_upload
from zones.model import CATEGORIES, FILES, LEVELS, Dataset

# (Chinese label, English label) of every column an import provides.
LABELS: dict[str, tuple[str, str]] = {
    "zone_id": ("示范区编号", "Zone id"),
    "name_zh": ("中文名称", "Chinese name"),
    "name_en": ("英文名称", "English name"),
    "short_zh": ("中文简称", "Chinese short name"),
    "short_en": ("英文简称", "English short name"),
    "county_adcode": ("县级代码", "County code"),
    "lon": ("经度", "Longitude"),
    "lat": ("纬度", "Latitude"),
    "products": ("产品编号", "Product ids"),
    "level": ("级别", "Level"),
    "launched": ("启动时间", "Launched"),
    "note_zh": ("中文说明", "Note (Chinese)"),
    "note_en": ("英文说明", "Note (English)"),
    "product_id": ("产品编号", "Product id"),
    "category": ("类别", "Category"),
    "hs_codes": ("HS编码前缀", "HS code prefixes"),
    "iso3": ("国家代码", "Country code"),
    "period": ("月份", "Month"),
    "destination_iso3": ("目的国代码", "Destination code"),
    "tonnes": ("重量吨", "Tonnes"),
    "value_usd": ("货值美元", "Value USD"),
    "consignments": ("批次", "Consignments"),
}
SHEETS: dict[str, tuple[str, str, str]] = {  # lang → data, explanation, lists
    "zh": ("数据", "列说明", "选项"),
    "en": ("data", "columns", "lists"),
}
MAX_XLSX_UNPACKED = 200 * 1024 * 1024  # refuse archives that inflate beyond this (bombs)


def header(column: str, lang: str) -> str:
    zh, en = LABELS[column]
    return f"{zh if lang == 'zh' else en} {column}"


# Every header string a template may carry, per table: header text → model column.
HEADERS: dict[str, dict[str, str]] = {
    table: {h: c for c in model_columns(table)
            for h in (header(c, "zh"), header(c, "en"), c)}
    for table in TABLES
}


def _lists(ds: Dataset, lang: str) -> dict[str, list[tuple[str, str]]]:
    nc = "name_zh" if lang == "zh" else "name_en"
    cn = "name_zh" if lang == "zh" else "name_en"
    return {
        "zone_id": list(zip(ds.zones["zone_id"], ds.zones[nc], strict=True)),
        "product_id": list(zip(ds.products["product_id"], ds.products[nc], strict=True)),
        "destination_iso3": list(zip(ds.destinations["iso3"], ds.destinations[nc],
                                     strict=True)),
        "county_adcode": list(zip(ds.counties["adcode"], ds.counties[cn], strict=True)),
        "level": [(v, t(f"level.{v}", lang)) for v in LEVELS],
        "category": [(v, t(f"cat.{v}", lang)) for v in CATEGORIES],
    }


def _cell(value: object, kind: str) -> object:
    if value is None or pd.isna(value) or str(value).strip() == "":
        return None
    text = str(value).strip()
    if kind in ("int", "float"):
        try:
            number = float(text)
        except ValueError:
            return safe.neutralise_cell(text)
        return int(number) if kind == "int" and number == int(number) else number
    return safe.neutralise_cell(text)


def build_template(table: str, lang: str, ds: Dataset, rows: pd.DataFrame | None = None
                   ) -> bytes:
    """The XLSX for ``table``: empty, or with ``rows`` (the table as text) in the same layout."""
    spec = FILES[f"{table}.csv"]
    kinds = {c.name: c.kind for c in spec.columns}
    docs = {c.name: c for c in spec.columns}
    cols = model_columns(table)
    data_name, about_name, lists_name = SHEETS[lang]
    wb = Workbook()
    ws = wb.active
    ws.title = data_name
    ws.append([header(c, lang) for c in cols])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF3E0")
    for i, c in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font, cell.fill = bold, fill
        ws.column_dimensions[get_column_letter(i)].width = max(14, len(header(c, lang)) + 4)
    ws.freeze_panes = "A2"
    if rows is not None:
        for rec in rows.reindex(columns=cols).itertuples(index=False):
            ws.append([_cell(v, kinds[c]) for c, v in zip(cols, rec, strict=True)])

    about = wb.create_sheet(about_name)
    about.append([t("tpl.col.header", lang), t("tpl.col.meaning", lang),
                  t("tpl.col.required", lang), t("tpl.col.format", lang)])
    for i in range(1, 5):
        about.cell(row=1, column=i).font = bold
    for c in cols:
        col = docs[c]
        fmt = (t("tpl.format.list", lang) if c in _LIST_COLUMNS else
               t(f"tpl.format.{col.kind}", lang))
        about.append([safe.neutralise_cell(header(c, lang)),
                      safe.neutralise_cell(col.doc_zh if lang == "zh" else col.doc_en),
                      t("data.yes" if col.required else "data.no", lang), fmt])
    about.append([])
    about.append([t("tpl.note", lang)])
    for letter, width in zip("ABCD", (26, 60, 10, 40), strict=True):
        about.column_dimensions[letter].width = width

    lists = wb.create_sheet(lists_name)
    options = _lists(ds, lang)
    col_index = 1
    for i, c in enumerate(cols, start=1):
        if c not in options:
            continue
        values = options[c]
        lists.cell(row=1, column=col_index, value=header(c, lang)).font = bold
        lists.cell(row=1, column=col_index + 1, value=t("tpl.name", lang)).font = bold
        for r, (code, name) in enumerate(values, start=2):
            lists.cell(row=r, column=col_index, value=safe.neutralise_cell(str(code)))
            lists.cell(row=r, column=col_index + 1, value=safe.neutralise_cell(str(name)))
        letter = get_column_letter(col_index)
        dv = DataValidation(
            type="list", allow_blank=not docs[c].required,
            formula1=f"'{lists_name}'!${letter}$2:${letter}${len(values) + 1}",
            showErrorMessage=True, errorTitle=t("tpl.dv.title", lang),
            error=t("tpl.dv.error", lang))
        ws.add_data_validation(dv)
        dv.add(f"{get_column_letter(i)}2:{get_column_letter(i)}{max(ws.max_row, 2) + 5000}")
        lists.column_dimensions[letter].width = 20
        lists.column_dimensions[get_column_letter(col_index + 1)].width = 30
        col_index += 3
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_LIST_COLUMNS = {"zone_id", "product_id", "destination_iso3", "county_adcode", "level",
                 "category"}


def _text(value: object, column: str) -> str:
    """A cell as the canonical text the model expects (Excel turns '2010-09' into dates)."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return f"{value.year:04d}-{value.month:02d}" if column == "period" else (
            value.isoformat()[:10])
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(safe.FORMULA_PREFIXES):
        return text[1:]  # what zones.safe added on the way out
    return text


def _is_xlsx(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def looks_like_template(data: bytes, table: str, sheet: str | None = None) -> bool:
    """True when the first (or named) sheet's header row is exactly a template's headers."""
    if not _is_xlsx(data):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_XLSX_UNPACKED:
                return False
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return False
    try:
        ws = wb[sheet] if sheet and sheet in wb.sheetnames else wb.worksheets[0]
        first = next(ws.iter_rows(min_row=1, max_row=1, max_col=60, values_only=True), ())
        heads = [str(h).strip() for h in first if h is not None and str(h).strip()]
        return bool(heads) and all(h in HEADERS[table] for h in heads)
    finally:
        wb.close()


def parse_template(data: bytes, file_name: str, table: str, *, sheet: str | None = None,
                   max_rows: int = limits.MAX_ROWS) -> Parsed:
    """Read a template (see ``looks_like_template``) into the import's ``Parsed`` form."""
    digest = hashlib.sha256(data).hexdigest()
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = wb[sheet] if sheet and sheet in wb.sheetnames else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        heads = [("" if h is None else str(h).strip()) for h in next(rows, ())]
        mapping = {i: HEADERS[table][h] for i, h in enumerate(heads) if h in HEADERS[table]}
        wanted = model_columns(table)
        present = set(mapping.values())
        issues = [Issue(file_name, 1, header(c, "zh") + " / " + header(c, "en"),
                        "missing_column") for c in wanted if c not in present]
        body: list[dict[str, str]] = []
        lines: list[int] = []
        skipped: list[Skipped] = []
        for n, row in enumerate(rows, start=2):
            if n - 1 > max_rows:
                issues.append(Issue(file_name, None, None, "too_many_rows",
                                    {"rows": f">{max_rows}", "limit": str(max_rows)}))
                break
            values = {mapping[i]: _text(v, mapping[i]) for i, v in enumerate(row)
                      if i in mapping}
            if not any(values.values()):
                skipped.append(Skipped(n, "blank"))
                continue
            body.append(values)
            lines.append(n)
    finally:
        wb.close()
    frame = pd.DataFrame(body, columns=wanted, dtype="string")
    return Parsed(table, file_name, digest, None if issues else frame, tuple(lines),
                  tuple(ColumnMatch(heads[i], c) for i, c in mapping.items()),
                  (), tuple(skipped), tuple(issues))


def read_upload(data: bytes, file_name: str, table: str, ds: Dataset, *,
                sheet: str | None = None, zone: str | None = None) -> Parsed:
    """The one entry of an import: our own template read exactly, anything else by ingest.

    ``zone``: the officer's zone for rows the file leaves without one (#17); our template
    has its own zone column and is read as written.
    """
    if looks_like_template(data, table, sheet):
        return parse_template(data, file_name, table, sheet=sheet)
    return parse_upload(data, file_name, table, ds, sheet=sheet, zone=zone)
