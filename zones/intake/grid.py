"""Reading the file into a grid of cells: CSV in any common encoding, or an XLSX sheet.

CSV encodings: BOM (UTF-8, UTF-16), strict UTF-8, then charset-normalizer (a Chinese guess
is read as GB18030). XLSX: python-calamine reads the values (the first visible sheet unless
one is named). Sizes are checked before and while reading (``zones.intake.limits``).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from zones.dataset.validation import Issue
from zones.intake.limits import (
    HEADER_SEARCH_ROWS,
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SHEET_CELLS,
    MAX_XLSX_UNPACKED,
)
from zones.intake.parse import (
    text_of,
)


@dataclass
class Grid:
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


def _take_row(grid: Grid, file_name: str, line: int, cells: list, data_rows: int) -> int:
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


def _read_csv(data: bytes, file_name: str, grid: Grid) -> None:
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


def _read_xlsx(data: bytes, file_name: str, sheet: str | None, grid: Grid) -> None:
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


def read_grid(data: bytes, file_name: str, sheet: str | None = None) -> Grid:
    """The file's rows as cells (text from CSV; text, numbers, dates from Excel)."""
    grid = Grid()
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
