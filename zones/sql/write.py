"""Writing the database: ``sql-load`` of a whole folder in one transaction, and the COPY
helpers the import store shares.

A problem PostgreSQL reports (a CHECK, a key, a foreign key) is turned back into the
file, line and column the officer knows (``copy_issue``).
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd
import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from zones.dataset.loading import CsvSource, read_csv_text
from zones.dataset.validation import Issue, validate_frames
from zones.model import FILES
from zones.sql.read import db_issue
from zones.sql.schema import (
    DIMENSIONS,
    IMPORTS,
    ROW_NO,
    SQL_TYPES,
    VOLUMES,
    ZONE_PRODUCTS,
    bump_version,
    constraint_sql,
    drop_constraints,
    ensure_schema,
    quote,
    refresh_cube,
    table_of,
    volume_checks,
)


@dataclass(frozen=True)
class WriteResult:
    """What a write did: the new data version, or the problems (and nothing written)."""

    version: int | None
    issues: tuple[Issue, ...] = ()
    rows: Mapping[str, int] | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.version is not None and not self.issues


_CONTEXT = re.compile(r"line (\d+)(?:, column (\w+)(?:: \"(.*)\")?)?")


_KEY = re.compile(r"Key \((.+?)\)=\((.*?)\)")


_CHECK_CODES = {"format": "bad_format", "allowed": "not_allowed", "min": "too_small"}


def _line_of(path: Path | None, columns: list[str], values: list[str]) -> int | None:
    """The first line of a CSV whose ``columns`` hold ``values`` (error path only)."""
    if path is None:
        return None
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader, [])]
        try:
            idx = [header.index(c) for c in columns]
        except ValueError:
            return None
        for n, row in enumerate(reader, start=2):
            if all(i < len(row) and row[i].strip() == v for i, v in zip(idx, values,
                                                                        strict=True)):
                return n
    return None


def copy_issue(exc: BaseException, file: str, path: Path | None = None,
               first_line: int = 1) -> Issue:
    """A database error during a write, as the validator would have said it.

    ``first_line`` is the file line of the first row the database saw (COPY counts from 1).
    """
    import psycopg.errors as pe

    orig = getattr(exc, "orig", exc)
    diag = getattr(orig, "diag", None)
    context = (getattr(diag, "context", None) or "") if diag else ""
    detail = (getattr(diag, "message_detail", None) or "") if diag else ""
    constraint = (getattr(diag, "constraint_name", None) or "") if diag else ""
    m = _CONTEXT.search(context)
    line = int(m.group(1)) + first_line - 1 if m else None
    column = m.group(2) if m and m.group(2) else None
    value = m.group(3) if m and m.group(3) is not None else None
    spec = FILES.get(file)
    if isinstance(orig, pe.NotNullViolation):
        return Issue(file, line, getattr(diag, "column_name", None), "missing_value")
    if isinstance(orig, (pe.InvalidTextRepresentation, pe.NumericValueOutOfRange)):
        col = next((c for c in spec.columns if c.name == column), None) if spec else None
        code = "not_integer" if col is not None and col.kind == "int" else "not_number"
        return Issue(file, line, column, code, {"value": value or ""})
    if isinstance(orig, pe.CheckViolation) and constraint.startswith("ck_ev_"):
        col_name, _, rule = constraint[len("ck_ev_"):].rpartition("_")
        col = next((c for c in spec.columns if c.name == col_name), None) if spec else None
        failing = detail.removeprefix("Failing row contains (").removesuffix(").")
        cells = failing.split(", ")
        names = spec.all_column_names if spec else []
        val = cells[names.index(col_name)] if col_name in names and len(cells) == len(
            names) else ""
        params = {"value": val}
        if rule == "allowed" and col is not None and col.allowed:
            params["allowed"] = ", ".join(col.allowed)
        if rule == "min" and col is not None and col.min_value is not None:
            params["min"] = f"{col.min_value:g}"
        return Issue(file, line, col_name, _CHECK_CODES.get(rule, "invalid"), params)
    if isinstance(orig, (pe.UniqueViolation, pe.ForeignKeyViolation)):
        k = _KEY.search(detail)
        cols = [c.strip() for c in k.group(1).split(",")] if k else []
        vals = [v.strip() for v in k.group(2).split(",")] if k else []
        if len(vals) != len(cols):
            vals = vals[:len(cols)]
        if line is None and cols and len(vals) == len(cols):
            line = _line_of(path, cols, vals)
        if isinstance(orig, pe.UniqueViolation):
            keys = spec.key if spec else tuple(cols)
            return Issue(file, line, keys[0] if keys else None, "duplicate_key",
                         {"columns": " + ".join(keys)})
        if constraint == "fk_ev_zone_product" and len(vals) == 2:
            return Issue(file, line, "product_id", "product_not_made",
                         {"value": vals[1], "zone": vals[0]})
        target = {"zone_id": "zones.csv", "product_id": "products.csv",
                  "destination_iso3": "destinations.csv"}.get(cols[0] if cols else "", "")
        return Issue(file, line, cols[0] if cols else None, "unknown_ref",
                     {"value": vals[0] if vals else "", "target": target})
    if isinstance(orig, pe.BadCopyFileFormat):
        return Issue(file, line, None, "unreadable", {"detail": str(orig).splitlines()[0][:80]})
    if isinstance(orig, pe.CharacterNotInRepertoire):
        return Issue(file, line, None, "not_utf8")
    return db_issue(exc)


def frame_csv(frame: pd.DataFrame, columns: list[str]) -> str:
    """Text for COPY: NA becomes an unquoted empty field (NULL), '' stays ''."""
    buf = io.StringIO()
    out = frame.reindex(columns=columns)
    writer = csv.writer(buf, lineterminator="\n")
    for row in out.itertuples(index=False, name=None):
        writer.writerow([None if pd.isna(v) else str(v) for v in row])
    return buf.getvalue()


def copy_text(conn: Connection, table: str, columns: list[str], text: str) -> None:
    cols = ", ".join(quote(c) for c in columns)
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(
            f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv)") as copy:
        copy.write(text)


def _copy_file(conn: Connection, table: str, columns: list[str], path: Path,
               skip_header: bool = True) -> None:
    """Stream a CSV file to COPY in chunks: 1 M rows never sit in Python memory."""
    cols = ", ".join(quote(c) for c in columns)
    raw = conn.connection.driver_connection
    assert raw is not None
    with path.open("rb") as fh, raw.cursor() as cur, cur.copy(
            f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv)") as copy:
        first = fh.readline() if skip_header else b""
        del first
        while chunk := fh.read(1 << 20):
            copy.write(chunk)


def zone_products(zones: pd.DataFrame) -> pd.DataFrame:
    pairs = [(z, p) for z, ps in zip(zones["zone_id"], zones["products"].fillna(""),
                                     strict=True)
             for p in dict.fromkeys(str(ps).split(";")) if p]
    return pd.DataFrame(pairs, columns=["zone_id", "product_id"])


def validate_dimensions(frames: Mapping[str, pd.DataFrame], geo_root: Path,
                         volumes: pd.DataFrame | None = None) -> list[Issue]:
    geo, issues = CsvSource(geo_root).read_geo()
    raw = {n: frames[n].astype("string") for n in DIMENSIONS}
    for n in DIMENSIONS:
        raw[n].attrs = dict(frames[n].attrs)
    raw[VOLUMES] = (volumes.astype("string") if volumes is not None else
                    pd.DataFrame(columns=FILES[VOLUMES].column_names, dtype="string"))
    _, found = validate_frames(raw, geo["counties"], geo["world"])
    return issues + found


def _volume_header(path: Path) -> tuple[list[str], list[Issue]]:
    if not path.exists():
        return [], [Issue(VOLUMES, None, None, "missing_file")]
    with path.open("rb") as fh:
        first = fh.readline()
    try:
        header = [h.strip() for h in next(csv.reader([first.decode("utf-8-sig")]), [])]
    except UnicodeDecodeError:
        return [], [Issue(VOLUMES, 1, None, "not_utf8")]
    if not header or header == [""]:
        return [], [Issue(VOLUMES, None, None, "empty_file")]
    spec = FILES[VOLUMES]
    missing = [c for c in spec.column_names if FILES[VOLUMES].columns and c not in header
               and next(x for x in spec.columns if x.name == c).required]
    unknown = [c for c in header if c not in spec.all_column_names]
    issues = [Issue(VOLUMES, 1, c, "missing_column") for c in missing]
    issues += [Issue(VOLUMES, 1, c, "invalid", {"value": c}) for c in unknown]
    return header, issues


def sql_load(engine: Engine, data_dir: Path, *, bulk: bool = True) -> WriteResult:
    """Replace the database's data with a data folder, in one transaction.

    The small files are checked by the validator first (nothing is written if they have
    problems); ``export_volumes.csv`` is streamed to COPY and checked by the schema. With
    ``bulk`` the unique key, foreign keys and indexes are rebuilt after the COPY (one
    pass instead of a million lookups), still inside the transaction.
    """
    t0 = time.perf_counter()
    frames: dict[str, pd.DataFrame] = {}
    issues: list[Issue] = []
    for name in DIMENSIONS:
        df, found = read_csv_text(data_dir / name, name)
        issues += found
        frames[name] = df if df is not None else pd.DataFrame(
            columns=FILES[name].column_names, dtype="string")
    vol_path = data_dir / VOLUMES
    header, found = _volume_header(vol_path)
    issues += found
    if not issues:
        issues += validate_dimensions(frames, data_dir)
    if issues:
        return WriteResult(None, tuple(issues))
    file = VOLUMES
    try:
        with engine.begin() as conn:
            ensure_schema(conn)
            tables = ", ".join([quote("export_volumes"), ZONE_PRODUCTS,
                                *(quote(table_of(n)) for n in DIMENSIONS)])
            conn.exec_driver_sql(f"TRUNCATE {tables}")
            for name in DIMENSIONS:
                file = name
                cols = FILES[name].all_column_names
                copy_text(conn, quote(table_of(name)), [ROW_NO, *cols],
                           frame_csv(_numbered(frames[name]), [ROW_NO, *cols]))
            _load_imports(conn, data_dir)
            file = "zones.csv"
            copy_text(conn, ZONE_PRODUCTS, ["zone_id", "product_id"],
                       frame_csv(zone_products(frames["zones.csv"]),
                                  ["zone_id", "product_id"]))
            file = VOLUMES
            if bulk:
                drop_constraints(conn)
                for n, e in volume_checks(FILES[VOLUMES]):  # per row: errors name the line
                    conn.exec_driver_sql(f"ALTER TABLE export_volumes ADD CONSTRAINT {n} "
                                         f"CHECK ({e})")
            _copy_file(conn, "export_volumes", header, vol_path)
            if bulk:
                drop_constraints(conn)
                for stmt in constraint_sql():
                    conn.exec_driver_sql(stmt)
            conn.exec_driver_sql("ANALYZE export_volumes")
            refresh_cube(conn)
            version = bump_version(conn)
            counts = {n: len(frames[n]) for n in DIMENSIONS}
            counts[VOLUMES] = int(conn.exec_driver_sql(
                "SELECT count(*) FROM export_volumes").scalar_one())
    except (sa.exc.SQLAlchemyError, psycopg.Error) as exc:
        return WriteResult(None, (copy_issue(exc, file, vol_path if file == VOLUMES else None,
                                             first_line=2),),
                           seconds=time.perf_counter() - t0)
    return WriteResult(version, (), counts, time.perf_counter() - t0)


def _numbered(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its file line in ROW_NO (the reader's index is the line already)."""
    return frame.assign(**{ROW_NO: frame.index + (0 if frame.attrs.get("line_index") else 2)})


