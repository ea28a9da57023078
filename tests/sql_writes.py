"""Tests only: write tables into the database directly, in one transaction.

It stands for "someone else changed the data" in the SQL tests (a replica, a reload); the
app writes through ``zones.sql.store`` (imports) and ``zones.sql.write.sql_load`` only.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pandas as pd
import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from zones.dataset.validation import Issue
from zones.model import FILES
from zones.sql.read import DB_PREFIX, SqlSource, line_indexed
from zones.sql.schema import (
    DIMENSIONS,
    META,
    VOLUMES,
    ZONE_PRODUCTS,
    bump_version,
    ensure_schema,
    refresh_cube,
    table_of,
)
from zones.sql.write import (
    Mode,
    WriteResult,
    copy_issue,
    copy_text,
    frame_csv,
    validate_dimensions,
    write_table,
    zone_products,
)


def _merge(current: pd.DataFrame, incoming: pd.DataFrame, key: tuple[str, ...], mode: Mode
           ) -> pd.DataFrame:
    """The table as it will be: incoming rows replace those with the same key (upsert).

    Index = line: incoming rows are lines 2, 3, … of what was given; rows kept from the
    database keep their row number plus KEPT_OFFSET, so a problem can name its origin.
    Column ``_order`` keeps a replaced row where it was, and appends new rows.
    """
    incoming = incoming.reindex(columns=current.columns).astype("string")
    incoming.index = pd.RangeIndex(2, len(incoming) + 2)
    if mode == "replace":
        return incoming.assign(_order=range(len(incoming)))
    cur_keys = current[list(key)].astype("string").fillna("\x00").agg("\x1f".join, axis=1)
    new_keys = incoming[list(key)].fillna("\x00").agg("\x1f".join, axis=1)
    where = dict(zip(cur_keys, range(len(current)), strict=True))
    order = [where.get(k, len(current) + i) for i, k in enumerate(new_keys)]
    keep = ~cur_keys.isin(set(new_keys))
    kept = current[keep].assign(_order=[i for i, k in enumerate(keep) if k])
    return pd.concat([kept.set_axis(kept.index + KEPT_OFFSET), incoming.assign(_order=order)])


KEPT_OFFSET = 10_000_000


def _origin(issue: Issue) -> Issue:
    """A problem in a row already in the database names the table and its row there."""
    if issue.line is not None and issue.line >= KEPT_OFFSET:
        return replace(issue, file=f"{DB_PREFIX}{table_of(issue.file)}",
                       line=issue.line - KEPT_OFFSET)
    return issue


def write_tables(engine: Engine, frames: Mapping[str, pd.DataFrame], *, mode: Mode = "upsert",
                 geo_root: Path | None = None) -> WriteResult:
    """Write imported tables in ONE transaction (the store's database side).

    ``frames`` maps a file name of ``zones.model.FILES`` (e.g. ``"export_volumes.csv"``)
    to rows with that file's columns (text or typed; a missing optional column is empty).
    ``upsert`` replaces rows with the same key and keeps the others; ``replace`` makes
    each given table exactly the rows given. The result is validated like the files
    (small tables as a whole, the given volume rows in full, the rest by the schema)
    before commit; on any problem nothing is written and the problems are returned, with
    lines counted as in the frame (first row = line 2). Bumps the data version.
    """
    from zones.dataset.loading import DATA_DIR

    t0 = time.perf_counter()
    unknown = [n for n in frames if n not in FILES]
    if unknown:
        return WriteResult(None, tuple(Issue(n, None, None, "missing_file") for n in unknown))
    frames = {n: f.reset_index(drop=True) for n, f in frames.items()}
    file = next(iter(frames), VOLUMES)
    try:
        with engine.begin() as conn:
            if conn.exec_driver_sql(f"SELECT to_regclass('{META}')").scalar() is None:
                ensure_schema(conn)
            # Writers queue here; readers never wait (they see the last committed version).
            conn.exec_driver_sql(f"SELECT data_version FROM {META} WHERE id = 1 FOR UPDATE")
            current, _ = SqlSource(engine, geo_root or DATA_DIR).read_tables_with(conn)
            merged = {n: line_indexed(_merge(current[n], frames[n], FILES[n].row_key, mode)
                                .sort_values("_order", kind="stable").drop(columns="_order"))
                      if n in frames else current[n] for n in DIMENSIONS}
            issues = validate_dimensions(merged, geo_root or DATA_DIR, frames.get(VOLUMES))
            if issues:
                conn.rollback()
                return WriteResult(None, tuple(_origin(i) for i in issues),
                                   seconds=time.perf_counter() - t0)
            conn.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")
            counts: dict[str, int] = {}
            for name in (*DIMENSIONS, VOLUMES):
                if name not in frames:
                    continue
                file = name
                counts[name] = write_table(conn, name, frames[name], merged.get(name), mode)
            if "zones.csv" in frames:
                file = "zones.csv"
                conn.exec_driver_sql(f"DELETE FROM {ZONE_PRODUCTS}")
                copy_text(conn, ZONE_PRODUCTS, ["zone_id", "product_id"],
                           frame_csv(zone_products(merged["zones.csv"]),
                                      ["zone_id", "product_id"]))
            file = next(iter(frames))
            conn.exec_driver_sql("SET CONSTRAINTS ALL IMMEDIATE")  # FK problems surface here
            if VOLUMES in frames:
                refresh_cube(conn)
            version = bump_version(conn)
    except (sa.exc.SQLAlchemyError, psycopg.Error) as exc:
        return WriteResult(None, (copy_issue(exc, file, first_line=2),),
                           seconds=time.perf_counter() - t0)
    return WriteResult(version, (), counts, time.perf_counter() - t0)
