"""Applying an officer's import to the data folder: plan, validate, diff, apply, history, undo.

One pipeline for the Data page and ``python -m zones import``:

1. ``plan_import`` merges the parsed upload into the current table (``upsert``: same key
   replaced, new keys added; ``replace``: the whole table), writes the prospective files
   into a scratch folder and validates them with the loader the app uses (``load``), so a
   plan is accepted exactly when the dashboard could show the result. Problems in rows
   that came from the upload are reported against the uploaded file's line and header.
2. ``apply`` writes under a lock (one writer; a second is told to retry), refuses if the
   data changed since the plan was made, keeps the previous version of every file under
   ``history/<entry>/`` and swaps the new files in atomically (temporary file in the same
   folder, fsync, ``os.replace``). A journal (``manifest.json`` with ``pending``) lets the
   next writer roll back a change interrupted between two swaps; the line in
   ``history/log.csv`` is the commit point.
3. ``undo`` restores the files of the last change that is not yet undone, atomically and
   recorded in the log like any other change.

Provenance: rows that the import adds or changes get ``source = imported`` and an
``import_id`` pointing at a line of ``imports.csv`` (file name, SHA-256, who, when). A row
that arrives unchanged keeps its old source: an illustrative row does not become
"imported" by a round trip through the template.

The folder's own CSVs are stored as the officer typed them (the app's store, read by the
loader); every file handed back to a user (downloads, templates) is neutralised by
``zones.safe``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Hashable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import pandas as pd

from zones.dataset.csvread import TEXT
from zones.dataset.loading import GEO_FILES, CsvSource, load, read_csv_text
from zones.dataset.validation import Issue
from zones.intake import limits
from zones.intake.parsed import TABLES, Parsed, model_columns
from zones.model import FILES, IMPORT_ID_RE

MODES: tuple[str, ...] = ("upsert", "replace")
# The key that identifies "the same row" for upsert and for the diff.
KEYS: dict[str, tuple[str, ...]] = {table: FILES[f"{table}.csv"].row_key for table in TABLES}
MEASURE_SUMS: tuple[str, ...] = ("tonnes", "value_usd")
IMPORTS_FILE = "imports.csv"
IMPORTS_COLUMNS: tuple[str, ...] = (
    "import_id", "imported_at", "user", "file_name", "sha256", "table", "mode")
HISTORY_DIR = "history"
LOG_FILE = "log.csv"
LOG_COLUMNS: tuple[str, ...] = (
    "entry_id", "when", "user", "action", "table", "mode", "file_name", "sha256",
    "added", "changed", "removed", "undoes")
LOCK_FILE = ".zones-writer.lock"
MANIFEST = "manifest.json"
PENDING = "pending"  # history/pending: the id of a change being swapped in (one stat to check)
SAMPLE_ROWS = 500  # rows of each kind kept for the preview
# Test hook: a process that should die at this point of ``_swap`` (see tests/test_store.py).
CRASH_ENV = "ZONES_STORE_CRASH_AT"


class Busy(Exception):
    """Another import or undo holds the writer lock; try again in a moment."""


class StoreError(Exception):
    """A refused apply/undo; ``issues`` say why (nothing was written)."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(i.message("en") for i in issues))
        self.issues = issues


# --- small helpers ---------------------------------------------------------------------

def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def fmt_sum(value: float) -> str:
    """A preview total with every digit (a diff that rounds would hide the change)."""
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return text


def _crash_point(name: str) -> None:
    if os.environ.get(CRASH_ENV) == name:
        os._exit(70)


