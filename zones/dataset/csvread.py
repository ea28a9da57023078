"""Reading one data file safely and fast, with the line numbers an editor shows.

Why a module of its own: the loader must never raise and never block, whatever sits at a
file's path (a named pipe, a directory, a 5 GB log), and a million-row table must be read
in well under a second. Files are opened only when ``stat`` says they are regular, without
blocking, and never beyond a size cap (``$ZONES_MAX_FILE_MB``). CSVs are parsed by
pyarrow into text columns; the Python ``csv`` module is the slow, exact fallback that
locates structural problems (wrong field count, a stray quote) on the right line.

Lines are counted as an editor counts them: LF, CRLF and CR end a line; U+2028, U+0085
and a line break inside a quoted cell do not start a new row number of their own.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from zones.dataset.validation import Issue, IssueSink

MAX_FILE_MB_ENV = "ZONES_MAX_FILE_MB"
# A million-row export table is ~64 MB; leave room for three times that.
DEFAULT_MAX_FILE_MB = 200.0
TEXT = pd.StringDtype("pyarrow")  # compact text columns (one Arrow buffer, not 1M objects)
ARROW_TEXT = pa.large_string()  # what pandas keeps TEXT as: read so, no conversion copy
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_BREAK = re.compile(r"\r\n|\r|\n")
_NONSPACE = re.compile(rb"\S")
_SLICE = 1 << 23  # 8 MB: work on big files in slices to keep temporaries small
_KINDS = {stat.S_IFIFO: "FIFO", stat.S_IFCHR: "character device", stat.S_IFBLK: "block device",
          stat.S_IFSOCK: "socket", stat.S_IFLNK: "symlink"}

csv.field_size_limit(2**31 - 1)  # a 131,073-character cell is data to report, not a crash


def max_file_bytes() -> int:
    """The size cap in bytes: ``$ZONES_MAX_FILE_MB`` (a positive number) or 200 MB."""
    try:
        mb = float(os.environ.get(MAX_FILE_MB_ENV, "") or DEFAULT_MAX_FILE_MB)
    except ValueError:
        mb = DEFAULT_MAX_FILE_MB
    if not mb > 0 or mb != mb:
        mb = DEFAULT_MAX_FILE_MB
    return int(mb * 1024 * 1024)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def read_regular_file(path: Path, label: str) -> tuple[bytes | None, list[Issue]]:
    """The bytes of ``path`` if it is a regular file under the cap; otherwise a located issue.

    ``stat`` first (it never blocks, even on a FIFO), then a non-blocking open and ``fstat``
    again, so that a file swapped for a pipe in between is still refused, not waited on.
    """
    limit = max_file_bytes()
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None, [Issue(label, None, None, "missing_file")]
    except PermissionError:
        return None, [Issue(label, None, None, "no_permission")]
    except OSError as exc:
        return None, [Issue(label, None, None, "unreadable", {"detail": exc.strerror or "OS"})]
    if stat.S_ISDIR(info.st_mode):
        return None, [Issue(label, None, None, "is_directory")]
    if not stat.S_ISREG(info.st_mode):
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "special file")
        return None, [Issue(label, None, None, "special_file", {"kind": kind})]
    if info.st_size > limit:
        return None, [Issue(label, None, None, "too_large_file",
                            {"size": _mb(info.st_size), "limit": _mb(limit)})]
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except PermissionError:
        return None, [Issue(label, None, None, "no_permission")]
    except OSError as exc:
        return None, [Issue(label, None, None, "unreadable", {"detail": exc.strerror or "OS"})]
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None, [Issue(label, None, None, "special_file", {"kind": "special file"})]
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 24, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        return None, [Issue(label, None, None, "unreadable", {"detail": exc.strerror or "OS"})]
    finally:
        os.close(fd)
    if size > limit:  # it grew after the stat
        return None, [Issue(label, None, None, "too_large_file",
                            {"size": f"> {_mb(limit)}", "limit": _mb(limit)})]
    return b"".join(chunks), []


def _find(arr: np.ndarray, byte: int) -> np.ndarray:
    """Positions of ``byte``, found slice by slice (no array-sized temporaries)."""
    parts = [np.flatnonzero(arr[o:o + _SLICE] == byte) + o for o in range(0, len(arr), _SLICE)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def line_ends(data: bytes) -> np.ndarray:
    """Byte offset of the last byte of every line break (LF, CRLF as one, lone CR)."""
    arr = np.frombuffer(data, dtype=np.uint8)
    lf = _find(arr, 10)
    cr = _find(arr, 13) if b"\r" in data else np.zeros(0, dtype=np.int64)
    if len(cr):
        nxt = cr + 1
        lone = nxt >= len(arr)
        lone[~lone] = arr[nxt[~lone]] != 10
        lf = np.union1d(lf, cr[lone])
    return lf


def _check_encoding(data: bytes, skip: int, name: str) -> list[Issue]:
    """UTF-8 checked in slices (no 64 MB copy); otherwise which encoding, on which line."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [Issue(name, None, None, "encoding_utf16")]
    if data.startswith(b"PK\x03\x04"):
        return [Issue(name, None, None, "xlsx_not_csv")]
    nul = data.find(b"\x00")
    if nul >= 0:
        return [Issue(name, data.count(b"\n", 0, nul) + 1, None, "binary_file")]
    if data.isascii():
        return []
    view = memoryview(data)
    decoder = codecs.getincrementaldecoder("utf-8")()
    for off in range(skip, len(data), _SLICE):
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(view[off:off + _SLICE], final=off + _SLICE >= len(data))
        except UnicodeDecodeError as exc:
            pos = max(skip, off - pending + exc.start)
            start = data.rfind(b"\n", 0, pos) + 1
            stop = data.find(b"\n", pos + 65536)
            window = data[start: len(data) if stop < 0 else stop]
            try:
                window.decode("gb18030")
                code = "encoding_gb"
            except UnicodeDecodeError:
                code = "not_utf8"
            return [Issue(name, data.count(b"\n", 0, pos) + 1, None, code)]
    return []


