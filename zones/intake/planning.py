"""Planning an import: merge the upload into the current table, validate, diff.

``plan_import`` merges the parsed upload into the current table (``upsert``: same key
replaced, new keys added; ``replace``: the whole table), writes the prospective files into
a scratch folder and validates them with the loader the app uses (``load``), so a plan is
accepted exactly when the dashboard could show the result. Problems in rows that came from
the upload are reported against the uploaded file's line and header.

Provenance: rows the import adds or changes get ``source = imported`` and an ``import_id``
pointing at a line of ``imports.csv`` (file name, SHA-256, who, when). A row that arrives
unchanged keeps its old source: an illustrative row does not become "imported" by a round
trip through the template.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from zones.dataset.csvread import TEXT
from zones.dataset.loading import CsvSource, load
from zones.dataset.validation import Issue
from zones.intake import limits
from zones.intake.parsed import TABLES, Parsed, model_columns
from zones.intake.records import (
    IMPORTS_FILE,
    KEYS,
    MEASURE_SUMS,
    MODES,
    SAMPLE_ROWS,
    canon,
    current_sha,
    frame_csv_bytes,
    norm,
    read_imports,
    read_text_table,
    utc_now,
)
from zones.model import FILES, IMPORT_ID_RE


@dataclass(frozen=True)
class Diff:
    """What the import changes in its table, and the volume sums before and after."""

    table: str
    added: int
    changed: int
    removed: int
    unchanged: int
    rows_before: int
    rows_after: int
    sums_before: dict[str, float]
    sums_after: dict[str, float]
    added_rows: pd.DataFrame
    changed_cells: pd.DataFrame  # key, column, before, after
    removed_rows: pd.DataFrame

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass(frozen=True)
class Plan:
    """An import checked against the data folder; ``writes`` are the new file contents."""

    parsed: Parsed
    mode: str
    root: Path
    user: str
    when: str
    import_id: str
    issues: tuple[Issue, ...]
    diff: Diff | None = None
    writes: dict[str, bytes] = field(default_factory=dict)
    base: dict[str, str | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.issues and self.diff is not None


def new_import_id(when: datetime, digest: str) -> str:
    return f"imp-{when:%Y%m%d}t{when:%H%M%S}z-{digest[:8]}"


def _volume_sums(df: pd.DataFrame | None) -> dict[str, float]:
    if df is None or df.empty:
        return {m: 0.0 for m in MEASURE_SUMS}
    return {m: float(pd.to_numeric(df[m], errors="coerce").fillna(0).sum()) for m in MEASURE_SUMS}


@dataclass
class _Matched:
    """The current table and the upload, with each row's key and which rows they share."""

    cur: pd.DataFrame         # this merge's own copy of the current table (Arrow text)
    up: pd.DataFrame          # the upload in the model's columns
    columns: list[str]        # the prospective table's columns (import_id added)
    cur_keys: pd.Series
    up_keys: list[str]
    hit: np.ndarray           # current rows whose key the upload names
    cur_index: dict[str, int]  # key → the first current row with it (named keys only)


def _match(current: pd.DataFrame, upload: pd.DataFrame, table: str) -> _Matched:
    """Keys of both sides. The current table is handled column-wise (it may hold a million
    rows); only the current rows an uploaded key names are indexed (the first of each key):
    a dict of a million keys would cost more memory than the table itself."""
    keycols = KEYS[table]
    columns = list(current.columns)
    if "import_id" not in columns:
        columns.append("import_id")
    # Arrow-backed text: at a million rows, Python-object strings would cost ~500 MB more.
    cur = current.reindex(columns=columns).astype(TEXT).reset_index(drop=True)
    up = upload.reindex(columns=model_columns(table)).astype("string")
    cur_keys = _key_column(cur, keycols)
    up_keys = [_KEY_SEP.join(norm(row.get(k)) for k in keycols)
               for row in up.to_dict("records")]
    hit = cur_keys.isin(set(up_keys)).to_numpy(dtype=bool)
    cand = cur_keys[hit]
    cand = cand[~cand.duplicated()]
    cur_index: dict[str, int] = dict(zip(cand.astype(object), cand.index, strict=True))
    return _Matched(cur, up, columns, cur_keys, up_keys, hit, cur_index)