def data_fingerprint(root: Path) -> tuple[tuple[str, int, int], ...]:
    """(name, mtime_ns, size) of every file the app loads: changes when any is replaced.

    Cheap (one ``stat`` per file), so every rerun of every app process can compare it and
    reload after another process imported, without a restart.
    """
    names = [*FILES, IMPORTS_FILE, *(f"geo/{g}" for g in GEO_FILES.values())]
    out = []
    for name in names:
        try:
            st = (root / name).stat()
            out.append((name, st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((name, -1, -1))
    return tuple(out)


def frame_csv_bytes(df: pd.DataFrame) -> bytes:
    """A text frame as the data folder's CSV: UTF-8, LF, minimal quoting, '' for missing.

    pandas writes through the csv module with the same dialect (tests/test_store.py
    checks the bytes), at a third of the time of a Python loop over a million rows.
    """
    from zones.safe import stored_csv_bytes

    return stored_csv_bytes(df)


def _read_text(root: Path, name: str) -> pd.DataFrame | None:
    if not (root / name).exists():
        return None
    df, _ = read_csv_text(root / name, name)
    return df


def _norm(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value).strip()


def _canon(value: object, kind: str) -> object:
    """The value as compared for 'unchanged': numbers by value (28 == 28.0), text stripped."""
    text = _norm(value)
    if kind in ("int", "float") and text:
        try:
            return float(text)
        except ValueError:
            return text
    return text


# --- the plan ------------------------------------------------------------------------

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


def _merge(current: pd.DataFrame, upload: pd.DataFrame, lines: list[int], table: str,
           mode: str, import_id: str) -> tuple[pd.DataFrame, list[int | None], Diff]:
    """The prospective table, the upload line of each of its rows, and the diff.

    The current table is handled column-wise (it may hold a million rows); only the
    upload's rows, and the current rows they match, are looked at one by one.
    """
    spec = FILES[f"{table}.csv"]
    kinds = {c.name: c.kind for c in spec.columns}
    keycols = KEYS[table]
    cols = model_columns(table)
    columns = list(current.columns)
    if "import_id" not in columns:
        columns.append("import_id")
    # Arrow-backed text: at a million rows, Python-object strings would cost ~500 MB more.
    cur = current.reindex(columns=columns).astype(TEXT).reset_index(drop=True)
    up = upload.reindex(columns=cols).astype("string")

    def key(row: Mapping[str, object]) -> str:
        return _KEY_SEP.join(_norm(row.get(k)) for k in keycols)

    cur_keys = _key_column(cur, keycols)
    up_rows = up.to_dict("records")
    up_keys = [key(row) for row in up_rows]
    # Only the current rows an uploaded key names are indexed (the first of each key):
    # a dict of a million keys would cost more memory than the table itself.
    hit = cur_keys.isin(set(up_keys)).to_numpy(dtype=bool)
    cand = cur_keys[hit]
    cand = cand[~cand.duplicated()]
    cur_index: dict[str, int] = dict(zip(cand.astype(object), cand.index, strict=True))
    matched = sorted({cur_index[k] for k in up_keys if k in cur_index})
    olds = dict(zip(matched, cur.iloc[matched].to_dict("records"), strict=True))
    new_rows: list[dict[str, object]] = []
    statuses: list[str] = []
    changed_cells: list[dict[str, object]] = []
    for row, k in zip(up_rows, up_keys, strict=True):
        old = olds[cur_index[k]] if k in cur_index else None
        diffs = [] if old is None else [
            c for c in cols if _canon(old.get(c), kinds[c]) != _canon(row.get(c), kinds[c])]
        if old is not None and not diffs:
            new_rows.append(dict(old))  # unchanged: keeps its source and import_id
            statuses.append("unchanged")
            continue
        made = {c: (None if _norm(row.get(c)) == "" else _norm(row.get(c))) for c in cols}
        made.update(source="imported", import_id=import_id)
        if "fact_id" in columns:
            made["fact_id"] = None
        new_rows.append(made)
        statuses.append("added" if old is None else "changed")
        for c in diffs:
            if len(changed_cells) < SAMPLE_ROWS:
                changed_cells.append({"key": " · ".join(x for x in k.split(_KEY_SEP) if x),
                                      "column": c, "before": _norm(old.get(c)),
                                      "after": _norm(row.get(c))})

    def rows_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
        return pd.DataFrame(rows, columns=columns).astype(TEXT)

    is_vol = table == "export_volumes"
    rows_before, sums_before = len(cur), _volume_sums(cur) if is_vol else {}
    if mode == "replace":
        prospective, origin = rows_frame(new_rows), list(lines)
        removed_idx = cur_keys.index[~hit].tolist()
    else:
        placed: dict[int, int] = {}
        extra: list[int] = []
        seen: set[str] = set()
        for j, k in enumerate(up_keys):
            if k in cur_index and k not in seen:
                placed[cur_index[k]] = j
            else:
                extra.append(j)
            seen.add(k)
        prospective = cur  # cur is this function's own copy: changed in place
        if placed:
            at = list(placed)
            prospective.iloc[at] = rows_frame([new_rows[placed[i]] for i in at]).to_numpy()
        origin: list[int | None] = [None] * len(cur)
        for i, j in placed.items():
            origin[i] = lines[j]
        if extra:
            prospective = pd.concat([prospective, rows_frame([new_rows[j] for j in extra])],
                                    ignore_index=True)
            origin += [lines[j] for j in extra]
        removed_idx = []
    if not (prospective["import_id"].notna().any()) and "import_id" not in current.columns:
        prospective = prospective.drop(columns="import_id")
    removed = cur.iloc[removed_idx][cols] if removed_idx else cur.iloc[0:0][cols]
    added_rows = up[[s == "added" for s in statuses]]
    diff = Diff(
        table=table,
        added=statuses.count("added"), changed=statuses.count("changed"),
        removed=len(removed_idx), unchanged=statuses.count("unchanged"),
        rows_before=rows_before, rows_after=len(prospective),
        sums_before=sums_before,
        sums_after=_volume_sums(prospective) if is_vol else {},
        added_rows=added_rows.head(SAMPLE_ROWS).reset_index(drop=True),
        changed_cells=pd.DataFrame(changed_cells, columns=["key", "column", "before", "after"]),
        removed_rows=removed.head(SAMPLE_ROWS).reset_index(drop=True),
    )
    return prospective, origin, diff


_KEY_SEP = "\x1f"


def _key_column(frame: pd.DataFrame, keycols: tuple[str, ...]) -> pd.Series:
    """Each row's key as one string, normalised like ``_norm`` (missing = '').

    Built in Arrow (no Python string per cell and part) when the columns are ``TEXT``.
    """
    parts = [frame[k].astype(TEXT).fillna("").str.strip() for k in keycols]
    out = parts[0]
    for p in parts[1:]:
        out = out + _KEY_SEP + p
    return out


def read_table(root: Path, table: str) -> pd.DataFrame:
    """The table as it is on disk, all text (what a template of the current data holds)."""
    name = f"{table}.csv"
    df = _read_text(root, name)
    return df if df is not None else pd.DataFrame(columns=FILES[name].column_names,
                                                   dtype="string")


def read_imports(root: Path) -> pd.DataFrame:
    df = _read_text(root, IMPORTS_FILE)
    if df is None:
        return pd.DataFrame(columns=list(IMPORTS_COLUMNS), dtype="string")
    return df.reindex(columns=list(IMPORTS_COLUMNS)).astype("string")


def provenance_issues(frames: Mapping[str, pd.DataFrame], imports: pd.DataFrame
                      ) -> list[Issue]:
    """``import_id`` present exactly on imported rows, and naming a line of imports.csv."""
    known = set(imports["import_id"].dropna())
    issues: list[Issue] = []
    for i, iid in enumerate(imports["import_id"]):
        if pd.isna(iid) or not re.match(IMPORT_ID_RE, str(iid)):
            issues.append(Issue(IMPORTS_FILE, i + 2, "import_id", "bad_format",
                                {"value": _norm(iid)}))
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
                  if (df := _read_text(scratch, name)) is not None}
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
    when = now or _now()
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
    base = {name: _current_sha(root, name), IMPORTS_FILE: _current_sha(root, IMPORTS_FILE)}
    current = _read_text(root, name)
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


# --- history, lock, atomic swap ---------------------------------------------------------

@dataclass(frozen=True)
class HistoryEntry:
    entry_id: str
    when: str
    user: str
    action: str  # import | undo
    table: str
    mode: str
    file_name: str
    sha256: str
    added: int
    changed: int
    removed: int
    undoes: str = ""
    undone: bool = False


@contextmanager
def writer_lock(root: Path) -> Iterator[None]:
    """One writer per data folder (``flock``, non-blocking): a second one gets ``Busy``."""
    fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise Busy(str(root)) from exc
        yield
    finally:
        os.close(fd)  # releases the lock


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """One file replaced whole or not at all."""
    _swap(path.parent, {path.name: data})


def _swap(folder: Path, writes: Mapping[str, bytes | None], *, hooks: bool = False) -> None:
    """Write every temporary file first (same folder, fsync), then rename them over the old
    ones in order; ``None`` removes a file. On a failure before the renames, every old file
    is left in place and the temporaries are removed."""
    temps: dict[str, str] = {}
    try:
        for name, data in writes.items():
            if data is None:
                continue
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                       dir=target.parent)
            temps[name] = tmp
            # mkstemp makes 0600 files; keep the old file's mode (or the usual 0644).
            mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
            os.fchmod(fd, mode)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        if hooks:
            _crash_point("before_replace")
        for i, name in enumerate(writes):
            if writes[name] is None:
                (folder / name).unlink(missing_ok=True)
            else:
                os.replace(temps.pop(name), folder / name)
            if hooks and i == 0:
                _crash_point("between_replaces")
        _fsync_dir(folder)
    finally:
        for tmp in temps.values():
            Path(tmp).unlink(missing_ok=True)


