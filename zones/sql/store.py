"""Imports into the database: the store's plan, applied in one transaction, with undo.

The plan is the file store's own (``zones.intake.planning.plan_import``): the database's tables are
written to a scratch folder exactly as a data folder holds them, and the upload is merged,
diffed and validated there by the loader the app uses. So a file is accepted for the
database exactly when it would be accepted for the files, with the same messages.

``apply`` then writes what the plan changed in ONE transaction, under the row lock of
``zones_meta`` (writers queue, readers keep seeing the last committed version):

* small tables (zones, products, destinations) are replaced whole: they are tiny;
* export volumes: in ``upsert`` mode only the rows the import added or changed (matched on
  the table's key), in ``replace`` mode the whole table;
* the import's line in ``imports``, the rows it replaced and wrote in ``zones_history_rows``,
  its log line in ``zones_history``, the cubes, and the data version every replica watches.

``undo`` restores the rows an import replaced, after checking that the rows it wrote are
still as it wrote them (a later change to them is an ``undo_conflict``, nothing written).
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Hashable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pandas as pd
import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from zones.dataset.loading import DATA_DIR, GEO_FILES
from zones.dataset.validation import Issue
from zones.intake import planning, records, store
from zones.intake.parsed import Parsed
from zones.model import FILES
from zones.sql.audit import insert_event
from zones.sql.read import SqlSource
from zones.sql.schema import (
    HISTORY,
    HISTORY_ROWS,
    IMPORTS,
    META,
    ROW_NO,
    VOLUMES,
    bump_version,
    ensure_store_tables,
    quote,
    refresh_cube,
)
from zones.sql.write import copy_issue, copy_text, frame_csv, write_table, zone_products

VERSION_KEY = "data_version"  # Plan.base: the version the plan was checked against


def _csv(frame: pd.DataFrame) -> bytes:
    return records.frame_csv_bytes(frame)


def _frame(data: bytes) -> pd.DataFrame:
    """A CSV written by ``_csv`` back as text (missing cells as <NA>)."""
    return pd.read_csv(io.BytesIO(data), dtype="string", keep_default_na=False,
                       na_values=[""])


def _copy_out(conn: Connection, sql: str) -> bytes:
    raw = conn.connection.driver_connection
    assert raw is not None
    buf = bytearray()
    with raw.cursor() as cur, cur.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)"
                                       ) as copy:
        for chunk in copy:
            buf += chunk
    return bytes(buf)


def _volume_columns(conn: Connection) -> list[str]:
    """The volume columns, ``import_id`` only when some row has one (as the files do)."""
    spec = FILES[VOLUMES]
    used = conn.exec_driver_sql(
        "SELECT EXISTS (SELECT 1 FROM export_volumes WHERE import_id IS NOT NULL)").scalar()
    return [c.name for c in spec.columns if not c.optional or used]


def _volumes_sql(columns: list[str]) -> str:
    order = ", ".join(f"{quote(k)} NULLS FIRST" for k in FILES[VOLUMES].key)
    return f"SELECT {', '.join(quote(c) for c in columns)} FROM export_volumes ORDER BY {order}"


def export_folder(conn: Connection, root: Path, geo_root: Path) -> None:
    """The database's data as a data folder (the plan's scratch copy; also a backup)."""
    frames, _ = SqlSource(conn.engine, geo_root).read_tables_with(conn)
    for name in FILES:
        if name == VOLUMES:
            (root / name).write_bytes(_copy_out(conn, _volumes_sql(_volume_columns(conn))))
            continue
        frame = frames[name]
        optional = [c.name for c in FILES[name].columns if c.optional]
        frame = frame.drop(columns=[c for c in optional if frame[c].isna().all()])
        (root / name).write_bytes(_csv(frame))
    imports = _imports(conn)
    if len(imports):
        (root / records.IMPORTS_FILE).write_bytes(_csv(imports))
    (root / "geo").mkdir()
    for fname in GEO_FILES.values():  # linked, not copied
        (root / "geo" / fname).symlink_to((geo_root / "geo" / fname).resolve())


def _imports(conn: Connection) -> pd.DataFrame:
    cols = ", ".join(quote(c) for c in records.IMPORTS_COLUMNS)
    rows = conn.exec_driver_sql(f"SELECT {cols} FROM {IMPORTS} ORDER BY {ROW_NO}").fetchall()
    return pd.DataFrame([tuple(r) for r in rows], columns=list(records.IMPORTS_COLUMNS),
                        dtype="string")


def _version(conn: Connection, lock: bool = False) -> int:
    return int(conn.exec_driver_sql(f"SELECT data_version FROM {META} WHERE id = 1"
                                    + (" FOR UPDATE" if lock else "")).scalar_one())


def _stale(plan: planning.Plan) -> records.StoreError:
    return records.StoreError([Issue(f"{plan.parsed.table}.csv", None, None, "stale")])


def _db_error(exc: BaseException, file: str) -> records.StoreError:
    return records.StoreError([copy_issue(exc, file)])


@dataclass(frozen=True)
class SqlStore:
    """The database as the import target (same interface as ``zones.intake.store.FileStore``)."""

    engine: Engine
    geo_root: Path = DATA_DIR

    @property
    def label(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def version(self) -> Hashable:
        with self.engine.connect() as conn:
            return _version(conn)

    def read_table(self, table: str) -> pd.DataFrame:
        with tempfile.TemporaryDirectory(prefix="zones-db-") as tmp, \
                self.engine.connect() as conn:
            export_folder(conn, Path(tmp), self.geo_root)
            return records.read_table(Path(tmp), table)

    # -- plan -----------------------------------------------------------------------------

    def plan_import(self, parsed: Parsed, mode: str, user: str,
                    now: datetime | None = None) -> planning.Plan:
        """The file store's plan, made against a scratch copy of the database."""
        try:
            with tempfile.TemporaryDirectory(prefix="zones-db-plan-") as tmp, \
                    self.engine.begin() as conn:
                # One snapshot: the tables and the version they are at.
                conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                ensure_store_tables(conn)
                version = _version(conn)
                export_folder(conn, Path(tmp), self.geo_root)
                plan = planning.plan_import(parsed, mode, Path(tmp), user, now)
        except (sa.exc.SQLAlchemyError, psycopg.Error) as exc:
            return replace_issues(parsed, mode, user, [copy_issue(exc, parsed.file_name)])
        return replace(plan, base={VERSION_KEY: str(version)})

    # -- apply ----------------------------------------------------------------------------

    def apply(self, plan: planning.Plan,
              audit: store.AuditHook | None = None) -> store.HistoryEntry:
        """Write an accepted plan, and ``audit``'s event (#25), in one transaction;
        ``StoreError`` means nothing written."""
        if not plan.ok:
            raise records.StoreError(list(plan.issues))
        diff = plan.diff
        assert diff is not None
        name = f"{plan.parsed.table}.csv"
        log_row = {"entry_id": plan.import_id, "when": plan.when, "user": plan.user,
                   "action": "import", "table": plan.parsed.table, "mode": plan.mode,
                   "file_name": plan.parsed.file_name, "sha256": plan.parsed.sha256,
                   "added": diff.added, "changed": diff.changed, "removed": diff.removed,
                   "undoes": ""}
        try:
            with self.engine.begin() as conn:
                ensure_store_tables(conn)
                if str(_version(conn, lock=True)) != plan.base.get(VERSION_KEY):
                    raise _stale(plan)
                if name in plan.writes:
                    new = _frame(plan.writes[name])
                    whole = name != VOLUMES or plan.mode == "replace"
                    rows = new if whole else new[new["import_id"] == plan.import_id]
                    _replace_rows(conn, plan.import_id, name, rows, whole)
                if records.IMPORTS_FILE in plan.writes:
                    _write_imports(conn, _frame(plan.writes[records.IMPORTS_FILE]))
                _log(conn, log_row)
                if audit is not None:
                    insert_event(conn, audit(_entry(log_row)))
                bump_version(conn)
        except (sa.exc.SQLAlchemyError, psycopg.Error) as exc:
            raise _db_error(exc, name) from exc
        return store.HistoryEntry(**log_row)  # type: ignore[arg-type]

    # -- history and undo ----------------------------------------------------------------

    def history(self) -> list[store.HistoryEntry]:
        with self.engine.connect() as conn:
            if conn.exec_driver_sql(f"SELECT to_regclass('{HISTORY}')").scalar() is None:
                return []
            return _entries(conn)

    def undo_target(self) -> store.HistoryEntry | None:
        for entry in self.history():
            if entry.action == "import" and not entry.undone:
                return entry
        return None

    def undo(self, user: str, now: datetime | None = None) -> store.HistoryEntry:
        """Put back the rows the last import replaced, in one transaction."""
        return self._undo(None, user, now, None)

    def undo_entry(self, entry_id: str, user: str, now: datetime | None = None,
                   audit: store.AuditHook | None = None) -> store.HistoryEntry:
        """Undo ``entry_id`` if, under the writers' row lock, it is still the last import
        not undone; the audit event goes in the same transaction."""
        return self._undo(entry_id, user, now, audit)

    def _undo(self, expect: str | None, user: str, now: datetime | None,
              audit: store.AuditHook | None) -> store.HistoryEntry:
        try:
            with self.engine.begin() as conn:
                ensure_store_tables(conn)
                _version(conn, lock=True)  # one writer at a time
                target = store.check_undo_target(
                    next((e for e in _entries(conn) if e.action == "import" and not e.undone),
                         None), expect, "history")
                saved = conn.exec_driver_sql(
                    f"SELECT file, whole, before, after FROM {HISTORY_ROWS} "
                    "WHERE entry_id = %(e)s", {"e": target.entry_id}).fetchall()
                when = now or records.utc_now()
                entry_id = f"undo-{when:%Y%m%d}t{when:%H%M%S}z-{target.entry_id[-8:]}"
                for file, whole, before, after in saved:
                    current = _current_rows(conn, file, _frame(bytes(after)), whole)
                    if not _same(current, _frame(bytes(after)), file):
                        raise records.StoreError([Issue(file, None, None, "undo_conflict")])
                    _replace_rows(conn, entry_id, file, _frame(bytes(before)), whole,
                                  replaced=_frame(bytes(after)))
                conn.exec_driver_sql(f"DELETE FROM {IMPORTS} WHERE import_id = %(i)s",
                                     {"i": target.entry_id})
                log_row = {"entry_id": entry_id,
                           "when": when.isoformat().replace("+00:00", "Z"),
                           "user": user, "action": "undo", "table": target.table,
                           "mode": target.mode, "file_name": target.file_name,
                           "sha256": target.sha256, "added": target.removed,
                           "changed": target.changed, "removed": target.added,
                           "undoes": target.entry_id}
                _log(conn, log_row)
                if audit is not None:
                    insert_event(conn, audit(_entry(log_row)))
                bump_version(conn)
        except (sa.exc.SQLAlchemyError, psycopg.Error) as exc:
            raise _db_error(exc, "history") from exc
        return store.HistoryEntry(**log_row)  # type: ignore[arg-type]