def _compare(m: _Matched, table: str, import_id: str
             ) -> tuple[list[dict[str, object]], list[str], list[dict[str, object]]]:
    """Each uploaded row as it will be stored, its status, and a sample of changed cells.

    A row that arrives unchanged keeps its old source and import_id; an added or changed
    one becomes ``source = imported`` of this import.
    """
    kinds = {c.name: c.kind for c in FILES[f"{table}.csv"].columns}
    cols = list(m.up.columns)
    matched = sorted({m.cur_index[k] for k in m.up_keys if k in m.cur_index})
    olds = dict(zip(matched, m.cur.iloc[matched].to_dict("records"), strict=True))
    new_rows: list[dict[str, object]] = []
    statuses: list[str] = []
    changed_cells: list[dict[str, object]] = []
    for row, k in zip(m.up.to_dict("records"), m.up_keys, strict=True):
        old = olds[m.cur_index[k]] if k in m.cur_index else None
        diffs = [] if old is None else [
            c for c in cols if canon(old.get(c), kinds[c]) != canon(row.get(c), kinds[c])]
        if old is not None and not diffs:
            new_rows.append(dict(old))
            statuses.append("unchanged")
            continue
        made = {c: (None if norm(row.get(c)) == "" else norm(row.get(c))) for c in cols}
        made.update(source="imported", import_id=import_id)
        if "fact_id" in m.columns:
            made["fact_id"] = None
        new_rows.append(made)
        statuses.append("added" if old is None else "changed")
        for c in diffs:
            if len(changed_cells) < SAMPLE_ROWS:
                changed_cells.append({"key": " · ".join(x for x in k.split(_KEY_SEP) if x),
                                      "column": c, "before": norm(old.get(c)),  # type: ignore[union-attr]
                                      "after": norm(row.get(c))})
    return new_rows, statuses, changed_cells


def _place(m: _Matched, new_rows: list[dict[str, object]], lines: list[int], mode: str
           ) -> tuple[pd.DataFrame, list[int | None], list[int]]:
    """The prospective table, the upload line of each of its rows, and the removed rows.

    ``upsert``: a matched row is replaced where it stands, new keys are appended;
    ``replace``: the upload is the table.
    """
    def rows_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
        return pd.DataFrame(rows, columns=m.columns).astype(TEXT)

    if mode == "replace":
        return rows_frame(new_rows), list(lines), m.cur_keys.index[~m.hit].tolist()
    placed: dict[int, int] = {}
    extra: list[int] = []
    seen: set[str] = set()
    for j, k in enumerate(m.up_keys):
        if k in m.cur_index and k not in seen:
            placed[m.cur_index[k]] = j
        else:
            extra.append(j)
        seen.add(k)
    prospective = m.cur  # the merge's own copy: changed in place
    if placed:
        at = list(placed)
        prospective.iloc[at] = rows_frame([new_rows[placed[i]] for i in at]).to_numpy()
    origin: list[int | None] = [None] * len(m.cur)
    for i, j in placed.items():
        origin[i] = lines[j]
    if extra:
        prospective = pd.concat([prospective, rows_frame([new_rows[j] for j in extra])],
                                ignore_index=True)
        origin += [lines[j] for j in extra]
    return prospective, origin, []