def _history(root: Path) -> Path:
    return root / HISTORY_DIR


def _read_log(root: Path) -> pd.DataFrame:
    df = _read_text(_history(root), LOG_FILE)
    if df is None:
        return pd.DataFrame(columns=list(LOG_COLUMNS), dtype="string")
    return df.reindex(columns=list(LOG_COLUMNS)).astype("string")


def history(root: Path) -> list[HistoryEntry]:
    """Every change, newest first, each marked when a later undo reverted it."""
    return entries_of(_read_log(root))


def entries_of(log: pd.DataFrame) -> list[HistoryEntry]:
    """Log lines (LOG_COLUMNS, oldest first) as entries, newest first, undone marked."""
    undone = set(log.loc[log["action"] == "undo", "undoes"].dropna())
    out = []
    for r in log.to_dict("records"):
        out.append(HistoryEntry(
            entry_id=_norm(r["entry_id"]), when=_norm(r["when"]), user=_norm(r["user"]),
            action=_norm(r["action"]), table=_norm(r["table"]), mode=_norm(r["mode"]),
            file_name=_norm(r["file_name"]), sha256=_norm(r["sha256"]),
            added=int(_canon(r["added"], "int") or 0), changed=int(_canon(r["changed"], "int")
                                                                   or 0),
            removed=int(_canon(r["removed"], "int") or 0), undoes=_norm(r["undoes"]),
            undone=_norm(r["entry_id"]) in undone))
    return out[::-1]