def _lines(text: str, start: int = 0) -> Iterator[str]:
    """Physical lines with their endings, split only at LF, CRLF and CR (as editors do)."""
    for m in _LINE.finditer(text, start):
        yield m.group()


def _header(text: str, name: str) -> tuple[list[str] | None, int, list[Issue]]:
    """The header's names and the line it ends on; duplicate names are refused."""
    reader = csv.reader(_lines(text[: 1 << 20]))
    for row in reader:
        if any(cell.strip() for cell in row):
            break
    else:
        return None, 0, [Issue(name, None, None, "empty_file")]
    line = reader.line_num
    names = [h.strip() for h in row]
    if len(names) == 1:
        for sep in (";", "\t", "|"):
            if sep in names[0]:
                shown = "TAB" if sep == "\t" else sep
                return None, line, [Issue(name, line, None, "wrong_delimiter",
                                          {"sep": shown}, value=row[0][:80])]
    seen: set[str] = set()
    issues = []
    for h in names:
        if h in seen:
            issues.append(Issue(name, line, h, "duplicate_column", {"value": h}, value=h))
        seen.add(h)
    return (None if issues else names), line, issues


def _text(values: object) -> pd.Series:
    if isinstance(values, pa.ChunkedArray):  # zero copy: Arrow buffers stay as they are
        return pd.Series(pd.arrays.ArrowStringArray(values))
    return pd.Series(values, dtype=TEXT)


def _frame(columns: dict[str, object], names: list[str], lines: np.ndarray,
           header_line: int) -> pd.DataFrame:
    """Text columns; the index is each row's editor line (``attrs`` tells validation so)."""
    df = pd.DataFrame({n: _text(columns[n]) for n in names})
    df.index = pd.Index(lines, dtype="int64")
    df.attrs["line_index"] = True
    df.attrs["header_line"] = header_line
    return df


def _fast(data: bytes, body_start: int, names: list[str], ends: np.ndarray,
          header_line: int) -> tuple[pd.DataFrame | None, pa.Table | None]:
    """pyarrow's parser: the frame, or (None, table) when cells span lines and the table
    still needs each record's first line, or (None, None) when pyarrow cannot parse it."""
    gen = [f"c{i}" for i in range(len(names))]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data).slice(body_start),
            read_options=pacsv.ReadOptions(column_names=gen, block_size=1 << 22),
            # Quotes are the only way a value can hold a line break; without any, the
            # parser may split the file into blocks at every newline (faster).
            parse_options=pacsv.ParseOptions(newlines_in_values=b'"' in data),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(gen, ARROW_TEXT), strings_can_be_null=False,
                quoted_strings_can_be_null=False, check_utf8=False),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None, None
    # Editor line numbers of the non-empty lines after the header (pyarrow skips empty ones).
    starts = np.concatenate(([0], ends + 1))  # start byte of every line
    stops = np.append(ends, len(data))  # its break (or the end of the data)
    length = stops - starts
    empty = length == 0
    one = np.flatnonzero(length == 1)
    if len(one):  # just the CR of a CRLF (a lone CR would be a break of its own)
        empty[one] = np.frombuffer(data, dtype=np.uint8)[starts[one]] == 13
    numbers = np.flatnonzero(~empty) + 1
    numbers = numbers[numbers > header_line]
    # Every record covers at least one non-empty line, and one spanning lines covers at
    # least two (its opening and closing quote): equal counts mean one line per record.
    if len(numbers) != table.num_rows:
        return None, table
    return _table_frame(table, names, numbers, header_line), None


