"""Phase 3 of reading an officer's file: the rows under the header, converted cell by cell.

Blank, total (合计), note and repeated-header lines are skipped and listed for the preview;
every other line becomes a record in the model's columns, or problems naming its line and
header. Names, months and codes repeat down a column, so each distinct cell is converted
once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from zones.dataset.validation import Issue
from zones.intake import customs
from zones.intake.headers import HeaderCell
from zones.intake.limits import MAX_ISSUES, MAX_ROWS
from zones.intake.lookup import Lookups
from zones.intake.parse import ValueProblem, name_key, text_of
from zones.intake.parsed import Skipped
from zones.intake.values import Converter, is_note, is_total, row_text
from zones.intake.vocabulary import LOOKUP_COLUMNS

Cells = list[object]
Stop = Literal["too_many_issues", "too_many_rows"] | None
# Columns whose cell converts the same way on every row (not countries: a new destination
# is recorded as a side effect of the conversion; not a month completed by a year column).
_CACHEABLE = ("period", "zone_id", "product_id", "county_adcode", "products", "level",
              "category", "launched")
_ID_COLUMNS = ("product_id", "destination_iso3", "zone_id", "iso3")


def _blank(cell: object) -> bool:
    return cell is None or (cell.__class__ is str and not cell.strip())  # type: ignore[attr-defined]


class RowReader:
    """Reads the body of one upload; its results are its attributes."""

    def __init__(self, table: str, lookups: Lookups, file_name: str, headers: list[str],
                 matches: dict[str, list[tuple[int, int, HeaderCell]]],
                 skipped: list[Skipped], per_row_unit: bool = False) -> None:
        self.lookups, self.file_name, self.headers = lookups, file_name, headers
        self.conv = Converter(table, lookups)
        self.conv.per_row_unit = per_row_unit
        # the year and the unit first: they complete the month and the quantity of their row
        order = sorted(matches, key=lambda c: c not in ("_year", customs.UNIT))
        self.funcs = {col: [(j, m, self.conv.converters(col, m.factor))
                            for _, j, m in matches[col]] for col in order}
        self.header_set = {name_key(x) for x in headers if x}
        self.memo: dict[tuple[int, str], object] = {}
        self.cacheable = {j: col in _CACHEABLE and not (col == "period" and "_year" in matches)
                          for col, ms in matches.items() for _, j, _m in ms}
        # Names and codes translated to ids, shown in the preview ("南韩 → KOR").
        self.translated = {j: col in LOOKUP_COLUMNS for col, ms in matches.items()
                           for _, j, _m in ms}
        self.value_map: dict[tuple[str, str], str] = {}
        self.blank_zone: list[int] = []
        self.out_rows: list[dict[str, str | None]] = []
        self.out_lines: list[int] = []
        self.skipped = skipped
        self.issues: list[Issue] = []

    def read(self, body: list[tuple[int, Cells]],
             progress: Callable[[float], None] | None = None) -> Stop:
        """Convert every line of ``body``; stop early (and say why) on a hopeless file."""
        blank_start: int | None = None
        last_blank = 0
        step = max(1, len(body) // 50)
        for n, (line, cells) in enumerate(body):
            if progress is not None and n % step == 0:
                progress(n / len(body))
            filled = [c for c in cells if not _blank(c)]
            if not filled:
                blank_start = line if blank_start is None else blank_start
                last_blank = line
                continue
            if blank_start is not None:
                self._skip_blank(blank_start, last_blank)
                blank_start = None
            if self._skipped_line(line, cells, filled):
                continue
            self.out_rows.append(self._record(line, cells))
            self.out_lines.append(line)
            if (stop := self._limit(line)) is not None:
                return stop
        if blank_start is not None:
            self._skip_blank(blank_start, last_blank)
        return None

    def _skip_blank(self, start: int, end: int) -> None:
        self.skipped.append(Skipped(start, "import.skip.blank",
                                    end=end if end != start else None))

    def _skipped_line(self, line: int, cells: Cells, filled: Cells) -> bool:
        """A total, a note or the header repeated (a printed page break): listed, not read."""
        if is_total(filled):
            reason = "import.skip.total"
        elif is_note(filled):
            reason = "import.skip.note"
        elif name_key(filled[0]) in self.header_set and {
                name_key(c) for c in filled} <= self.header_set:
            reason = "import.skip.header"
        else:
            return False
        self.skipped.append(Skipped(line, reason, row_text(cells)))
        return True

    def _limit(self, line: int) -> Stop:
        if len(self.issues) >= MAX_ISSUES:  # a wrong table or layout: enough to see what is wrong
            self.issues.append(Issue(self.file_name, line, None, "import_too_many_issues",
                                     {"limit": str(MAX_ISSUES)}))
            return "too_many_issues"
        if len(self.out_rows) > MAX_ROWS:
            self.issues.append(Issue(self.file_name, line, None, "import_too_many_rows",
                                     {"limit": f"{MAX_ROWS:,}"}))
            return "too_many_rows"
        return None

    def _record(self, line: int, cells: Cells) -> dict[str, str | None]:
        record: dict[str, str | None] = {}
        for col, options in self.funcs.items():
            value = self._column_value(col, options, line, cells)
            record[col] = value
            if col == "zone_id" and value is None:
                j0 = options[0][0]
                if _blank(cells[j0] if j0 < len(cells) else None):
                    self.blank_zone.append(line)
            if col == "_year":
                self.conv.row_year = value
        self.conv.row_year = None
        self.conv.row_unit.reset()
        return record

    def _column_value(self, col: str, options: list, line: int, cells: Cells) -> str | None:
        """The first filled cell of the headers naming ``col``; a second one that says
        otherwise (two product columns that disagree) is a conflict."""
        value: str | None = None
        first_header = ""
        for j, _m, func in options:
            cell = cells[j] if j < len(cells) else None
            if _blank(cell):
                continue
            if value is not None:
                if col in _ID_COLUMNS:
                    self._check_conflict(func, cell, value, line, j, first_header)
                continue
            first_header = self.headers[j]
            try:
                value = self._convert(j, func, cell)
            except ValueProblem as problem:
                self.issues.append(Issue(self.file_name, line, self.headers[j], problem.code,
                                         {"value": text_of(cell), **problem.params}))
                return None
        return value

    def _check_conflict(self, func: Callable[[object], str | None], cell: object, value: str,
                        line: int, j: int, first_header: str) -> None:
        try:
            other = func(cell)
        except ValueProblem:
            other = None
        if other is not None and other != value:
            self.issues.append(Issue(self.file_name, line, self.headers[j], "import_conflict",
                                     {"value": text_of(cell), "other": first_header}))

    def _convert(self, j: int, func: Callable[[object], str | None], cell: object
                 ) -> str | None:
        """``func(cell)``, once per distinct cell of a cacheable column (problems too)."""
        memo_key = (j, cell if isinstance(cell, str) else repr(cell))
        if memo_key in self.memo:
            value = self.memo[memo_key]
            if isinstance(value, ValueProblem):
                raise value
            return value  # type: ignore[return-value]
        try:
            value = func(cell)
        except ValueProblem as problem:
            if self.cacheable[j]:
                self.memo[memo_key] = problem
            raise
        if self.cacheable[j]:
            self.memo[memo_key] = value
        if self.translated[j] and value is not None and len(self.value_map) < 500:
            written = str(cell).strip()
            if written != value:
                self.value_map.setdefault((self.headers[j], written), value)
        return value