def _record(root: Path, entry_id: str, writes: Mapping[str, bytes | None],
            log_row: dict[str, object]) -> None:
    """Keep the old files, journal the change, swap, then commit it with the log line."""
    hist = _history(root) / entry_id
    hist.mkdir(parents=True, exist_ok=False)
    manifest: dict[str, object] = {"entry_id": entry_id, "pending": True, "files": {}}
    files: dict[str, dict[str, str | None]] = {}
    try:
        for name, data in writes.items():
            old = root / name
            before = old.read_bytes() if old.exists() else None
            if before is not None:
                write_atomic(hist / name, before)
            files[name] = {"before": None if before is None else sha256(before),
                           "after": None if data is None else sha256(data)}
        manifest["files"] = files
        write_atomic(hist / MANIFEST, json.dumps(manifest, indent=1).encode())
    except OSError:
        shutil.rmtree(hist, ignore_errors=True)  # nothing was swapped: leave no trace
        raise
    write_atomic(_history(root) / PENDING, entry_id.encode())
    _swap(root, writes, hooks=True)
    log = _read_log(root)
    row = pd.DataFrame([{k: ("" if v is None else str(v)) for k, v in log_row.items()}],
                       dtype="string")
    write_atomic(_history(root) / LOG_FILE,
                 frame_csv_bytes(pd.concat([log, row], ignore_index=True)))
    manifest["pending"] = False
    write_atomic(hist / MANIFEST, json.dumps(manifest, indent=1).encode())
    (_history(root) / PENDING).unlink(missing_ok=True)