def _table_frame(table: pa.Table, names: list[str], numbers: np.ndarray,
                 header_line: int) -> pd.DataFrame:
    cols = dict(zip(names, table.columns, strict=True))
    df = _frame(cols, names, numbers, header_line)
    blank = _blank(table.column(0))
    if blank.any():  # a line of only commas and spaces is not a row
        for col in table.columns[1:]:
            blank[blank] = _blank(col.filter(pa.array(blank)))
    return df[~blank] if blank.any() else df


def _blank(col: pa.ChunkedArray) -> np.ndarray:
    return pc.equal(pc.utf8_trim_whitespace(col), "").to_numpy(zero_copy_only=False)


def _record_lines(text: str, header_line: int, expected: int) -> np.ndarray | None:
    """First line of every record (cells not kept), or None if any record is malformed."""
    reader = csv.reader(_lines(text))
    starts: list[int] = []
    prev = 0
    for row in reader:
        start, prev = prev + 1, reader.line_num
        if start <= header_line or not row:
            continue
        if len(row) != expected or any(_swallowed(c, expected) for c in row
                                       if "\n" in c or "\r" in c):
            return None
        starts.append(start)
    return np.asarray(starts, dtype=np.int64)


def _exact(text: str, name: str, names: list[str], header_line: int,
           sink: IssueSink) -> pd.DataFrame:
    """The Python ``csv`` reader, one record at a time, each with the line it starts on."""
    reader = csv.reader(_lines(text))
    rows: list[list[str]] = []
    lines: list[int] = []
    expected = len(names)
    total = _count_lines(text)
    prev = 0
    for row in reader:
        start, end = prev + 1, reader.line_num
        prev = end
        if start <= header_line or not any(cell.strip() for cell in row):
            continue
        spans = [i for i, cell in enumerate(row) if "\n" in cell or "\r" in cell]
        if len(row) == expected and not any(_swallowed(row[i], expected) for i in spans):
            rows.append(row)
            lines.append(start)
            continue
        if spans:
            col = names[spans[0]] if spans[0] < expected else None
            cell = row[spans[0]]
            if reader.line_num >= total and not text.rstrip("\r\n").endswith('"'):
                sink.add(Issue(name, start, col, "unclosed_quote", value=cell[:80]))
            else:
                sink.add(Issue(name, start, col, "stray_quote", {"end": str(end)},
                               value=cell[:80]))
        else:
            sink.add(Issue(name, start, None, "field_count",
                           {"found": str(len(row)), "expected": str(expected)}))
    cols = {n: [r[i] for r in rows] for i, n in enumerate(names)}
    return _frame(cols, names, np.asarray(lines, dtype=np.int64), header_line)


def _swallowed(cell: str, fields: int) -> bool:
    """A multi-line cell holding what looks like whole rows: a quote opened by mistake."""
    return any(line.count(",") >= fields - 1 for line in _BREAK.split(cell)[1:])


def _count_lines(text: str) -> int:
    n = text.count("\n") + text.count("\r") - text.count("\r\n")
    return n + (0 if text.endswith(("\n", "\r")) else 1)


def parse_csv(data: bytes, name: str) -> tuple[pd.DataFrame | None, list[Issue]]:
    """All-text frame indexed by editor line numbers, plus structural issues."""
    return parse_boxed([data], name)


def parse_boxed(box: list[bytes], name: str) -> tuple[pd.DataFrame | None, list[Issue]]:
    """``parse_csv`` on bytes handed over in ``box``, so they are freed once parsed."""
    data = box.pop()
    skip = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    issues = _check_encoding(data, skip, name)
    if issues:
        return None, issues
    if not _NONSPACE.search(data, skip):
        return None, [Issue(name, None, None, "empty_file")]
    names, header_line, issues = _header(data[skip: skip + (1 << 20)].decode(
        "utf-8", errors="ignore"), name)
    if names is None:
        return None, issues
    ends = line_ends(data)
    body_start = int(ends[header_line - 1]) + 1 if header_line <= len(ends) else len(data)
    df, table = _fast(data, body_start, names, ends, header_line)
    del ends
    pa.default_memory_pool().release_unused()  # the parser's scratch blocks
    sink = IssueSink()
    if df is None:
        text = data[skip:].decode("utf-8")
        del data
        # Cells with line breaks: keep pyarrow's columns, take the lines from csv.
        numbers = None if table is None else _record_lines(text, header_line, len(names))
        if numbers is not None and len(numbers) == table.num_rows:
            df = _table_frame(table, names, numbers, header_line)
        else:
            del table
            df = _exact(text, name, names, header_line, sink)
    else:
        del data
    if df.empty and not sink.issues:  # a header alone: say so before the pages try
        sink.add(Issue(name, None, None, "empty_file"))
    return df, sink.result()
