"""Reading an officer's file (CSV in any common encoding, XLSX) into a table of the model.

``parse_upload`` is the first half of the import pipeline (the store diffs, applies and
records history on top of ``Parsed``). It takes the file as officers really keep it —
GBK or UTF-8 CSV or an Excel workbook, a title and a "单位：万美元" line above a one- or
two-row Chinese header, a 序号 column, 合计 rows and notes below — and returns the rows
in the model's columns with canonical values (``2010-09``, ids, ISO3, plain decimals),
or every problem found, each naming the line and the header as the officer sees them.

The steps live in their own modules: ``grid`` reads the file into cells, ``headers``
finds and maps the header (names from ``vocabulary``), ``rows`` converts the lines under it
(values through ``values``), and this module runs them and derives what a file may leave
out (ids from names, points from counties), then checks across rows.

Bounded work on hostile input: files over ``MAX_BYTES``, workbooks that unpack to more
than ``MAX_XLSX_UNPACKED`` or whose sheet spans more than ``MAX_SHEET_CELLS``, more than
``MAX_ROWS`` rows or ``MAX_COLUMNS`` columns are refused before or while reading, with a
message, never an exception (bench/bench_ingest.py has the timings).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from zones.dataset.validation import Issue
from zones.intake import attribution, customs
from zones.intake.grid import Grid, read_grid
from zones.intake.headers import (
    JOIN,
    HeaderCell,
    cells_text,
    combine_rows,
    header_candidates,
    header_score,
    looks_like_month,
    unit_hints,
)
from zones.intake.limits import HEADER_SEARCH_ROWS
from zones.intake.lookup import Lookups
from zones.intake.parse import (
    ValueProblem,
    text_of,
)
from zones.intake.parsed import TABLES, ColumnMatch, Parsed, Skipped, ValueMatch, model_columns
from zones.intake.rows import RowReader
from zones.intake.values import row_text, slug
from zones.intake.vocabulary import HEADERS, UNIT_EXAMPLES
from zones.model import FILES, Dataset

log = logging.getLogger(__name__)


def _fail(table: str, file_name: str, digest: str, issues: list[Issue], grid: Grid | None = None,
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


@dataclass(frozen=True)
class _Header:
    """Where the header is and what it says: one row, or a group row over a detail row."""

    indexes: tuple[int, ...]  # positions in ``grid.rows``
    texts: list[str]          # one per column; a two-row header's parts joined by JOIN
    line: int                 # the line of its first row

    def lines(self, rows: list[tuple[int, list[object]]]) -> tuple[int, ...]:
        return tuple(rows[i][0] for i in self.indexes)


def _locate_header(rows: list[tuple[int, list[object]]], table: str) -> _Header | None:
    """Phase 1: the row (or pair of rows) within the first lines naming most columns."""
    nonblank = [i for i, (_, cells) in enumerate(rows) if cells][:HEADER_SEARCH_ROWS]
    best: tuple[int, int, int] | None = None  # (score, -rows used, index)
    for pos, i in enumerate(nonblank):
        single = cells_text(rows[i][1])
        score = header_score(single, table)
        if best is None or (score, -1) > best[:2]:
            best = (score, -1, i)
        if pos + 1 < len(nonblank) and nonblank[pos + 1] == i + 1:
            lower = cells_text(rows[i + 1][1])
            pscore = header_score(combine_rows(single, lower), table)
            if pscore > max(score, header_score(lower, table)) and (
                best is None or (pscore, -2) > best[:2]
            ):
                best = (pscore, -2, i)
    needed = 1 if table == "destinations" else 2  # a list of countries may be one column
    if best is None or best[0] < needed:
        return None
    _, neg_rows, h = best
    if neg_rows == -1:
        return _Header((h,), cells_text(rows[h][1]), rows[h][0])
    return _Header((h, h + 1), combine_rows(cells_text(rows[h][1]), cells_text(rows[h + 1][1])),
                   rows[h][0])


def _rows_above(rows: list[tuple[int, list[object]]], header: _Header
                ) -> tuple[list[Skipped], dict[str, str]]:
    """Title and unit lines above the header (skipped, shown), and the units they give."""
    h = header.indexes[0]
    skipped: list[Skipped] = []
    hints: dict[str, str] = {}
    for line, cells in rows[:h]:
        if not cells:
            continue
        found = unit_hints(" ".join(text_of(c) for c in cells))
        hints.update({k: v for k, v in found.items() if k not in hints})
        skipped.append(Skipped(line, "import.skip.unit" if found else "import.skip.title",
                               row_text(cells)))
    if len(header.indexes) == 2:
        skipped.append(Skipped(rows[h + 1][0], "import.skip.header", row_text(rows[h + 1][1])))
    return skipped, hints


@dataclass
class _Mapping:
    """Phase 2: what each header names (model column with unit, ignored, or unmatched)."""

    headers: list[str]
    matches: dict[str, list[tuple[int, int, HeaderCell]]]  # column → (rank, index, meaning)
    columns: list[ColumnMatch]
    unmatched: list[str]
    ignored: list[str]
    issues: list[Issue]

    def header_of(self) -> dict[str, str]:
        return {col: self.headers[ms[0][1]] for col, ms in self.matches.items()}


def _map_headers(header: _Header, table: str, hints: dict[str, str], file_name: str
                 ) -> _Mapping:
    meanings = header_candidates(header.texts, table, hints)
    headers = [h.replace(JOIN, " ") for h in header.texts]
    mapping = _Mapping(headers, {}, [], [], [], [])
    per_row_unit = customs.per_row_unit([m.column if m else None for m in meanings])
    for j, (text, meaning) in enumerate(zip(headers, meanings, strict=True)):
        if not text:
            continue
        if meaning is None:
            mapping.unmatched.append(text)
        elif meaning.ignored:
            mapping.ignored.append(text)
        elif meaning.column:
            if meaning.unit_problem == "missing" and per_row_unit and meaning.column == "tonnes":
                meaning = HeaderCell("tonnes", rank=meaning.rank, note_key=customs.PER_ROW_NOTE)
            if meaning.unit_problem == "missing":
                mapping.issues.append(Issue(
                    file_name, header.line, text, "import_unit_missing",
                    {"value": text, "expected": UNIT_EXAMPLES.get(meaning.column, "")}))
            elif meaning.unit_problem == "other_currency":
                mapping.issues.append(Issue(file_name, header.line, text,
                                            "import_wrong_currency", {"value": text}))
            mapping.matches.setdefault(meaning.column, []).append((meaning.rank, j, meaning))
    for col in mapping.matches:
        mapping.matches[col].sort(key=lambda m: (m[0], m[1]))
    mapping.columns = [
        ColumnMatch(headers[j], "period", note_key="import.note.year_part")
        if col == "_year" else
        ColumnMatch(headers[j], col, float(m.factor),
                    m.note_key or ("import.note.alternate" if k else ""))
        for col, ms in mapping.matches.items() for k, (_, j, m) in enumerate(ms)]
    mapping.columns.sort(key=lambda c: headers.index(c.header))
    mapping.columns = customs.relabel(mapping.columns)
    mapping.unmatched += [headers[j] for _, j, _m in mapping.matches.get(customs.RMB, [])]
    if table == "export_volumes":
        mapping.issues += customs.header_issues(list(mapping.matches), mapping.header_of(),
                                                file_name, header.line)
    mapping.issues += _layout_problems(table, mapping, file_name, header.line)
    return mapping


def _layout_problems(table: str, mapping: _Mapping, file_name: str, line: int) -> list[Issue]:
    """A pivot table (months across) and required columns that no header names."""
    issues: list[Issue] = []
    matches = mapping.matches
    if table == "export_volumes" and "period" not in matches:
        months = [h for h in mapping.unmatched if looks_like_month(h)]
        if len(months) >= 3:  # "1月 | 2月 | …" across: a pivot table, one measure per cell
            issues.append(Issue(file_name, line, months[0], "import_wide_layout",
                                {"value": "、".join(months[:3]) + " …"}))
    wanted = model_columns(table)
    derivable = {"zones": {"zone_id", "lon", "lat"}, "products": {"product_id"},
                 "destinations": {"name_zh", "name_en"}}.get(table, set())
    derivable = derivable | customs.refused_columns(list(matches))  # said once, not twice
    if table == "destinations" and "iso3" not in matches and (
            "name_zh" in matches or "name_en" in matches):
        derivable = derivable | {"iso3"}
    for col in FILES[f"{table}.csv"].columns:
        if col.name in wanted and col.required and col.name not in matches and (
                col.name not in derivable):
            names = HEADERS[table].get(col.name, (col.name,))
            issues.append(Issue(file_name, line, col.name, "import_missing_column",
                                {"expected": " / ".join(dict.fromkeys(
                                    [names[1] if len(names) > 1 else names[0], names[0]]))}))
    return issues


def _parse(data: bytes, file_name: str, table: str, ds: Dataset, sheet: str | None,
           digest: str, progress: Callable[[float], None] | None = None,
           zone: str | None = None) -> Parsed:
    """The three phases: find the header, map its cells to columns, convert the rows."""
    grid = read_grid(data, file_name, sheet)
    if grid.issues:
        return _fail(table, file_name, digest, grid.issues, grid)
    rows = grid.rows
    if not any(cells for _, cells in rows):
        return _fail(table, file_name, digest, [Issue(file_name, None, None, "empty_file")],
                     grid)
    header = _locate_header(rows, table)
    if header is None:
        expected = " / ".join(HEADERS[table][c][1] for c in list(HEADERS[table])[:4])
        return _fail(table, file_name, digest,
                     [Issue(file_name, None, None, "import_no_header",
                            {"expected": expected, "rows": str(HEADER_SEARCH_ROWS)})], grid)
    _fill_merged(rows, grid.merged, rows[header.indexes[-1]][0])
    skipped, hints = _rows_above(rows, header)
    mapping = _map_headers(header, table, hints, file_name)
    found = dict(columns=tuple(mapping.columns), header_lines=header.lines(rows))
    if mapping.issues:
        return _fail(table, file_name, digest, mapping.issues, grid, unmatched=tuple(
            mapping.unmatched), ignored=tuple(mapping.ignored), **found)
    lk = Lookups(ds)
    file_zone = None
    if zone is not None and table == "export_volumes":
        try:
            file_zone = lk.zone(zone)
        except ValueProblem as problem:
            return _fail(table, file_name, digest, [Issue(file_name, None, None, problem.code,
                                                          {"value": str(zone),
                                                           **problem.params})], grid)
    per_row_unit = _unit_per_row(mapping)
    found["columns"] = tuple(mapping.columns)
    reader = RowReader(table, lk, file_name, mapping.headers, mapping.matches, skipped,
                       per_row_unit)
    stopped = reader.read(rows[header.indexes[-1] + 1:], progress)
    if stopped == "too_many_issues":
        return _fail(table, file_name, digest, reader.issues, grid, skipped=tuple(skipped),
                     **found)
    if stopped == "too_many_rows":
        return _fail(table, file_name, digest, reader.issues, grid)
    if not reader.out_rows:
        return _fail(table, file_name, digest,
                     [Issue(file_name, header.line, None, "import_no_rows")], grid,
                     skipped=tuple(skipped), **found)
    return _finish(table, file_name, digest, grid, header, mapping, reader, progress, file_zone)


def _unit_per_row(mapping: _Mapping) -> bool:
    """A customs quantity without a unit of its own ("第一数量") takes its row's unit
    column; otherwise that column is not read (#17)."""
    per_row = any(m.note_key == customs.PER_ROW_NOTE
                  for _, _, m in mapping.matches.get("tonnes", []))
    if not per_row and customs.UNIT in mapping.matches:
        mapping.unmatched += [mapping.headers[j] for _, j, _m in
                              mapping.matches.pop(customs.UNIT)]
        mapping.columns = [c for c in mapping.columns if c.note_key != customs.PER_ROW_NOTE]
    return per_row


def _attribute_zones(table: str, file_name: str, mapping: _Mapping, reader: RowReader,
                     file_zone: str | None) -> list[attribution.Attributed]:
    """Rows without a zone get one from 注册地 + product (exactly one fits) or from the zone
    chosen for the whole file; the others are refused with the candidates (#17)."""
    matches = mapping.matches
    if table != "export_volumes" or (file_zone is None and customs.PLACE not in matches):
        return []
    found, attributed, filled = attribution.attribute(
        reader.out_rows, reader.out_lines, reader.lookups, file_name,
        open_lines=set(reader.blank_zone) if "zone_id" in matches else None,
        place_header=mapping.header_of().get(customs.PLACE), file_zone=file_zone)
    reader.issues += found
    said = filled | {i.line for i in found}  # attributed, or refused with candidates
    reader.blank_zone = [line for line in reader.blank_zone if line not in said]
    if file_zone is not None:
        mapping.columns.append(ColumnMatch("", "zone_id", note_key="import.note.zone_for_file"))
    elif filled:
        mapping.columns.append(ColumnMatch("", "zone_id",
                                           note_key="import.note.zone_from_place"))
    return attributed


def _finish(table: str, file_name: str, digest: str, grid: Grid, header: _Header,
            mapping: _Mapping, reader: RowReader,
            progress: Callable[[float], None] | None, file_zone: str | None) -> Parsed:
    """Phase 3's end: zones from places, blank zones of a CSV, derived columns, checks
    across rows."""
    attributed = _attribute_zones(table, file_name, mapping, reader, file_zone)
    issues = reader.issues
    zone_header = mapping.header_of().get("zone_id", "")
    if (reader.blank_zone and len(reader.blank_zone) < len(reader.out_rows)
            and grid.encoding is not None and zone_header != "zone_id"):
        # A CSV (not a workbook, whose merged cells were filled above; not the data files'
        # own layout, where blank means "not attributed") in which some rows name a zone
        # and others leave it blank: most often a merged cell saved as CSV. Not guessed
        # either way; "-" or "无" says "not attributed to a zone".
        issues += [Issue(file_name, line, zone_header, "import_zone_blank")
                   for line in reader.blank_zone]
    if progress is not None:
        progress(1.0)
    frame = pd.DataFrame(reader.out_rows, columns=model_columns(table), dtype="string")
    header_of = mapping.header_of()
    lk = reader.lookups
    columns = mapping.columns + _derive(table, frame, reader.out_lines, header_of, lk, file_name,
                                        issues)
    issues += _row_checks(table, frame, reader.out_lines, header_of, lk, file_name, issues)
    new_dest = None
    if reader.conv.new_destinations:
        new_dest = pd.DataFrame(
            [{"iso3": c.iso3, "name_zh": c.name_zh, "name_en": c.name_en}
             for c in reader.conv.new_destinations.values()],
            columns=model_columns("destinations"), dtype="string")
    return Parsed(table, file_name, digest, frame.astype("string"), tuple(reader.out_lines),
                  tuple(columns), tuple(mapping.unmatched),
                  tuple(sorted(reader.skipped, key=lambda s: s.line)),
                  tuple(issues), new_destinations=new_dest, ignored=tuple(mapping.ignored),
                  values=tuple(ValueMatch(h, w, v) for (h, w), v in reader.value_map.items()),
                  header_lines=header.lines(grid.rows),
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
        from zones.dataset.geopoints import representative_points

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
            made = slug(str(row[col]), sep)
            if made:
                return made
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