def _entry(log_row: dict[str, object]) -> store.HistoryEntry:
    return store.HistoryEntry(**log_row)  # type: ignore[arg-type]


def replace_issues(parsed: Parsed, mode: str, user: str, issues: list[Issue]) -> planning.Plan:
    return planning.Plan(parsed, mode, Path("."), user, "", "", tuple(issues))


def _entries(conn: Connection) -> list[store.HistoryEntry]:
    cols = ", ".join(quote(c) for c in store.LOG_COLUMNS)
    rows = conn.exec_driver_sql(f"SELECT {cols} FROM {HISTORY} ORDER BY seq").fetchall()
    log = pd.DataFrame([tuple(r) for r in rows], columns=list(store.LOG_COLUMNS),
                       dtype="string")
    return store.entries_of(log)


def _log(conn: Connection, row: dict[str, object]) -> None:
    cols = list(store.LOG_COLUMNS)
    conn.exec_driver_sql(
        f"INSERT INTO {HISTORY} ({', '.join(quote(c) for c in cols)}) VALUES "
        f"({', '.join(f'%({c})s' for c in cols)})",
        {c: ("" if row.get(c) is None else str(row[c])) for c in cols})


def _write_imports(conn: Connection, imports: pd.DataFrame) -> None:
    conn.exec_driver_sql(f"DELETE FROM {IMPORTS}")
    cols = [ROW_NO, *records.IMPORTS_COLUMNS]
    numbered = imports.reindex(columns=list(records.IMPORTS_COLUMNS)).assign(
        **{ROW_NO: range(2, len(imports) + 2)})
    copy_text(conn, IMPORTS, cols, frame_csv(numbered, cols))