def recover(root: Path) -> list[str]:
    """Roll back a change that died between its swaps (no log line = not committed).

    Called by every writer under the lock; returns the entries rolled back.
    """
    hist_root = _history(root)
    if not needs_recovery(root):
        return []
    logged = set(_read_log(root)["entry_id"].dropna())
    rolled = []
    for manifest_path in sorted(hist_root.glob(f"*/{MANIFEST}")):
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not manifest.get("pending"):
            continue
        entry = manifest_path.parent
        if manifest.get("entry_id") not in logged:
            restore: dict[str, bytes | None] = {}
            for name, info in manifest.get("files", {}).items():
                restore[name] = None if info.get("before") is None else (entry / name
                                                                         ).read_bytes()
            _swap(root, restore)
            manifest["rolled_back"] = True
            rolled.append(entry.name)
        manifest["pending"] = False
        write_atomic(manifest_path, json.dumps(manifest, indent=1).encode())
    (hist_root / PENDING).unlink(missing_ok=True)
    return rolled


def recover_if_idle(root: Path) -> None:
    """For readers (the app): roll back an interrupted change unless a writer is at work."""
    if not needs_recovery(root):
        return
    try:
        with writer_lock(root):
            recover(root)
    except (Busy, OSError):
        pass


def needs_recovery(root: Path) -> bool:
    """One ``stat``: cheap enough for every rerun of every app process."""
    return (_history(root) / PENDING).exists()


def _current_sha(root: Path, name: str) -> str | None:
    path = root / name
    return sha256(path.read_bytes()) if path.exists() else None


def apply(plan: Plan) -> HistoryEntry:
    """Write an accepted plan. Raises ``Busy`` (retry) or ``StoreError`` (nothing written)."""
    if not plan.ok:
        raise StoreError(list(plan.issues))
    root = plan.root
    diff = plan.diff
    assert diff is not None
    with writer_lock(root):
        recover(root)
        stale = [n for n, h in plan.base.items() if _current_sha(root, n) != h]
        if stale:
            raise StoreError([Issue(n, None, None, "stale") for n in stale])
        log_row = {"entry_id": plan.import_id, "when": plan.when, "user": plan.user,
                   "action": "import", "table": plan.parsed.table, "mode": plan.mode,
                   "file_name": plan.parsed.file_name, "sha256": plan.parsed.sha256,
                   "added": diff.added, "changed": diff.changed, "removed": diff.removed,
                   "undoes": ""}
        if plan.writes:
            # imports.csv first: a log line nobody refers to yet is harmless on its own.
            order = sorted(plan.writes, key=lambda n: n != IMPORTS_FILE)
            _record(root, plan.import_id, {n: plan.writes[n] for n in order}, log_row)
    return HistoryEntry(**log_row)  # type: ignore[arg-type]


def undo_target(root: Path) -> HistoryEntry | None:
    """The last import that no undo has reverted yet."""
    for entry in history(root):
        if entry.action == "import" and not entry.undone:
            return entry
    return None