def _load_imports(conn: Connection, data_dir: Path) -> None:
    """imports.csv of the folder (provenance of its imported rows) into the imports table."""
    from zones.intake.records import IMPORTS_COLUMNS, IMPORTS_FILE, read_imports

    conn.exec_driver_sql(f"TRUNCATE {IMPORTS}")
    if (data_dir / IMPORTS_FILE).exists():
        cols = [ROW_NO, *IMPORTS_COLUMNS]
        copy_text(conn, IMPORTS, cols, frame_csv(_numbered(read_imports(data_dir)), cols))


Mode = Literal["upsert", "replace"]


def write_table(conn: Connection, name: str, given: pd.DataFrame,
               merged: pd.DataFrame | None, mode: Mode) -> int:
    table = quote(table_of(name))
    spec = FILES[name]
    if name != VOLUMES:
        # Small tables: write the whole merged table (row numbers keep the display order).
        assert merged is not None
        conn.exec_driver_sql(f"DELETE FROM {table}")
        numbered = merged.reset_index(drop=True)
        numbered[ROW_NO] = numbered.index + 2
        cols = [ROW_NO, *spec.all_column_names]
        copy_text(conn, table, cols, frame_csv(numbered, cols))
        return len(given)
    cols = [c for c in spec.all_column_names if c in given.columns]
    typed = ", ".join(quote(c) + " text" for c in cols)
    conn.exec_driver_sql(f"CREATE TEMP TABLE incoming ({typed}) ON COMMIT DROP")
    copy_text(conn, "incoming", cols, frame_csv(given, cols))
    if mode == "replace":
        conn.exec_driver_sql(f"DELETE FROM {table}")
    else:
        match = " AND ".join(f"t.{quote(k)} IS NOT DISTINCT FROM i.{quote(k)}" for k in spec.key)
        conn.exec_driver_sql(f"DELETE FROM {table} t USING incoming i WHERE {match}")
    kinds = {c.name: SQL_TYPES[c.kind] for c in spec.columns}
    kinds = {c: ("numeric::integer" if k == "integer" else k) for c, k in kinds.items()}
    casts = ", ".join(f"NULLIF(trim({quote(c)}), '')::{kinds[c]}" for c in cols)
    conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(quote(c) for c in cols)}) "
                         f"SELECT {casts} FROM incoming")
    return len(given)