def _current_rows(conn: Connection, file: str, rows: pd.DataFrame, whole: bool
                  ) -> pd.DataFrame:
    """The table's rows now: whole, or (volumes) those with the keys of ``rows``."""
    if file != VOLUMES:
        frames, _ = SqlSource(conn.engine, DATA_DIR).read_tables_with(conn)
        return frames[file]
    columns = FILES[VOLUMES].all_column_names
    if whole:
        return _frame(_copy_out(conn, _volumes_sql(columns)))
    keys = FILES[VOLUMES].key
    conn.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS touched "
                         f"({', '.join(quote(k) + ' text' for k in keys)}) ON COMMIT DROP")
    conn.exec_driver_sql("TRUNCATE touched")
    copy_text(conn, "touched", list(keys), frame_csv(rows, list(keys)))
    match = " AND ".join(f"t.{quote(k)} IS NOT DISTINCT FROM k.{quote(k)}" for k in keys)
    cols = ", ".join(f"t.{quote(c)}" for c in columns)
    return _frame(_copy_out(conn, f"SELECT {cols} FROM export_volumes t "
                                  f"WHERE EXISTS (SELECT 1 FROM touched k WHERE {match})"))


def _canon(frame: pd.DataFrame, file: str) -> list[tuple[str, ...]]:
    """Rows as comparable text: numbers as numbers, missing as '', sorted."""
    spec = FILES[file]
    cols = spec.all_column_names
    kinds = {c.name: c.kind for c in spec.columns}
    out = []
    for row in frame.reindex(columns=cols).itertuples(index=False, name=None):
        out.append(tuple(str(records.canon(v, kinds[c])) if not pd.isna(v) else ""
                         for c, v in zip(cols, row, strict=True)))
    return sorted(out)