def undo(root: Path, user: str, now: datetime | None = None) -> HistoryEntry:
    """Restore the files as they were before the last change not yet undone."""
    with writer_lock(root):
        recover(root)
        target = undo_target(root)
        if target is None:
            raise StoreError([Issue(f"{HISTORY_DIR}/{LOG_FILE}", None, None, "nothing_to_undo")])
        hist = _history(root) / target.entry_id
        manifest = json.loads((hist / MANIFEST).read_text(encoding="utf-8"))
        restore: dict[str, bytes | None] = {}
        for name, info in manifest["files"].items():
            if _current_sha(root, name) != info.get("after"):
                raise StoreError([Issue(name, None, None, "undo_conflict")])
            restore[name] = None if info.get("before") is None else (hist / name).read_bytes()
        issues = validate_files(root, restore)
        if issues:
            raise StoreError(issues)
        when = now or _now()
        entry_id = f"undo-{when:%Y%m%d}t{when:%H%M%S}z-{target.entry_id[-8:]}"
        n = 1
        while (_history(root) / entry_id).exists():
            n += 1
            entry_id = f"{entry_id.rsplit('~', 1)[0]}~{n}"
        log_row = {"entry_id": entry_id, "when": when.isoformat().replace("+00:00", "Z"),
                   "user": user, "action": "undo", "table": target.table,
                   "mode": target.mode, "file_name": target.file_name,
                   "sha256": target.sha256, "added": target.removed,
                   "changed": target.changed, "removed": target.added,
                   "undoes": target.entry_id}
        # The table first, then imports.csv: never a row whose import is not logged.
        order = sorted(restore, key=lambda n: n == IMPORTS_FILE)
        _record(root, entry_id, {n: restore[n] for n in order}, log_row)
    return HistoryEntry(**log_row)  # type: ignore[arg-type]


def history_frame(root: Path, lang: str) -> pd.DataFrame:
    """The history as a table in ``lang`` (the Data page and ``python -m zones history``)."""
    return entries_frame(history(root), lang)


def entries_frame(entries: list[HistoryEntry], lang: str) -> pd.DataFrame:
    """History entries (of a folder or of the database) as a table in ``lang``."""
    from zones.i18n import t

    rows = [{
        t("hist.when", lang): e.when, t("hist.user", lang): e.user,
        t("hist.action", lang): t(f"hist.action.{e.action}", lang)
        + (" " + t("hist.undone", lang) if e.undone else ""),
        t("hist.table", lang): e.table, t("hist.mode", lang): e.mode,
        t("hist.file", lang): e.file_name, t("hist.sha", lang): e.sha256[:12],
        t("hist.added", lang): e.added, t("hist.changed", lang): e.changed,
        t("hist.removed", lang): e.removed,
    } for e in entries]
    cols = [t(k, lang) for k in ("hist.when", "hist.user", "hist.action", "hist.table",
                                 "hist.mode", "hist.file", "hist.sha", "hist.added",
                                 "hist.changed", "hist.removed")]
    return pd.DataFrame(rows, columns=cols)


# --- one handle for the pages and the command line: a folder or a database ---------------

class Store(Protocol):
    """Where imports go: the data folder (files) or the database (``zones.sql.store``)."""

    label: str  # the folder, or the database URL without password (for messages)

    def version(self) -> Hashable: ...
    def read_table(self, table: str) -> pd.DataFrame: ...
    def plan_import(self, parsed: Parsed, mode: str, user: str,
                    now: datetime | None = None) -> Plan: ...
    def apply(self, plan: Plan) -> HistoryEntry: ...
    def undo_target(self) -> HistoryEntry | None: ...
    def undo(self, user: str, now: datetime | None = None) -> HistoryEntry: ...
    def history(self) -> list[HistoryEntry]: ...


@dataclass(frozen=True)
class FileStore:
    """The data folder: the functions above, bound to ``root``."""

    root: Path

    @property
    def label(self) -> str:
        return str(self.root)

    def version(self) -> Hashable:
        return data_fingerprint(self.root)

    def read_table(self, table: str) -> pd.DataFrame:
        return read_table(self.root, table)

    def plan_import(self, parsed: Parsed, mode: str, user: str,
                    now: datetime | None = None) -> Plan:
        return plan_import(parsed, mode, self.root, user, now)

    def apply(self, plan: Plan) -> HistoryEntry:
        return apply(plan)

    def undo_target(self) -> HistoryEntry | None:
        return undo_target(self.root)

    def undo(self, user: str, now: datetime | None = None) -> HistoryEntry:
        return undo(self.root, user, now)

    def history(self) -> list[HistoryEntry]:
        return history(self.root)