def _merge(current: pd.DataFrame, upload: pd.DataFrame, lines: list[int], table: str,
           mode: str, import_id: str) -> tuple[pd.DataFrame, list[int | None], Diff]:
    """The prospective table, the upload line of each of its rows, and the diff."""
    is_vol = table == "export_volumes"
    m = _match(current, upload, table)
    rows_before, sums_before = len(m.cur), _volume_sums(m.cur) if is_vol else {}
    new_rows, statuses, changed_cells = _compare(m, table, import_id)
    prospective, origin, removed_idx = _place(m, new_rows, lines, mode)
    if not (prospective["import_id"].notna().any()) and "import_id" not in current.columns:
        prospective = prospective.drop(columns="import_id")
    cols = list(m.up.columns)
    # replace mode leaves m.cur untouched, so the removed rows are read from it
    removed = m.cur.iloc[removed_idx][cols] if removed_idx else m.cur.iloc[0:0][cols]
    diff = Diff(
        table=table,
        added=statuses.count("added"), changed=statuses.count("changed"),
        removed=len(removed_idx), unchanged=statuses.count("unchanged"),
        rows_before=rows_before, rows_after=len(prospective),
        sums_before=sums_before,
        sums_after=_volume_sums(prospective) if is_vol else {},
        added_rows=m.up[[s == "added" for s in statuses]].head(SAMPLE_ROWS).reset_index(
            drop=True),
        changed_cells=pd.DataFrame(changed_cells, columns=["key", "column", "before", "after"]),
        removed_rows=removed.head(SAMPLE_ROWS).reset_index(drop=True),
    )
    return prospective, origin, diff


_KEY_SEP = "\x1f"


def _key_column(frame: pd.DataFrame, keycols: tuple[str, ...]) -> pd.Series:
    """Each row's key as one string, normalised like ``norm`` (missing = '').

    Built in Arrow (no Python string per cell and part) when the columns are ``TEXT``.
    """
    parts = [frame[k].astype(TEXT).fillna("").str.strip() for k in keycols]
    out = parts[0]
    for p in parts[1:]:
        out = out + _KEY_SEP + p
    return out


def provenance_issues(frames: Mapping[str, pd.DataFrame], imports: pd.DataFrame
                      ) -> list[Issue]:
    """``import_id`` present exactly on imported rows, and naming a line of imports.csv."""
    known = set(imports["import_id"].dropna())
    issues: list[Issue] = []
    for i, iid in enumerate(imports["import_id"]):
        if pd.isna(iid) or not re.match(IMPORT_ID_RE, str(iid)):
            issues.append(Issue(IMPORTS_FILE, i + 2, "import_id", "bad_format",
                                {"value": norm(iid)}))
    for table in TABLES:
        name = f"{table}.csv"
        df = frames.get(name)
        if df is None or "source" not in df.columns:
            continue
        ids = (df["import_id"] if "import_id" in df.columns else pd.Series(
            pd.NA, index=df.index, dtype="string")).fillna("").astype(str).str.strip()
        imported = (df["source"].fillna("").astype(str).str.strip() == "imported").to_numpy()
        has = (ids != "").to_numpy()
        unknown = ~ids.isin(known).to_numpy()
        # Column-wise (a table may hold a million rows); rows that pass cost nothing.
        bad = (imported & ~has) | (~imported & has) | (has & unknown)
        for i in bad.nonzero()[0].tolist():
            iid = ids.iloc[i]
            if imported[i] and not has[i]:
                issues.append(Issue(name, i + 2, "import_id", "import_id_required"))
            elif not imported[i]:
                issues.append(Issue(name, i + 2, "import_id", "import_id_forbidden",
                                    {"value": iid}))
            else:
                issues.append(Issue(name, i + 2, "import_id", "unknown_ref",
                                    {"value": iid, "target": IMPORTS_FILE}))
    return issues


_PROVENANCE = ("source", "import_id")


def validate_files(root: Path, writes: Mapping[str, bytes | None]) -> list[Issue]:
    """Issues of the data folder as it would be after ``writes`` (None = file removed).

    The prospective files are written to a scratch folder (geo linked, not copied) and
    loaded by the app's own loader, so the check is exactly what the dashboard will do.
    """
    with tempfile.TemporaryDirectory(prefix="zones-plan-") as tmp:
        scratch = Path(tmp)
        (scratch / "geo").symlink_to((root / "geo").resolve(), target_is_directory=True)
        for name in [*FILES, IMPORTS_FILE]:
            data = writes[name] if name in writes else (
                (root / name).read_bytes() if (root / name).exists() else None)
            if data is not None:
                (scratch / name).write_bytes(data)
        issues = list(load(CsvSource(scratch)).issues)  # the loaded data is let go here
        # Only the provenance columns are kept: at a million rows a whole text copy of
        # every table would double the import's peak memory.
        frames = {name: df[[c for c in _PROVENANCE if c in df.columns]] for name in FILES
                  if (df := read_text_table(scratch, name)) is not None}
        issues += provenance_issues(frames, read_imports(scratch))
    return issues