def _same(a: pd.DataFrame, b: pd.DataFrame, file: str) -> bool:
    return _canon(a, file) == _canon(b, file)


def _replace_rows(conn: Connection, entry_id: str, name: str, rows: pd.DataFrame,
                  whole: bool, replaced: pd.DataFrame | None = None) -> None:
    """Write ``rows`` (the whole table, or volume rows by key) and keep what they replace.

    ``replaced``: rows to remove by key first (an undo removes what the import wrote,
    including rows it added, then puts back what was there before).
    """
    before = _current_rows(conn, name, rows if replaced is None else
                           pd.concat([rows, replaced]), whole)
    conn.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")
    if name != VOLUMES:
        merged = rows.reset_index(drop=True)
        write_table(conn, name, merged, merged, "replace")
        if name == "zones.csv":
            conn.exec_driver_sql("DELETE FROM zone_products")
            copy_text(conn, "zone_products", ["zone_id", "product_id"],
                       frame_csv(zone_products(merged), ["zone_id", "product_id"]))
    elif whole:
        write_table(conn, name, rows, None, "replace")
    else:
        if replaced is not None:  # delete the keys the import wrote (added rows too)
            _delete_keys(conn, replaced)
        write_table(conn, name, rows, None, "upsert")
    conn.exec_driver_sql("SET CONSTRAINTS ALL IMMEDIATE")  # FK problems surface here
    if name == VOLUMES:
        refresh_cube(conn)
    conn.exec_driver_sql(
        f"INSERT INTO {HISTORY_ROWS} (entry_id, file, whole, before, after) "
        "VALUES (%(e)s, %(f)s, %(w)s, %(b)s, %(a)s)",
        {"e": entry_id, "f": name, "w": whole, "b": _csv(before), "a": _csv(rows)})


def _delete_keys(conn: Connection, rows: pd.DataFrame) -> None:
    keys = FILES[VOLUMES].key
    conn.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS gone "
                         f"({', '.join(quote(k) + ' text' for k in keys)}) ON COMMIT DROP")
    conn.exec_driver_sql("TRUNCATE gone")
    copy_text(conn, "gone", list(keys), frame_csv(rows, list(keys)))
    match = " AND ".join(f"t.{quote(k)} IS NOT DISTINCT FROM g.{quote(k)}" for k in keys)
    conn.exec_driver_sql(f"DELETE FROM export_volumes t USING gone g WHERE {match}")


