"""Reading an officer's file (CSV in any common encoding, XLSX) into a table of the model.

``parse_upload`` is the first half of the import pipeline (the store diffs, applies and
records history on top of ``Parsed``). It takes the file as officers really keep it —
GBK or UTF-8 CSV or an Excel workbook, a title and a "单位：万美元" line above a one- or
two-row Chinese header, a 序号 column, 合计 rows and notes below — and returns the rows
in the model's columns with canonical values (``2010-09``, ids, ISO3, plain decimals),
or every problem found, each naming the line and the header as the officer sees them.

Header names are matched through ``HEADERS`` below (one table per data file: the names
officers use for each column, Chinese and English); units in headers through ``UNITS``.
Both are data, documented here and shown to the user as the column mapping.

CSV encodings: BOM (UTF-8, UTF-16), strict UTF-8, then charset-normalizer (a Chinese guess
is read as GB18030). XLSX: python-calamine reads the values (the first visible sheet
unless one is named); a sheet header split over two rows (merged group cells) is joined.

Bounded work on hostile input: files over ``MAX_BYTES``, workbooks that unpack to more
than ``MAX_XLSX_UNPACKED`` or whose sheet spans more than ``MAX_SHEET_CELLS``, more than
``MAX_ROWS`` rows or ``MAX_COLUMNS`` columns are refused before or while reading, with a
message, never an exception (bench/bench_ingest.py has the timings).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import pandas as pd

from zones import attribution, customs
from zones.lookup import Country, Lookups
from zones.model import CATEGORIES, FILES, ID_RE, LEVELS, Dataset
from zones.parse import (
    ValueProblem,
    format_decimal,
    hs_digits,
    is_empty,
    name_key,
    parse_month,
    parse_number,
    parse_year_or_month,
    text_of,
)
from zones.validation import Issue

log = logging.getLogger(__name__)

TABLES: tuple[str, ...] = ("zones", "products", "destinations", "export_volumes")
PROVENANCE_COLUMNS: tuple[str, ...] = ("source", "fact_id")

MAX_BYTES = 20 * 1024 * 1024          # an upload; a year of monthly records is < 2 MB
MAX_XLSX_UNPACKED = 100 * 1024 * 1024  # all members of a workbook, uncompressed
MAX_ROWS = 200_000                    # data rows (blank, title and total rows not counted)
MAX_COLUMNS = 200
MAX_CELL_CHARS = 1000
HEADER_SEARCH_ROWS = 30               # the header must start within this many lines
MAX_SHEET_CELLS = 5_000_000           # rows × columns a sheet's values span (the reader's grid)
MAX_ISSUES = 1000                     # reading stops there: the file is not what was meant

# ---------------------------------------------------------------- header names

# For each table, each model column and the header names officers use for it. Matched on
# ``name_key`` (case, width, spaces and punctuation ignored); a unit in brackets or at
# the end ("货值（万美元）", "货值万美元", "weight (kg)") is split off first via ``UNITS``.
HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "export_volumes": {
        "period": ("period", "月份", "月", "月度", "年月", "年份月份", "统计月份", "出口月份",
                   "统计期", "期间", "报告期", "时间", "日期", "month", "year-month", "date"),
        # A separate year column ("年份 | 月份: 2010 | 9"): not a model column, it completes
        # a period written as a bare month.
        "_year": ("年份", "年", "年度", "统计年份", "统计年度", "year"),
        "zone_id": ("zone_id", "示范区", "示范区名称", "示范区简称", "示范区编号", "所属示范区",
                    "zone", "zone name", "demonstration zone"),
        "product_id": ("product_id", "HS编码", "HS编号", "HS", "HS code", "商品编码",
                       "商品代码", "海关编码", "税则号", "税号", "产品", "产品名称", "商品",
                       "商品名称", "品名", "货物名称", "货品名称", "product", "product name",
                       "commodity"),
        "destination_iso3": ("destination_iso3", "目的国", "目的国家", "目的地", "目的国(地区)",
                             "目的国家(地区)", "贸易伙伴", "贸易伙伴名称", "国家(地区)",
                             "国家地区", "国家", "国别", "国别(地区)", "输往国家",
                             "输往国家(地区)", "输往国", "出口国家", "出口国家(地区)",
                             "贸易国", "贸易国(地区)", "destination", "country",
                             "country/region", "partner", "destination country", "iso3"),
        "tonnes": ("tonnes", "tons", "吨数", "重量", "净重", "出口重量", "weight",
                   "net weight"),
        "value_usd": ("value_usd", "美元", "USD", "美元金额", "货值", "金额", "出口额",
                      "出口金额", "出口货值", "货物价值", "价值", "value", "export value"),
        "consignments": ("consignments", "批次", "批数", "出口批次", "报检批次", "检验批次",
                         "批", "batches", "lots", "shipments", "number of consignments"),
    },
    "zones": {
        "zone_id": ("zone_id", "示范区编号", "示范区代码", "编号", "代码", "id"),
        "name_zh": ("name_zh", "示范区名称", "示范区全称", "中文名称", "中文全称", "名称",
                    "全称", "示范区"),
        "name_en": ("name_en", "英文名称", "英文全称", "english name", "name", "full name"),
        "short_zh": ("short_zh", "简称", "中文简称", "示范区简称"),
        "short_en": ("short_en", "英文简称", "short name", "english short name"),
        "county_adcode": ("county_adcode", "所在县", "所在县(市、区)", "县(市、区)", "县市区",
                          "所在县市区", "所在地", "县级行政区", "县区", "区县", "行政区划代码",
                          "行政区代码", "区划代码", "adcode", "county", "county code"),
        "lon": ("lon", "经度", "longitude", "lng", "long"),
        "lat": ("lat", "纬度", "latitude"),
        "products": ("products", "产品", "主要产品", "出口产品", "主导产品", "示范产品",
                     "product"),
        "level": ("level", "级别", "层级", "示范区级别"),
        "launched": ("launched", "启动时间", "启动年份", "启动年月", "建设时间", "创建时间",
                     "创建年份", "批准时间", "设立时间", "year launched", "since"),
        "note_zh": ("note_zh", "备注", "说明", "中文备注", "中文说明"),
        "note_en": ("note_en", "英文备注", "英文说明", "note", "notes", "remarks"),
    },
    "products": {
        "product_id": ("product_id", "产品编号", "产品代码", "编号", "id"),
        "name_zh": ("name_zh", "产品名称", "中文名称", "名称", "品名", "产品", "商品名称"),
        "name_en": ("name_en", "英文名称", "english name", "name", "product", "product name"),
        "category": ("category", "类别", "产品类别", "分类", "品类", "类型"),
        "hs_codes": ("hs_codes", "HS编码", "HS编码前缀", "HS编号", "商品编码", "海关编码",
                     "税则号", "HS", "HS code", "HS codes"),
    },
    "destinations": {
        "iso3": ("iso3", "国家代码", "国别代码", "ISO代码", "ISO", "代码", "country code",
                 "code", "ISO 3166-1 alpha-3"),
        "name_zh": ("name_zh", "中文名称", "国家(地区)", "国家", "国别", "目的国", "国家名称",
                    "中文名"),
        "name_en": ("name_en", "英文名称", "english name", "country", "name", "country name"),
    },
}
# Header names whose column follows from the unit: "数量（千克）" is weight, "数量（批）"
# consignments, "金额（万美元）" value.
GENERIC_MEASURES: tuple[str, ...] = ("数量", "出口数量", "出口量", "quantity", "amount")
# Columns that are recognised and deliberately not imported.
IGNORED_HEADERS: tuple[str, ...] = ("序号", "行号", "顺序号", "no", "no.", "#", "sn", "index",
                                    "合计", "小计", "total")
# Units: key → (dimension, factor to the model's unit, note key shown in the mapping).
UNITS: dict[str, tuple[str, Decimal, str]] = {}
for _names, _unit in (
    (("吨", "t", "ton", "tons", "tonne", "tonnes", "公吨", "mt"),
     ("mass", Decimal(1), "")),
    (("千克", "公斤", "kg", "kgs", "kilogram", "kilograms"),
     ("mass", Decimal("0.001"), "import.note.kg")),
    (("克", "g", "gram", "grams"), ("mass", Decimal("0.000001"), "import.note.g")),
    (("万吨",), ("mass", Decimal(10_000), "import.note.wan_t")),
    (("美元", "美金", "usd", "us$", "$", "dollar", "dollars", "us dollars"),
     ("usd", Decimal(1), "")),
    (("千美元", "thousand usd", "usd thousand", "usd'000", "kusd"),
     ("usd", Decimal(1_000), "import.note.thousand_usd")),
    (("万美元", "万美金", "usd 10,000", "10,000 usd", "usd 10000", "10000 usd",
      "ten thousand usd"), ("usd", Decimal(10_000), "import.note.wan_usd")),
    (("百万美元", "million usd", "usd million", "usd mn", "usd m", "musd"),
     ("usd", Decimal(1_000_000), "import.note.million_usd")),
    (("亿美元",), ("usd", Decimal(100_000_000), "import.note.yi_usd")),
    (("批", "批次", "个", "次", "consignments", "lots", "batches"),
     ("count", Decimal(1), "")),
    (("元", "人民币", "人民币元", "万元", "亿元", "千元", "rmb", "cny", "yuan", "欧元", "eur",
      "日元", "jpy"), ("other_currency", Decimal(1), "")),
    (("度", "°", "deg", "degrees"), ("degrees", Decimal(1), "")),
):
    for _n in _names:
        UNITS[name_key(_n)] = _unit
MEASURE_DIMENSION: dict[str, str] = {"tonnes": "mass", "value_usd": "usd",
                                     "consignments": "count", "lon": "degrees",
                                     "lat": "degrees"}
# Header names that carry their unit in the name itself.
IMPLICIT_UNITS: dict[str, str] = {name_key(k): v for k, v in {
    "tonnes": "t", "tons": "t", "吨数": "t", "value_usd": "usd", "美元": "usd", "usd": "usd",
    "美元金额": "usd"}.items()}
customs.extend_headers(HEADERS)  # the customs statistics platform's names (#17)
UNIT_EXAMPLES: dict[str, str] = {"tonnes": "重量（吨） / 数量（千克） / weight (t)",
                                 "value_usd": "货值（美元） / 货值（万美元） / value (USD)"}

_TOTAL_WORDS = frozenset(name_key(w) for w in (
    "合计", "总计", "小计", "共计", "总和", "累计", "总计数", "合计数", "total", "sum",
    "grand total", "subtotal", "sub-total"))
_LOOKUP_COLUMNS = frozenset({"zone_id", "product_id", "destination_iso3", "county_adcode",
                             "products", "level", "category", "iso3"})
_TOTAL_INITIALS = frozenset("合总小共累tTsSgG")
_NOTE_PREFIXES = tuple(name_key(w) for w in (
    "注", "说明", "备注", "制表", "填报", "填表", "审核", "数据来源", "资料来源", "来源",
    "单位负责人", "统计负责人", "联系电话", "报出日期", "source", "note"))
_CATEGORY_NAMES: dict[str, str] = {name_key(k): v for k, v in {
    "肉类": "meat", "肉": "meat", "肉类产品": "meat", "畜禽肉": "meat",
    "鹿产品": "deer", "鹿": "deer", "鹿产业": "deer", "梅花鹿": "deer",
    "人参": "ginseng", "参": "ginseng", "人参产品": "ginseng",
    "水果": "fruit", "果品": "fruit", "浆果": "fruit",
    "蔬菜": "vegetables", "菜": "vegetables",
    "粮油": "grain_oil", "粮食": "grain_oil", "油料": "grain_oil", "粮油产品": "grain_oil",
    "食用菌": "fungi", "菌类": "fungi", "菌": "fungi",
    **{c: c for c in CATEGORIES}, "grain and oil": "grain_oil", "grain & oil": "grain_oil",
    "vegetable": "vegetables", "fungus": "fungi", "mushrooms": "fungi"}.items()}
_LEVEL_NAMES: dict[str, str] = {name_key(k): v for k, v in {
    "省级": "provincial", "省": "provincial", "省级示范区": "provincial",
    "全国首批": "national_first_batch", "国家级": "national_first_batch",
    "首批": "national_first_batch", "全国首批示范区": "national_first_batch",
    "国家级首批": "national_first_batch", "national": "national_first_batch",
    "national first batch": "national_first_batch", **{v: v for v in LEVELS}}.items()}


@dataclass(frozen=True)
class ColumnMatch:
    """One recognised column: the header as written, the model column, the unit factor.

    ``header == ""`` marks a column the import derived rather than read (e.g. ``lon``
    from the county's boundary, ``zone_id`` from an existing zone's name); ``note_key``
    (an ``import.note.*`` string) says how.
    """

    header: str
    column: str
    factor: float = 1.0
    note_key: str = ""


@dataclass(frozen=True)
class Skipped:
    """A line (or lines ``line``–``end``) that is not data: title, blank, total row …

    ``reason`` is an ``import.skip.*`` key; ``text`` the line's content, shortened.
    """

    line: int
    reason: str
    text: str = ""
    end: int | None = None


@dataclass(frozen=True)
class ValueMatch:
    """A name or code as written and the id it was read as ("南韩" → "KOR"), for the preview."""

    header: str
    written: str
    value: str


@dataclass(frozen=True)
class Parsed:
    """The upload, normalised to the model's columns (all text, canonical values)."""

    table: str
    file_name: str
    sha256: str
    frame: pd.DataFrame | None
    lines: tuple[int, ...] = ()
    columns: tuple[ColumnMatch, ...] = ()
    unmatched: tuple[str, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    issues: tuple[Issue, ...] = ()
    # Additions (defaults keep the interface): destination rows the store must add
    # (countries named in the file, known to data/reference/countries.csv, not yet in
    # destinations.csv), columns recognised but not imported (序号, 合计, source), how
    # the file was read.
    new_destinations: pd.DataFrame | None = None
    ignored: tuple[str, ...] = ()
    header_lines: tuple[int, ...] = ()
    encoding: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    values: tuple[ValueMatch, ...] = ()  # distinct names/codes read as ids (at most 500)
    attributed: tuple[attribution.Attributed, ...] = ()  # zones found from 注册地 (#17)

    @property
    def ok(self) -> bool:
        return self.frame is not None and not self.issues


def model_columns(table: str) -> list[str]:
    """The columns an import provides: the file's columns less provenance."""
    return [c for c in FILES[f"{table}.csv"].column_names if c not in PROVENANCE_COLUMNS]


# ---------------------------------------------------------------- reading the file

@dataclass
class _Grid:
    """The file as rows of cells with their line numbers; or why it could not be read."""

    rows: list[tuple[int, list[object]]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    encoding: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    # Merged cells spanning several rows, as (first line, first column, last line, last
    # column): Excel shows the value on every row of the merge, and so does the import.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _kind(data: bytes) -> str:
    head = data[:8]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"  # .xls (Excel 97-2003) or an encrypted .xlsx
    if head.startswith(b"%PDF"):
        return "pdf"
    sample = data[:8192]
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text"
    if b"\x00" in sample:
        return "binary"
    return "text"


def _decode(data: bytes) -> tuple[str | None, str | None]:
    """Text and encoding: BOMs first, then strict UTF-8, then charset-normalizer.

    The detector sees at most 256 KB; a Chinese-family guess (GB2312/GBK/GB18030) is read
    as GB18030, their superset, because officers' files are Chinese and the detector can
    rank a Korean or Japanese code page first on a short GBK sample.
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError:
            return None, None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None, None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    results = from_bytes(data[: 256 * 1024])
    guesses = [r.encoding for r in results]
    chinese = [g for g in guesses if g in ("gb2312", "gbk", "gb18030", "hz")]
    order = (["gb18030"] if chinese else []) + guesses + ["gb18030"]
    for enc in dict.fromkeys(order):
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    return None, None


def _trim_row(cells: list[object]) -> list[object]:
    end = len(cells)
    while end and (cells[end - 1] is None or text_of(cells[end - 1]) == ""):
        end -= 1
    return list(cells[:end])


def _sniff_delimiter(text: str) -> str:
    lines = text[:65536].splitlines()[:HEADER_SEARCH_ROWS]
    best, best_count = ",", 0
    for delim in (",", "\t", ";", "|"):
        count = max((line.count(delim) for line in lines), default=0)
        if count > best_count:
            best, best_count = delim, count
    return best


def _take_row(grid: _Grid, file_name: str, line: int, cells: list, data_rows: int) -> int:
    """Append one row to ``grid`` under the size limits (CSV and XLSX alike).

    Returns the count of non-empty rows so far, or -1 when a limit stopped the reading
    (the issue is then in ``grid.issues``).
    """
    if len(cells) > MAX_COLUMNS:
        grid.issues.append(Issue(file_name, line, None, "import_too_many_columns",
                                 {"columns": str(len(cells)), "limit": str(MAX_COLUMNS)}))
        return -1
    if cells:
        data_rows += 1
        if data_rows > MAX_ROWS + HEADER_SEARCH_ROWS:
            grid.issues.append(Issue(file_name, line, None, "import_too_many_rows",
                                     {"limit": f"{MAX_ROWS:,}"}))
            return -1
    grid.rows.append((line, cells))
    return data_rows


def _read_csv(data: bytes, file_name: str, grid: _Grid) -> None:
    text, encoding = _decode(data)
    if text is None:
        grid.issues.append(Issue(file_name, None, None, "import_encoding"))
        return
    grid.encoding = encoding
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    start = 1
    data_rows = 0
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            data_rows = _take_row(grid, file_name, line, _trim_row(row), data_rows)
            if data_rows < 0:
                return
    except csv.Error as exc:
        grid.issues.append(Issue(file_name, start, None, "unreadable",
                                 {"detail": str(exc)[:120]}))


# A cell that holds a value: <c r="B7" ...> (a self-closing <c r="B7" s="1"/> is formatting).
_VALUE_CELL = re.compile(rb'<(?:\w+:)?c r="([A-Z]{1,3})([0-9]{1,7})"(?:[^>]*[^/>])?>')


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML part, from xl/workbook.xml and its relationships."""
    import xml.etree.ElementTree as ET

    def read(name: str) -> ET.Element:
        info = archive.getinfo(name)
        if info.file_size > 5 * 1024 * 1024:
            raise ValueError(f"{name} is too large")
        return ET.fromstring(archive.read(name))

    rels = {r.get("Id"): r.get("Target", "") for r in read("xl/_rels/workbook.xml.rels")}
    out: dict[str, str] = {}
    for el in read("xl/workbook.xml").iter():
        if el.tag.endswith("}sheet") or el.tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            target = rels.get(rid, "")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            out[el.get("name", "")] = target
    return out


def _sheet_extent(archive: zipfile.ZipFile, member: str) -> tuple[int, int, int]:
    """Largest column and row holding a value, and the row of the first too-wide cell.

    Streams the sheet's XML (already bounded by ``MAX_XLSX_UNPACKED``) so that a sheet
    whose cells span XFD1048576 is refused before a reader allocates its grid.
    """
    max_col = max_row = 0
    tail = b""
    with archive.open(member) as fh:
        while chunk := fh.read(1 << 20):
            buf = tail + chunk
            cut = buf.rfind(b"<")  # a tag cut by the chunk boundary waits for the next one
            cut = cut if cut > 0 else len(buf)
            body, tail = buf[:cut], buf[cut:]
            refs = _VALUE_CELL.findall(body)
            if refs:
                max_col = max(max_col, *(_col_index(c) for c in {c for c, _ in refs}))
                max_row = max(max_row, max(map(int, (r for _, r in refs))))
    wide_row = 0
    if max_col > MAX_COLUMNS:  # rare: find the row to name in the message
        with archive.open(member) as fh:
            for m in _VALUE_CELL.finditer(fh.read()):
                if _col_index(m.group(1)) > MAX_COLUMNS:
                    wide_row = int(m.group(2))
                    break
    return max_col, max_row, wide_row


def _read_xlsx(data: bytes, file_name: str, sheet: str | None, grid: _Grid) -> None:
    """python-calamine reads the values (25× faster than openpyxl); the checks before it
    keep a hostile workbook from costing memory: total unpacked size, then the extent of
    the chosen sheet."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        grid.issues.append(Issue(file_name, None, None, "import_bad_xlsx",
                                 {"detail": str(exc)[:120]}))
        return
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_XLSX_UNPACKED or len(members) > 10_000:
        grid.issues.append(Issue(file_name, None, None, "import_xlsx_too_large",
                                 {"size": _size(unpacked), "limit": _size(MAX_XLSX_UNPACKED)}))
        return
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        kind = "docx" if "word/document.xml" in names else "zip"
        grid.issues.append(Issue(file_name, None, None, "import_not_table", {"kind": kind}))
        return
    from python_calamine import CalamineWorkbook

    try:
        parts = _sheet_members(archive)
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = list(wb.sheet_names)
        grid.sheets = tuple(sheets)
        if sheet is not None and sheet not in sheets:
            grid.issues.append(Issue(file_name, None, None, "import_unknown_sheet",
                                     {"value": sheet, "sheets": "、".join(sheets)}))
            return
        if sheet is None:
            visible = [m.name for m in wb.sheets_metadata
                       if str(m.visible).rsplit(".", 1)[-1].lower() == "visible"]
            if not (visible or sheets):
                grid.issues.append(Issue(file_name, None, None, "empty_file"))
                return
            sheet = (visible or sheets)[0]
        grid.sheet = sheet
        member = parts.get(sheet)
        if member and member in names:
            max_col, max_row, wide_row = _sheet_extent(archive, member)
            if max_col > MAX_COLUMNS:
                grid.issues.append(Issue(file_name, wide_row, None, "import_too_many_columns",
                                         {"columns": str(max_col), "limit": str(MAX_COLUMNS)}))
                return
            if max_row * max(max_col, 1) > MAX_SHEET_CELLS:
                grid.issues.append(Issue(file_name, None, None, "import_sheet_too_large",
                                         {"rows": f"{max_row:,}", "columns": str(max_col),
                                          "limit": f"{MAX_SHEET_CELLS:,}"}))
                return
        ws = wb.get_sheet_by_name(sheet)
        if ws.start is None:
            return
        first_col = ws.start[1]
        for (r0, c0), (r1, c1) in ws.merged_cell_ranges or []:
            if r1 > r0:
                grid.merged.append((r0 + 1, c0 - first_col, r1 + 1, c1 - first_col))
        data_rows = 0
        # iter_rows starts at the sheet's row 1 (leading empty rows included) and at its
        # first used column: the line numbers are Excel's, the column offset is harmless.
        for line, values in enumerate(ws.iter_rows(), start=1):
            data_rows = _take_row(grid, file_name, line, _trim_row(list(values)), data_rows)
            if data_rows < 0:
                return
    except Exception as exc:  # calamine/zip/XML errors on damaged workbooks: say so
        grid.issues.append(Issue(file_name, None, None, "import_bad_xlsx",
                                 {"detail": f"{type(exc).__name__}: {str(exc)[:100]}"}))


def read_grid(data: bytes, file_name: str, sheet: str | None = None) -> _Grid:
    """The file's rows as cells (text from CSV; text, numbers, dates from Excel)."""
    grid = _Grid()
    if len(data) > MAX_BYTES:
        grid.issues.append(Issue(file_name, None, None, "import_too_large",
                                 {"size": _size(len(data)), "limit": _size(MAX_BYTES)}))
        return grid
    if not data.strip():
        grid.issues.append(Issue(file_name, None, None, "empty_file"))
        return grid
    kind = _kind(data)
    if kind == "zip":
        _read_xlsx(data, file_name, sheet, grid)
    elif kind == "ole":
        grid.issues.append(Issue(file_name, None, None, "import_xls"))
    elif kind in ("pdf", "binary"):
        grid.issues.append(Issue(file_name, None, None, "import_not_table",
                                 {"kind": kind.upper() if kind == "pdf" else "binary"}))
    else:
        if sheet is not None:
            grid.issues.append(Issue(file_name, None, None, "import_unknown_sheet",
                                     {"value": sheet, "sheets": "–"}))
            return grid
        _read_csv(data, file_name, grid)
    return grid


# ---------------------------------------------------------------- the header

@dataclass(frozen=True)
class _HeaderCell:
    column: str | None       # model column, or None
    factor: Decimal = Decimal(1)
    note_key: str = ""
    ignored: bool = False
    unit_problem: str = ""   # "missing" or "other_currency"
    rank: int = 0            # position of the synonym: code columns before name columns


_PROVENANCE_KEYS = frozenset(name_key(h) for h in PROVENANCE_COLUMNS)
_IGNORED_KEYS = frozenset(name_key(h) for h in IGNORED_HEADERS) - {""} | {"#"}
_GENERIC_KEYS = frozenset(name_key(h) for h in GENERIC_MEASURES)
_UNIT_IN_BRACKETS = re.compile(r"^(.*?)[(\[【〔]([^)\]】〕]*)[)\]】〕]\s*$")


def _split_unit(text: str) -> tuple[str, str | None]:
    """("货值（万美元）") → ("货值", "万美元"); brackets that hold no unit stay in the name."""
    norm = re.sub(r"\s+", " ", text_of(text))  # headers wrapped over two lines in Excel
    if m := _UNIT_IN_BRACKETS.match(norm):
        unit = re.sub(r"^(单位|unit)[:：]?", "", name_key(m.group(2)))
        if unit in UNITS:
            return m.group(1), unit
    key = name_key(norm)
    for sep in ("/", "_", " "):  # "货值/万美元", "value_usd thousand"
        if sep in norm:
            head, _, tail = norm.rpartition(sep)
            if name_key(tail) in UNITS and name_key(head):
                return head, name_key(tail)
    for unit in sorted(UNITS, key=len, reverse=True):  # "货值万美元", "重量吨"
        if key.endswith(unit) and len(key) > len(unit) and len(unit) > 1:
            return key[: -len(unit)], unit
    return norm, None


@lru_cache(maxsize=8)
def _synonyms(table: str) -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    for column, names in HEADERS[table].items():
        for rank, name in enumerate(names):
            out.setdefault(name_key(name), (column, rank))
    return out


def _match_header(text: str, table: str, unit_hints: dict[str, str]) -> _HeaderCell | None:
    """What a header names: a model column with its unit factor, an ignored column, or None."""
    if not text_of(text):
        return None
    synonyms = _synonyms(table)
    name, unit = _split_unit(text)
    key = name_key(name)
    whole = name_key(text)
    if whole in synonyms:  # "出口批次" is a name, not "出口" in 批次
        key, unit = whole, None
    provenance = key in _PROVENANCE_KEYS
    if provenance or key in _IGNORED_KEYS:
        return _HeaderCell(None, ignored=True, note_key="import.note.provenance" if provenance
                           else "import.note.index")
    column, rank = synonyms.get(key, (None, 0))
    if column is None and key.endswith(("(地区)", "地区")):
        column, rank = synonyms.get(key.replace("(地区)", "").replace("地区", ""), (None, 0))
    if column is None and key in _GENERIC_KEYS and unit:
        dim = UNITS[unit][0]
        column = next((c for c, d in MEASURE_DIMENSION.items()
                       if d == dim and c in HEADERS[table]), None)
    if column is None:
        return None
    dimension = MEASURE_DIMENSION.get(column)
    if dimension is None or column in ("lon", "lat"):
        return _HeaderCell(column, rank=rank)
    if unit is None:
        unit = IMPLICIT_UNITS.get(key)
    from_title = False
    if unit is None and dimension in unit_hints:
        unit, from_title = unit_hints[dimension], True
    if unit is None:
        if dimension == "count":
            return _HeaderCell(column, rank=rank)
        return _HeaderCell(column, rank=rank, unit_problem="missing")
    dim, factor, note = UNITS[unit]
    if dim == "other_currency" and dimension == "usd":
        return _HeaderCell(column, rank=rank, unit_problem="other_currency")
    if dim != dimension:
        return None
    return _HeaderCell(column, factor, "import.note.unit_from_title" if from_title else note,
                       rank=rank)


def _looks_like_month(header: str) -> bool:
    if re.fullmatch(r"\d{1,2}\s*月(份)?|[一二三四五六七八九十]{1,3}月(份)?", text_of(header)):
        return True
    try:
        return parse_month(header) is not None
    except ValueProblem:
        return False


def _unit_hints(text: str) -> dict[str, str]:
    """"单位：万美元、吨" above the table → the unit of columns whose header has none."""
    norm = text_of(text)
    m = re.search(r"(单位|unit)\s*[:：]?(.*)$", norm, flags=re.IGNORECASE)
    if not m:
        return {}
    hints: dict[str, str] = {}
    for token in re.split(r"[,，、;；/\s:：()（）\[\]【】]+", m.group(2)):
        key = name_key(re.sub(r"^(金额|货值|重量|数量|价值)?(单位)?", "", token))
        if key in UNITS:
            hints.setdefault(UNITS[key][0], key)
    return hints


def _cells_text(cells: list[object]) -> list[str]:
    return [str(c).strip() if c is not None else "" for c in cells]


def _score(headers: list[str], table: str) -> int:
    seen = set()
    for cell in _header_candidates(headers, table, {}):
        if cell and cell.column:
            seen.add(cell.column)
    return len(seen)


_JOIN = "\x1f"  # joins the two parts of a two-row header; shown as a space


def _combine(upper: list[str], lower: list[str]) -> list[str]:
    """Two header rows → one: a merged group label spans the empty cells to its right."""
    width = max(len(upper), len(lower))
    upper = upper + [""] * (width - len(upper))
    lower = lower + [""] * (width - len(lower))
    out: list[str] = []
    group = ""
    for u, lo in zip(upper, lower, strict=True):
        if u:
            group = u
        if lo and u:
            out.append(f"{u}{_JOIN}{lo}")
        elif lo:
            out.append(f"{group}{_JOIN}{lo}" if group else lo)
        else:
            out.append(u)
    return out


def _header_candidates(hs: list[str], table: str, hints: dict[str, str]
                       ) -> list[_HeaderCell | None]:
    """Each combined header: try the lower part alone, then the whole ("出口情况 重量（吨）")."""
    out = []
    for h in hs:
        cell = None
        if _JOIN in h:
            cell = _match_header(h.rsplit(_JOIN, 1)[-1], table, hints)
        if cell is None or (cell.column is None and not cell.ignored):
            cell = _match_header(h.replace(_JOIN, ""), table, hints) or cell
        if cell is None and _JOIN in h:
            cell = _match_header(h.split(_JOIN, 1)[0], table, hints)
        out.append(cell)
    return out


# ---------------------------------------------------------------- rows

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_PLAIN_NUMBER = re.compile(r"^(0|[1-9]\d*)(\.\d+)?$")


def _row_text(cells: list[object], limit: int = 80) -> str:
    text = " | ".join(str(c).strip() for c in cells if text_of(c))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_total(filled: list[object]) -> bool:
    """合计/总计/小计/Total in one of the first filled cells: a sum, not data."""
    texts = [c for c in filled[:3] if isinstance(c, str)
             and c.lstrip()[:1] in _TOTAL_INITIALS and len(c) < 40]
    keys = [name_key(c) for c in texts]
    return any(t in _TOTAL_WORDS or t.startswith(("合计", "总计", "小计")) for t in keys)


def _is_note(filled: list[object]) -> bool:
    """A lone text cell such as "注：…" or "制表人：…" below the table."""
    return len(filled) == 1 and isinstance(filled[0], str) and name_key(filled[0]).startswith(
        _NOTE_PREFIXES)


def _plain_text(value: object) -> str | None:
    """Free text kept as written (full-width brackets stay), without control characters."""
    text = _CONTROL.sub("", value.strip() if isinstance(value, str) else text_of(value))
    if not text:
        return None
    if len(text) > MAX_CELL_CHARS:
        raise ValueProblem("import_too_long", value=text[:40] + "…",
                           limit=str(MAX_CELL_CHARS))
    return text


def _measure(value: object, factor: Decimal, integer: bool = False) -> str | None:
    number = parse_number(value)
    if number is None:
        return None
    if number < 0:
        raise ValueProblem("import_negative", value=text_of(value))
    number *= factor
    if integer and number != number.to_integral_value():
        raise ValueProblem("not_integer", value=text_of(value))
    if factor == 1 and not integer and isinstance(value, str) and _PLAIN_NUMBER.match(
            value.strip()):
        return value.strip()  # already canonical ("8.0" stays "8.0": round trips unchanged)
    return format_decimal(number)


def _coordinate(value: object, low: int, high: int) -> str | None:
    number = parse_number(value)
    if number is None:
        return None
    if not (low <= number <= high):
        raise ValueProblem("import_bad_coordinate", value=text_of(value))
    return format_decimal(number)


def _hs_list(value: object) -> str | None:
    text = text_of(value)
    if not text:
        return None
    out = []
    for part in re.split(r"[;；,，、\s]+", text):
        if not part:
            continue
        digits = hs_digits(part)
        if digits is None:
            raise ValueProblem("import_bad_hs", value=part)
        out.append(digits[:4] + ("." + digits[4:] if len(digits) > 4 else ""))
    return ";".join(dict.fromkeys(out)) or None


def _slug(text: str, sep: str) -> str | None:
    slug = re.sub(r"[^a-z0-9]+", sep, text_of(text).casefold()).strip(sep)
    return slug if slug and re.match(ID_RE, slug) else None


class _Converter:
    """Per-table cell converters (model column → function of the cell and its header)."""

    def __init__(self, table: str, lk: Lookups) -> None:
        self.table = table
        self.lk = lk
        self.new_destinations: dict[str, Country] = {}
        self.row_year: str | None = None  # the current row's year column, if the file has one
        self.row_unit = customs.RowUnit()  # the current row's unit column (customs, #17)
        self.per_row_unit = False
        self._countries: dict[str, Country] = {}
        self._known = set(lk.ds.destinations["iso3"])

    def _period(self, value: object) -> str | None:
        """A month; a bare month ("9", "9月") takes the year of the row's year column."""
        try:
            return parse_month(value)
        except ValueProblem:
            text = re.sub(r"\s+", "", text_of(value))
            m = re.fullmatch(r"(\d{1,2})(月份?)?", text)
            if self.row_year is None or not m:
                raise
            month = int(m.group(1))
            if not 1 <= month <= 12:
                raise
            return f"{self.row_year}-{month:02d}"

    def _country(self, value: object) -> str | None:
        if not text_of(value):
            return None
        key = value if isinstance(value, str) else repr(value)
        country = self._countries.get(key)
        if country is None:
            country = self._countries[key] = self.lk.country(value)
        if not country.on_map:
            raise ValueProblem("import_country_not_on_map", value=text_of(value),
                               iso3=country.iso3)
        if country.iso3 not in self._known:
            self.new_destinations.setdefault(country.iso3, country)
        return country.iso3

    def _product_list(self, value: object) -> str | None:
        text = text_of(value)
        if not text:
            return None
        ids = [self.lk.product(p) for p in re.split(r"[;；,，、/\s]+", text) if p]
        return ";".join(dict.fromkeys(ids)) or None

    def _existing_or_id(self, index_find: Callable[[object], str | None]
                        ) -> Callable[[object], str | None]:
        def convert(value: object) -> str | None:
            text = text_of(value)
            if not text:
                return None
            try:
                found = index_find(value)
            except ValueProblem:
                found = None
            if found is not None:
                return found
            if not re.match(ID_RE, text):
                raise ValueProblem("bad_format", value=text)
            return text
        return convert

    def _choice(self, names: dict[str, str], allowed: tuple[str, ...]
                ) -> Callable[[object], str | None]:
        def convert(value: object) -> str | None:
            if not text_of(value):
                return None
            found = names.get(name_key(value))
            if found is None:
                raise ValueProblem("not_allowed", value=text_of(value),
                                   allowed=", ".join(allowed))
            return found
        return convert

    def converters(self, column: str, factor: Decimal) -> Callable[[object], str | None]:
        lk = self.lk
        table = self.table
        if table == "export_volumes":
            return {
                "_year": lambda v: parse_year_or_month(v) and parse_year_or_month(v)[:4],
                "period": self._period,
                "zone_id": lambda v: None if is_empty(v) else lk.zone(v),  # "-": no zone
                "product_id": lambda v: lk.product(v) if text_of(v) else None,
                "destination_iso3": self._country,
                "tonnes": lambda v: _measure(v, factor),
                "value_usd": lambda v: _measure(v, factor),
                "consignments": lambda v: _measure(v, factor, integer=True),
                **customs.converters(self.row_unit, _measure, _plain_text),
                **({} if self.per_row_unit else {"tonnes": lambda v: _measure(v, factor)}),
            }[column]
        if table == "zones":
            return {
                "zone_id": self._existing_or_id(lk.zones.find),
                "county_adcode": lambda v: lk.county(v) if text_of(v) else None,
                "lon": lambda v: _coordinate(v, -180, 180),
                "lat": lambda v: _coordinate(v, -90, 90),
                "products": self._product_list,
                "level": self._choice(_LEVEL_NAMES, LEVELS),
                "launched": parse_year_or_month,
            }.get(column, _plain_text)
        if table == "products":
            return {
                "product_id": self._existing_or_id(lk.products.find),
                "category": self._choice(_CATEGORY_NAMES, CATEGORIES),
                "hs_codes": _hs_list,
            }.get(column, _plain_text)
        return {"iso3": self._country}.get(column, _plain_text)


# ---------------------------------------------------------------- the pipeline

def _fail(table: str, file_name: str, digest: str, issues: list[Issue], grid: _Grid | None = None,
          **extra: object) -> Parsed:
    return Parsed(table, file_name, digest, None, issues=tuple(issues),
                  encoding=grid.encoding if grid else None, sheet=grid.sheet if grid else None,
                  sheets=grid.sheets if grid else (), **extra)  # type: ignore[arg-type]


def parse_upload(data: bytes, file_name: str, table: str, ds: Dataset, *,
                 sheet: str | None = None,
                 progress: Callable[[float], None] | None = None,
                 zone: str | None = None) -> Parsed:
    """Read and normalise an officer's file into ``model_columns(table)``; never raises.

    Problems are returned as ``Parsed.issues`` (line = line in the officer's file,
    column = header as written); what was skipped and how each column was understood are
    returned too, for the preview. ``progress`` (optional) is called with the fraction of
    rows converted, for a progress bar on large files. ``zone`` (an id or name): the
    zone of every row the file leaves without one (#17, the officer's choice).
    """
    digest = hashlib.sha256(data).hexdigest()
    if table not in TABLES:
        return _fail(table, file_name, digest,
                     [Issue(file_name, None, None, "not_allowed",
                            {"value": table, "allowed": ", ".join(TABLES)})])
    try:
        return _parse(data, file_name, table, ds, sheet, digest, progress, zone)
    except Exception:  # the last guard: a message for the user, the traceback for the log
        log.exception("import of %r as %s failed", file_name, table)
        return _fail(table, file_name, digest, [Issue(file_name, None, None, "unexpected")])


def _fill_merged(rows: list[tuple[int, list[object]]],
                 merged: list[tuple[int, int, int, int]], header_line: int) -> None:
    """Below the header, a cell merged down several rows (示范区 "德惠禽肉" over five
    months) gives its value to each of them, as Excel shows it, instead of leaving the
    rows without a zone."""
    index = {line: i for i, (line, _) in enumerate(rows)}
    for r0, c0, r1, _c1 in merged:
        if r0 <= header_line or r0 not in index or c0 < 0:
            continue
        top = rows[index[r0]][1]
        value = top[c0] if c0 < len(top) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        for line in range(r0 + 1, r1 + 1):
            if line not in index:
                continue
            cells = rows[index[line]][1]
            if not cells:  # a blank line stays blank: a merge does not make a row
                continue
            while len(cells) <= c0:
                cells.append(None)
            if cells[c0] is None or (isinstance(cells[c0], str) and not cells[c0].strip()):
                cells[c0] = value


def _parse(data: bytes, file_name: str, table: str, ds: Dataset, sheet: str | None,
           digest: str, progress: Callable[[float], None] | None = None,
           zone: str | None = None) -> Parsed:
    grid = read_grid(data, file_name, sheet)
    if grid.issues:
        return _fail(table, file_name, digest, grid.issues, grid)
    rows = grid.rows
    if not any(cells for _, cells in rows):
        return _fail(table, file_name, digest, [Issue(file_name, None, None, "empty_file")],
                     grid)

    # 1. The header: the row (or pair of rows) within the first lines naming most columns.
    nonblank = [i for i, (_, cells) in enumerate(rows) if cells][:HEADER_SEARCH_ROWS]
    best: tuple[int, int, int] | None = None  # (score, -rows used, index)
    for pos, i in enumerate(nonblank):
        single = _cells_text(rows[i][1])
        score = _score(single, table)
        if best is None or (score, -1) > best[:2]:
            best = (score, -1, i)
        if pos + 1 < len(nonblank) and nonblank[pos + 1] == i + 1:
            pair = _combine(single, _cells_text(rows[i + 1][1]))
            pscore = _score(pair, table)
            if pscore > max(score, _score(_cells_text(rows[i + 1][1]), table)) and (
                best is None or (pscore, -2) > best[:2]
            ):
                best = (pscore, -2, i)
    needed = 1 if table == "destinations" else 2  # a list of countries may be one column
    if best is None or best[0] < needed:
        expected = " / ".join(HEADERS[table][c][1] for c in list(HEADERS[table])[:4])
        return _fail(table, file_name, digest,
                     [Issue(file_name, None, None, "import_no_header",
                            {"expected": expected, "rows": str(HEADER_SEARCH_ROWS)})], grid)
    _, neg_rows, h = best
    header_rows = [h] if neg_rows == -1 else [h, h + 1]
    if len(header_rows) == 1:
        headers = _cells_text(rows[h][1])
    else:
        headers = _combine(_cells_text(rows[h][1]), _cells_text(rows[h + 1][1]))
    header_line = rows[h][0]

    _fill_merged(rows, grid.merged, rows[header_rows[-1]][0])
    skipped: list[Skipped] = []
    hints: dict[str, str] = {}
    for line, cells in rows[:h]:
        if not cells:
            continue
        text = _row_text(cells)
        found = _unit_hints(" ".join(text_of(c) for c in cells))
        hints.update({k: v for k, v in found.items() if k not in hints})
        skipped.append(Skipped(line, "import.skip.unit" if found else "import.skip.title",
                               text))
    if len(header_rows) == 2:
        skipped.append(Skipped(rows[h + 1][0], "import.skip.header", _row_text(rows[h + 1][1])))

    # 2. The mapping: each header → model column (with unit), ignored, or unmatched.
    cells_meaning = _header_candidates(headers, table, hints)
    headers = [h.replace(_JOIN, " ") for h in headers]
    issues: list[Issue] = []
    matches: dict[str, list[tuple[int, int, _HeaderCell]]] = {}
    unmatched: list[str] = []
    ignored: list[str] = []
    per_row_unit = customs.per_row_unit([m.column if m else None for m in cells_meaning])
    for j, (text, meaning) in enumerate(zip(headers, cells_meaning, strict=True)):
        if not text:
            continue
        if meaning is None:
            unmatched.append(text)
        elif meaning.ignored:
            ignored.append(text)
        elif meaning.column:
            if meaning.unit_problem == "missing" and per_row_unit and meaning.column == "tonnes":
                meaning = _HeaderCell("tonnes", rank=meaning.rank, note_key=customs.PER_ROW_NOTE)
            if meaning.unit_problem == "missing":
                issues.append(Issue(file_name, header_line, text, "import_unit_missing",
                                    {"value": text,
                                     "expected": UNIT_EXAMPLES.get(meaning.column, "")}))
            elif meaning.unit_problem == "other_currency":
                issues.append(Issue(file_name, header_line, text, "import_wrong_currency",
                                    {"value": text}))
            matches.setdefault(meaning.column, []).append((meaning.rank, j, meaning))
    for col in matches:
        matches[col].sort(key=lambda m: (m[0], m[1]))
    columns = [ColumnMatch(headers[j], "period", note_key="import.note.year_part")
               if col == "_year" else
               ColumnMatch(headers[j], col, float(m.factor),
                           m.note_key or ("import.note.alternate" if k else ""))
               for col, ms in matches.items() for k, (_, j, m) in enumerate(ms)]
    columns.sort(key=lambda c: headers.index(c.header))
    columns = customs.relabel(columns)
    unmatched += [headers[j] for _, j, _m in matches.get(customs.RMB, [])]
    if table == "export_volumes":
        issues += customs.header_issues(list(matches), {c: headers[ms[0][1]] for c, ms in
                                                        matches.items()}, file_name, header_line)

    if table == "export_volumes" and "period" not in matches:
        months = [h for h in unmatched if _looks_like_month(h)]
        if len(months) >= 3:  # "1月 | 2月 | …" across: a pivot table, one measure per cell
            issues.append(Issue(file_name, header_line, months[0], "import_wide_layout",
                                {"value": "、".join(months[:3]) + " …"}))
    wanted = model_columns(table)
    spec = FILES[f"{table}.csv"]
    derivable = {"zones": {"zone_id", "lon", "lat"}, "products": {"product_id"},
                 "destinations": {"name_zh", "name_en"}}.get(table, set())
    derivable = derivable | customs.refused_columns(list(matches))  # said once, not twice
    if table == "destinations" and "iso3" not in matches and (
            "name_zh" in matches or "name_en" in matches):
        derivable = derivable | {"iso3"}
    for col in spec.columns:
        if col.name in wanted and col.required and col.name not in matches and (
                col.name not in derivable):
            names = HEADERS[table].get(col.name, (col.name,))
            issues.append(Issue(file_name, header_line, col.name, "import_missing_column",
                                {"expected": " / ".join(dict.fromkeys(
                                    [names[1] if len(names) > 1 else names[0], names[0]]))}))
    if issues:
        return _fail(table, file_name, digest, issues, grid,
                     columns=tuple(columns), unmatched=tuple(unmatched),
                     ignored=tuple(ignored), header_lines=tuple(rows[i][0] for i in header_rows))

    # 3. The rows.
    lk = Lookups(ds)
    conv = _Converter(table, lk)
    # The row's unit is read only for a quantity without a unit of its own ("第一数量").
    conv.per_row_unit = any(m.note_key == customs.PER_ROW_NOTE
                            for _, _, m in matches.get("tonnes", []))
    if not conv.per_row_unit and customs.UNIT in matches:
        unmatched += [headers[j] for _, j, _m in matches.pop(customs.UNIT)]
        columns = [c for c in columns if c.note_key != customs.PER_ROW_NOTE]
    file_zone = None
    if zone is not None and table == "export_volumes":
        try:
            file_zone = lk.zone(zone)
        except ValueProblem as problem:
            return _fail(table, file_name, digest, [Issue(file_name, None, None, problem.code,
                                                          {"value": str(zone),
                                                           **problem.params})], grid)
    # the year and the unit first: they complete the month and the quantity of their row
    order = sorted(matches, key=lambda c: c not in ("_year", customs.UNIT))
    funcs = {col: [(j, m, conv.converters(col, m.factor)) for _, j, m in matches[col]]
             for col in order}
    header_set = {name_key(x) for x in headers if x}
    # Names, months and codes repeat down a column: convert each distinct cell once.
    # (Not countries: a new destination is recorded as a side effect of the conversion.)
    memo: dict[tuple[int, str], object] = {}
    cacheable = {j: col in ("period", "zone_id", "product_id", "county_adcode", "products",
                            "level", "category", "launched")
                 and not (col == "period" and "_year" in matches)
                 for col, ms in matches.items() for _, j, _m in ms}
    # Names and codes translated to ids, shown in the preview ("南韩 → KOR").
    translated = {j: col in _LOOKUP_COLUMNS for col, ms in matches.items() for _, j, _m in ms}
    value_map: dict[tuple[str, str], str] = {}
    blank_zone: list[int] = []
    out_rows: list[dict[str, str | None]] = []
    out_lines: list[int] = []
    body = rows[header_rows[-1] + 1:]
    blank_start: int | None = None
    last_blank = 0
    step = max(1, len(body) // 50)
    for n, (line, cells) in enumerate(body):
        if progress is not None and n % step == 0:
            progress(n / len(body))
        filled = [c for c in cells if c is not None and (not isinstance(c, str) or c.strip())]
        if not filled:
            blank_start = line if blank_start is None else blank_start
            last_blank = line
            continue
        if blank_start is not None:
            skipped.append(Skipped(blank_start, "import.skip.blank",
                                   end=last_blank if last_blank != blank_start else None))
            blank_start = None
        if _is_total(filled):
            skipped.append(Skipped(line, "import.skip.total", _row_text(cells)))
            continue
        if _is_note(filled):
            skipped.append(Skipped(line, "import.skip.note", _row_text(cells)))
            continue
        if name_key(filled[0]) in header_set and {name_key(c) for c in filled} <= header_set:
            skipped.append(Skipped(line, "import.skip.header", _row_text(cells)))
            continue
        record: dict[str, str | None] = {}
        for col, options in funcs.items():
            value: str | None = None
            first_header = ""
            for j, _m, func in options:
                cell = cells[j] if j < len(cells) else None
                if cell is None or (cell.__class__ is str and not cell.strip()):
                    continue
                if value is not None:
                    if col in ("product_id", "destination_iso3", "zone_id", "iso3"):
                        try:
                            other = func(cell)
                        except ValueProblem:
                            other = None
                        if other is not None and other != value:
                            issues.append(Issue(file_name, line, headers[j], "import_conflict",
                                                {"value": text_of(cell),
                                                 "other": first_header}))
                    continue
                try:
                    memo_key = (j, cell if isinstance(cell, str) else repr(cell))
                    if memo_key in memo:
                        value = memo[memo_key]
                        if isinstance(value, ValueProblem):
                            raise value
                    else:
                        try:
                            value = func(cell)
                        except ValueProblem as problem:
                            if cacheable[j]:
                                memo[memo_key] = problem
                            raise
                        if cacheable[j]:
                            memo[memo_key] = value
                        if translated[j] and value is not None and len(value_map) < 500:
                            written = str(cell).strip()
                            if written != value:
                                value_map.setdefault((headers[j], written), value)
                    first_header = headers[j]
                except ValueProblem as problem:
                    issues.append(Issue(file_name, line, headers[j], problem.code,
                                        {"value": text_of(cell), **problem.params}))
                    first_header = headers[j]
                    value = None
                    break
            record[col] = value
            if col == "zone_id" and value is None:
                j0 = options[0][0]
                cell = cells[j0] if j0 < len(cells) else None
                if cell is None or (isinstance(cell, str) and not cell.strip()):
                    blank_zone.append(line)
            if col == "_year":
                conv.row_year = value
        conv.row_year = None
        conv.row_unit.reset()
        out_rows.append(record)
        out_lines.append(line)
        if len(issues) >= MAX_ISSUES:  # a wrong table or layout: enough to see what is wrong
            issues.append(Issue(file_name, line, None, "import_too_many_issues",
                                {"limit": str(MAX_ISSUES)}))
            return _fail(table, file_name, digest, issues, grid, columns=tuple(columns),
                         skipped=tuple(skipped), header_lines=tuple(rows[i][0]
                                                                   for i in header_rows))
        if len(out_rows) > MAX_ROWS:
            issues.append(Issue(file_name, line, None, "import_too_many_rows",
                                {"limit": f"{MAX_ROWS:,}"}))
            return _fail(table, file_name, digest, issues, grid)
    if blank_start is not None:
        skipped.append(Skipped(blank_start, "import.skip.blank",
                               end=last_blank if last_blank != blank_start else None))

    if not out_rows:
        return _fail(table, file_name, digest,
                     [Issue(file_name, header_line, None, "import_no_rows")], grid,
                     columns=tuple(columns), skipped=tuple(skipped),
                     header_lines=tuple(rows[i][0] for i in header_rows))

    zone_header = headers[matches["zone_id"][0][1]] if "zone_id" in matches else ""
    attributed: list[attribution.Attributed] = []
    if table == "export_volumes" and (file_zone is not None or customs.PLACE in matches):
        found, attributed, filled = attribution.attribute(
            out_rows, out_lines, lk, file_name,
            open_lines=set(blank_zone) if "zone_id" in matches else None,
            place_header=headers[matches[customs.PLACE][0][1]] if customs.PLACE in matches
            else None, file_zone=file_zone)
        issues += found
        said = filled | {i.line for i in found}  # attributed, or refused with candidates
        blank_zone = [line for line in blank_zone if line not in said]
        if file_zone is not None:
            columns.append(ColumnMatch("", "zone_id", note_key="import.note.zone_for_file"))
        elif filled:
            columns.append(ColumnMatch("", "zone_id", note_key="import.note.zone_from_place"))
    if (blank_zone and len(blank_zone) < len(out_rows) and grid.encoding is not None
            and zone_header != "zone_id"):
        # A CSV (not a workbook, whose merged cells were filled above; not the data files'
        # own layout, where blank means "not attributed") in which some rows name a zone
        # and others leave it blank: most often a merged cell saved as CSV. Not guessed
        # either way; "-" or "无" says "not attributed to a zone".
        issues += [Issue(file_name, line, zone_header, "import_zone_blank")
                   for line in blank_zone]
    if progress is not None:
        progress(1.0)
    frame = pd.DataFrame(out_rows, columns=wanted, dtype="string")
    header_of = {col: headers[ms[0][1]] for col, ms in matches.items()}
    derived = _derive(table, frame, out_lines, header_of, lk, file_name, issues)
    columns += derived
    issues += _row_checks(table, frame, out_lines, header_of, lk, file_name, issues)
    new_dest = None
    if conv.new_destinations:
        new_dest = pd.DataFrame(
            [{"iso3": c.iso3, "name_zh": c.name_zh, "name_en": c.name_en}
             for c in conv.new_destinations.values()],
            columns=model_columns("destinations"), dtype="string")
    return Parsed(table, file_name, digest, frame.astype("string"), tuple(out_lines),
                  tuple(columns), tuple(unmatched), tuple(sorted(skipped, key=lambda s: s.line)),
                  tuple(issues), new_destinations=new_dest, ignored=tuple(ignored),
                  values=tuple(ValueMatch(h, w, v) for (h, w), v in value_map.items()),
                  header_lines=tuple(rows[i][0] for i in header_rows),
                  encoding=grid.encoding, sheet=grid.sheet, sheets=grid.sheets,
                  attributed=tuple(attributed))


def _derive(table: str, frame: pd.DataFrame, lines: list[int], header_of: dict[str, str],
            lk: Lookups, file_name: str, issues: list[Issue]) -> list[ColumnMatch]:
    """Fill what the file may leave out but the data determines (never invented values)."""
    derived: list[ColumnMatch] = []
    if table == "zones":
        if frame["zone_id"].isna().any():
            derived.append(ColumnMatch("", "zone_id", note_key="import.note.id_from_name"))
            for i in frame.index[frame["zone_id"].isna()]:
                frame.loc[i, "zone_id"] = _derive_id(
                    lk.zones.find, frame.iloc[i], ("short_zh", "name_zh", "short_en", "name_en"),
                    ("short_en", "name_en"), "-")
        if "lon" not in header_of or "lat" not in header_of:
            derived.append(ColumnMatch("", "lon", note_key="import.note.point_from_county"))
            derived.append(ColumnMatch("", "lat", note_key="import.note.point_from_county"))
        from zones.maps import representative_points

        points = representative_points(lk.ds.geo.counties, "adcode")
        known = {r.zone_id: (r.county_adcode, r.lon, r.lat) for r in lk.ds.zones.itertuples()}
        for i in range(len(frame)):
            code = frame.loc[i, "county_adcode"]
            if pd.notna(frame.loc[i, "lon"]) and pd.notna(frame.loc[i, "lat"]):
                continue
            old = known.get(frame.loc[i, "zone_id"])
            if old is not None and old[0] == code and pd.notna(old[1]):
                # an existing zone in the same county keeps the point it has
                frame.loc[i, "lon"], frame.loc[i, "lat"] = f"{old[1]:g}", f"{old[2]:g}"
            elif pd.notna(code) and code in points:
                lon, lat = points[code]
                frame.loc[i, "lon"], frame.loc[i, "lat"] = f"{lon:g}", f"{lat:g}"
                if "lon" in header_of or "lat" in header_of:
                    derived.append(ColumnMatch("", "lon", note_key="import.note.point_from_county"))
    if table == "products" and frame["product_id"].isna().any():
        derived.append(ColumnMatch("", "product_id", note_key="import.note.id_from_name"))
        for i in frame.index[frame["product_id"].isna()]:
            frame.loc[i, "product_id"] = _derive_id(
                lk.products.find, frame.iloc[i], ("name_zh", "name_en"), ("name_en",), "_")
    if table == "destinations":
        for col in ("iso3", "name_zh", "name_en"):
            if col not in header_of:
                derived.append(ColumnMatch("", col, note_key="import.note.from_countries"))
        for i in range(len(frame)):
            iso3 = frame.loc[i, "iso3"]
            if pd.isna(iso3):
                for col in ("name_zh", "name_en"):
                    name = frame.loc[i, col]
                    if pd.notna(name):
                        try:
                            iso3 = lk.country(name).iso3
                        except ValueProblem as problem:
                            issues.append(Issue(file_name, lines[i], header_of[col],
                                                problem.code, {"value": str(name),
                                                               **problem.params}))
                        break
                frame.loc[i, "iso3"] = iso3
            country = lk.countries.get(str(iso3)) if pd.notna(iso3) else None
            for col in ("name_zh", "name_en"):
                if pd.isna(frame.loc[i, col]) and country is not None:
                    frame.loc[i, col] = getattr(country, col)
    # keep one entry per derived column
    seen: set[tuple[str, str]] = set()
    unique = []
    for c in derived:
        if (c.column, c.note_key) not in seen:
            seen.add((c.column, c.note_key))
            unique.append(c)
    return unique


def _derive_id(find: Callable[[object], str | None], row: pd.Series,
               name_cols: tuple[str, ...], slug_cols: tuple[str, ...], sep: str) -> object:
    for col in name_cols:
        if col in row and pd.notna(row[col]):
            try:
                found = find(row[col])
            except ValueProblem:
                found = None
            if found:
                return found
    for col in slug_cols:
        if col in row and pd.notna(row[col]):
            slug = _slug(str(row[col]), sep)
            if slug:
                return slug
    return pd.NA


def _row_checks(table: str, frame: pd.DataFrame, lines: list[int], header_of: dict[str, str],
                lk: Lookups, file_name: str, found: list[Issue]) -> list[Issue]:
    """Required values, duplicates within the file, products a zone does not make."""
    issues: list[Issue] = []
    spec = FILES[f"{table}.csv"]
    bad = {(i.line, i.column) for i in found}
    for col in spec.columns:
        if col.name not in frame.columns or not col.required:
            continue
        header = header_of.get(col.name, col.name)
        for i in frame.index[frame[col.name].isna()]:
            if (lines[i], header) not in bad:
                issues.append(Issue(file_name, lines[i], header, "missing_value"))
    if spec.key:
        keys = frame[spec.key[0]].fillna("")
        for k in spec.key[1:]:
            keys = keys + "|" + frame[k].fillna("")
        first: dict[str, int] = {}
        for i, key in enumerate(keys):
            if key in first:
                issues.append(Issue(file_name, lines[i], header_of.get(spec.key[0], spec.key[0]),
                                    "import_duplicate_row",
                                    {"columns": " + ".join(header_of.get(k, k)
                                                           for k in spec.key),
                                     "other": str(lines[first[key]]), "value": key}))
            else:
                first[key] = i
    for col in spec.columns:
        if not col.unique or col.name not in frame.columns:
            continue
        first = {}
        for i, value in enumerate(frame[col.name]):
            if pd.isna(value):
                continue
            if value in first:
                issues.append(Issue(file_name, lines[i], header_of.get(col.name, col.name),
                                    "import_duplicate_value",
                                    {"value": str(value), "other": str(lines[first[value]])}))
            else:
                first[value] = i
    if table == "export_volumes" and "zone_id" in frame.columns:
        for i, (z, p) in enumerate(zip(frame["zone_id"], frame["product_id"], strict=True)):
            if pd.notna(z) and pd.notna(p) and (z, p) not in lk.made:
                issues.append(Issue(file_name, lines[i], header_of.get("product_id"),
                                    "product_not_made", {"value": str(p), "zone": str(z)}))
    return issues


def iter_issue_rows(parsed: Parsed, lang: str) -> Iterator[dict[str, object]]:
    """The problems as table rows in ``lang`` (for the preview and its download)."""
    for issue in parsed.issues:
        yield issue.as_row(lang)



def skipped_lines(s: Skipped) -> str:
    """``12`` or ``30–33``: the lines a skipped entry covers, as the officer counts them."""
    return f"{s.line}–{s.end}" if s.end is not None and s.end != s.line else str(s.line)