def _remap(issues: list[Issue], table: str, origin: list[int | None], parsed: Parsed
           ) -> list[Issue]:
    """Problems in rows that came from the upload name the uploaded file, line, header."""
    header = {m.column: m.header for m in parsed.columns}
    out: list[Issue] = []
    seen: set[tuple[object, ...]] = set()
    for issue in issues:
        if issue.file == f"{table}.csv" and issue.line is not None:
            row = issue.line - 2
            if 0 <= row < len(origin) and origin[row] is not None:
                column = header.get(issue.column or "", issue.column)
                issue = Issue(parsed.file_name, origin[row], column, issue.code, issue.params)
        k = (issue.file, issue.line, issue.column, issue.code, tuple(issue.params.items()))
        if k not in seen:
            seen.add(k)
            out.append(issue)
    # The uploaded file first, in line order: the officer fixes it top to bottom.
    return sorted(out, key=lambda i: (i.file != parsed.file_name, i.file, i.line or 0))


def plan_import(parsed: Parsed, mode: str, root: Path, user: str,
                now: datetime | None = None) -> Plan:
    """Check ``parsed`` against the data in ``root``; nothing is written."""
    when = now or utc_now()
    iid = new_import_id(when, parsed.sha256)
    stamp = when.isoformat().replace("+00:00", "Z")
    plan = Plan(parsed, mode, root, user, stamp, iid, tuple(parsed.issues))
    if mode not in MODES:
        return Plan(**{**plan.__dict__, "issues": (Issue(parsed.file_name, None, None,
                                                         "bad_mode", {"value": mode}),)})
    if parsed.frame is None or parsed.issues:
        return plan
    if len(parsed.frame) > limits.MAX_ROWS:
        return Plan(**{**plan.__dict__, "issues": (Issue(
            parsed.file_name, None, None, "too_many_rows",
            {"rows": str(len(parsed.frame)), "limit": str(limits.MAX_ROWS)}),)})
    if parsed.frame.empty:
        return Plan(**{**plan.__dict__, "issues": (Issue(parsed.file_name, None, None,
                                                         "no_rows"),)})
    name = f"{parsed.table}.csv"
    base = {name: current_sha(root, name), IMPORTS_FILE: current_sha(root, IMPORTS_FILE)}
    current = read_text_table(root, name)
    if current is None:
        current = pd.DataFrame(columns=FILES[name].column_names, dtype="string")
    lines = list(parsed.lines) or list(range(2, len(parsed.frame) + 2))
    prospective, origin, diff = _merge(current, parsed.frame, lines, parsed.table, mode, iid)
    del current  # at a million rows each text copy is hundreds of MB
    writes: dict[str, bytes] = {}
    if diff.any:
        writes[name] = frame_csv_bytes(prospective)
        if "import_id" in prospective.columns and bool(
                (prospective["import_id"] == iid).fillna(False).any()):
            log = read_imports(root)
            row = pd.DataFrame([{"import_id": iid, "imported_at": stamp, "user": user,
                                 "file_name": parsed.file_name, "sha256": parsed.sha256,
                                 "table": parsed.table, "mode": mode}], dtype="string")
            writes[IMPORTS_FILE] = frame_csv_bytes(pd.concat([log, row], ignore_index=True))
    del prospective  # written out as bytes; the check below loads it again from them
    issues = _remap(validate_files(root, writes), parsed.table, origin, parsed) if writes else []
    return Plan(parsed, mode, root, user, stamp, iid, tuple(issues), diff,
                {} if issues else writes, base)
