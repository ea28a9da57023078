"""PostgreSQL as the data source: the same tables as the files, validated the same way.

Why a database: national data (hundreds of zones, many years) outgrows files, and several
app replicas must share one copy. What changes and what does not:

* The small tables (zones, products, destinations, first_exports, report_figures, facts)
  are stored as text columns exactly as the CSV files have them, read whole and checked by
  ``zones.validation`` like the files. The boundaries stay files (``data/geo``).
* ``export_volumes`` is typed, constrained by the schema (CHECKs, foreign keys, a unique
  key, all generated from ``zones.model.FILES``) and never read whole: the pages' filters
  and sums become ``WHERE … GROUP BY`` queries (``SqlVolumeQuery`` behind
  ``zones.volumes.Volumes``).
* Every write bumps ``zones_meta.data_version`` in the same transaction. The app reads that
  one row per rerun and keys its cache on it, so every replica sees a change on its next
  rerun, and never a half-written one.

Functions take an SQLAlchemy ``Engine``; Streamlit is only in ``zones/ui.py``.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import pandas as pd
import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from zones.loading import CsvSource, LoadResult, load, read_csv_text
from zones.model import FILES, Col, FileSpec
from zones.validation import Issue, validate_frames
from zones.volumes import MEASURES, ROWS, TotalsCache, VolumeFilter, Volumes, empty_totals

SCHEMA_VERSION = 1
URL_ENV = "ZONES_DATABASE_URL"
VOLUMES = "export_volumes.csv"
DIMENSIONS: tuple[str, ...] = tuple(n for n in FILES if n != VOLUMES)
# The tables the export_volumes foreign keys point at: their key is the primary key.
PRIMARY_KEYS: dict[str, str] = {"zones.csv": "zone_id", "products.csv": "product_id",
                                "destinations.csv": "iso3"}
META = "zones_meta"
ROW_NO = "row_no"  # the small tables keep the files' row order (the pages show it)
ZONE_PRODUCTS = "zone_products"
# Monthly sums without the destination: ~1/250 of the rows at 1 M. Every query that
# neither filters nor groups by destination reads it instead (rebuilt on every write).
CUBE = "export_volumes_cube"
CUBE_KEYS: tuple[str, ...] = ("period", "zone_id", "product_id", "source")
# Yearly sums with the destination: 1/12 of the rows, for the destination map and table
# when the period is whole years (the default view). Also rebuilt on every write.
YEARLY = "export_volumes_yearly"
YEARLY_KEYS: tuple[str, ...] = ("year", "zone_id", "product_id", "destination_iso3", "source")


def table_of(file: str) -> str:
    return file.removesuffix(".csv")


def engine_from_url(url: str) -> Engine:
    """One pooled engine per process; ``pool_pre_ping`` survives a database restart."""
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# -- schema -----------------------------------------------------------------------------

_SQL_TYPES = {"str": "text", "float": "double precision", "int": "integer"}


def _volume_checks(spec: FileSpec) -> list[tuple[str, str]]:
    """(constraint name, CHECK expression) for each rule of the model's columns."""
    checks: list[tuple[str, str]] = []
    for col in spec.columns:
        c = _q(col.name)
        if col.pattern:
            checks.append((f"ck_ev_{col.name}_format",
                           f"{c} ~ '{col.pattern.replace(chr(39), chr(39) * 2)}'"))
        if col.allowed:
            values = ", ".join("'" + v + "'" for v in col.allowed)
            checks.append((f"ck_ev_{col.name}_allowed", f"{c} IN ({values})"))
        if col.min_value is not None:
            # NaN compares greater than every number in PostgreSQL: refuse it explicitly.
            finite = f" AND {c} < 'Infinity'" if col.kind == "float" else ""
            checks.append((f"ck_ev_{col.name}_min", f"{c} >= {col.min_value:g}{finite}"))
    return checks


def _fk_targets() -> list[tuple[str, tuple[str, ...], str, tuple[str, ...]]]:
    """(name, columns, target table, target columns) of the export_volumes foreign keys."""
    return [
        ("fk_ev_zone", ("zone_id",), "zones", ("zone_id",)),
        ("fk_ev_product", ("product_id",), "products", ("product_id",)),
        ("fk_ev_destination", ("destination_iso3",), "destinations", ("iso3",)),
        # A zone exports only what it lists (MATCH SIMPLE: unattributed rows pass).
        ("fk_ev_zone_product", ("zone_id", "product_id"), ZONE_PRODUCTS,
         ("zone_id", "product_id")),
    ]


INDEXES: dict[str, str] = {
    # The unique key (period first) serves period ranges; one index per filter column,
    # each ending in period, serves "this product/destination/zone over these months".
    "ix_ev_product": "(product_id, period)",
    "ix_ev_destination": "(destination_iso3, period)",
    "ix_ev_zone": "(zone_id, period)",
}


def _constraint_sql() -> list[str]:
    spec = FILES[VOLUMES]
    t = _q("export_volumes")
    stmts = [f"ALTER TABLE {t} ADD CONSTRAINT {n} CHECK ({e})" for n, e in _volume_checks(spec)]
    key = ", ".join(_q(k) for k in spec.key)
    stmts.append(f"ALTER TABLE {t} ADD CONSTRAINT uq_ev_key UNIQUE NULLS NOT DISTINCT ({key})")
    for name, cols, target, tcols in _fk_targets():
        stmts.append(
            f"ALTER TABLE {t} ADD CONSTRAINT {name} FOREIGN KEY ({', '.join(cols)}) "
            f"REFERENCES {_q(target)} ({', '.join(tcols)}) DEFERRABLE INITIALLY IMMEDIATE")
    stmts += [f"CREATE INDEX {n} ON {t} {cols}" for n, cols in INDEXES.items()]
    return stmts


def _drop_constraints(conn: Connection) -> None:
    t = _q("export_volumes")
    names = [n for n, _ in _volume_checks(FILES[VOLUMES])] + ["uq_ev_key"] + [
        n for n, *_ in _fk_targets()]
    for name in names:
        conn.exec_driver_sql(f"ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {name}")
    for name in INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")


def ensure_schema(conn: Connection) -> None:
    """Create the tables, or add the columns a newer model has (never drops data)."""
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {META} (id smallint PRIMARY KEY CHECK (id = 1), "
        "schema_version integer NOT NULL, data_version bigint NOT NULL, "
        "changed_at timestamptz NOT NULL DEFAULT now())")
    conn.exec_driver_sql(
        f"INSERT INTO {META} (id, schema_version, data_version) VALUES (1, {SCHEMA_VERSION}, 0) "
        "ON CONFLICT (id) DO NOTHING")
    for name in DIMENSIONS:
        spec = FILES[name]
        pk = PRIMARY_KEYS.get(name)
        cols = ", ".join(f"{_q(c.name)} text" + (" PRIMARY KEY" if c.name == pk else "")
                         for c in spec.columns)
        conn.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS {_q(table_of(name))} "
                             f"({ROW_NO} integer NOT NULL, {cols})")
        for c in spec.columns:
            conn.exec_driver_sql(f"ALTER TABLE {_q(table_of(name))} "
                                 f"ADD COLUMN IF NOT EXISTS {_q(c.name)} text")
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {ZONE_PRODUCTS} ("
        "zone_id text NOT NULL REFERENCES zones (zone_id) DEFERRABLE INITIALLY IMMEDIATE, "
        "product_id text NOT NULL REFERENCES products (product_id) "
        "DEFERRABLE INITIALLY IMMEDIATE, PRIMARY KEY (zone_id, product_id))")
    spec = FILES[VOLUMES]
    exists = conn.exec_driver_sql("SELECT to_regclass('export_volumes')").scalar()
    if exists is None:
        cols = ", ".join(_volume_column(c) for c in spec.columns)
        conn.exec_driver_sql(f"CREATE TABLE export_volumes ({cols})")
        for stmt in _constraint_sql():
            conn.exec_driver_sql(stmt)
    else:
        for c in spec.columns:
            conn.exec_driver_sql(
                f"ALTER TABLE export_volumes ADD COLUMN IF NOT EXISTS {_volume_column(c)}")
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {CUBE} (period text NOT NULL, zone_id text, "
        "product_id text NOT NULL, source text NOT NULL, tonnes double precision, "
        f"value_usd double precision, consignments bigint, {ROWS} bigint NOT NULL)")
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {YEARLY} (year text NOT NULL, zone_id text, "
        "product_id text NOT NULL, destination_iso3 text NOT NULL, source text NOT NULL, "
        "tonnes double precision, value_usd double precision, consignments bigint, "
        f"{ROWS} bigint NOT NULL)")
    _ensure_store_tables(conn)
    ensure_runsheet_table(conn)  # run-sheets (#16)
    conn.exec_driver_sql(f"UPDATE {META} SET schema_version = {SCHEMA_VERSION}")


IMPORTS = "imports"  # imports.csv of a data folder: who imported which file, when
HISTORY = "zones_history"  # history/log.csv: every import and undo, in order
HISTORY_ROWS = "zones_history_rows"  # the rows an entry replaced, and what it wrote


def _ensure_store_tables(conn: Connection) -> None:
    from zones.store import IMPORTS_COLUMNS, LOG_COLUMNS

    cols = ", ".join(f"{_q(c)} text" for c in IMPORTS_COLUMNS)
    conn.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS {IMPORTS} ({ROW_NO} integer NOT NULL, "
                         f"{cols})")
    cols = ", ".join(f"{_q(c)} text" for c in LOG_COLUMNS)
    conn.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS {HISTORY} (seq bigserial PRIMARY KEY, "
                         f"{cols})")
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {HISTORY_ROWS} (entry_id text NOT NULL, "
        "file text NOT NULL, whole boolean NOT NULL, before bytea NOT NULL, "
        "after bytea NOT NULL, PRIMARY KEY (entry_id, file))")


def refresh_cube(conn: Connection) -> None:
    """Rebuild the monthly cube from the rows, inside the writing transaction."""
    keys = ", ".join(CUBE_KEYS)
    sums = ", ".join(f"sum({_q(m)})" for m in MEASURES)
    conn.exec_driver_sql(f"TRUNCATE {CUBE}")
    conn.exec_driver_sql(f"INSERT INTO {CUBE} SELECT {keys}, {sums}, count(*) "
                         f"FROM export_volumes GROUP BY {keys}")
    conn.exec_driver_sql(f"ANALYZE {CUBE}")
    keys = ", ".join(YEARLY_KEYS[1:])
    conn.exec_driver_sql(f"TRUNCATE {YEARLY}")
    conn.exec_driver_sql(f"INSERT INTO {YEARLY} SELECT substr(period, 1, 4), {keys}, {sums}, "
                         f"count(*) FROM export_volumes GROUP BY substr(period, 1, 4), {keys}")
    conn.exec_driver_sql(f"ANALYZE {YEARLY}")


def _volume_column(c: Col) -> str:
    return f"{_q(c.name)} {_SQL_TYPES[c.kind]}" + (" NOT NULL" if c.required else "")


def bump_version(conn: Connection) -> int:
    """Mark a change; call inside the writing transaction so readers see both or neither."""
    return int(conn.exec_driver_sql(
        f"UPDATE {META} SET data_version = data_version + 1, changed_at = now() "
        "RETURNING data_version").scalar_one())


def data_version(engine: Engine) -> int | None:
    """The current data version (one indexed row: cheap enough for every rerun).

    None when the database has no dashboard tables yet.
    """
    with engine.connect() as conn:
        exists = conn.exec_driver_sql(f"SELECT to_regclass('{META}')").scalar()
        if exists is None:
            return None
        return int(conn.exec_driver_sql(
            f"SELECT data_version FROM {META} WHERE id = 1").scalar_one())


# -- reading ----------------------------------------------------------------------------

@dataclass(frozen=True)
class SqlSource:
    """A ``DataSource`` over the database: the small tables as text, like the CSV files.

    ``export_volumes`` comes back empty here; ``load_sql`` puts a ``Volumes`` in its place.
    """

    engine: Engine
    geo_root: Path

    def read_tables(self) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
        with self.engine.connect() as conn:
            return self.read_tables_with(conn)

    def read_tables_with(self, conn: Connection
                         ) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
        frames: dict[str, pd.DataFrame] = {}
        for name in DIMENSIONS:
            spec = FILES[name]
            cols = ", ".join(_q(c) for c in spec.all_column_names)
            rows = conn.exec_driver_sql(
                f"SELECT {ROW_NO}, {cols} FROM {_q(table_of(name))} ORDER BY {ROW_NO}"
            ).fetchall()
            frame = pd.DataFrame([tuple(r) for r in rows],
                                 columns=[ROW_NO, *spec.all_column_names])
            frames[name] = _lines(frame.set_index(frame[ROW_NO].astype(int)).drop(
                columns=ROW_NO).rename_axis(None).astype("string"))
        frames[VOLUMES] = pd.DataFrame(columns=FILES[VOLUMES].column_names, dtype="string")
        issues = [Issue(n, None, None, "empty_file") for n in DIMENSIONS if frames[n].empty]
        return frames, issues

    def read_geo(self) -> tuple[dict[str, dict], list[Issue]]:
        return CsvSource(self.geo_root).read_geo()


def _lines(frame: pd.DataFrame) -> pd.DataFrame:
    """Mark the index as the row's line, so the validator names that line (zones.csvread)."""
    frame.attrs["line_index"] = True
    return frame


def _db_file(issue: Issue) -> Issue:
    """Name the table, not a file, in problems found in the database."""
    return replace(issue, file=f"{DB_PREFIX}{table_of(issue.file)}") if issue.file in FILES \
        else issue


DB_PREFIX = "database: "


def load_sql(engine: Engine, geo_root: Path) -> LoadResult:
    """The dataset from the database: small tables validated, volumes left where they are."""
    try:
        version = data_version(engine)
        if version is None:
            return LoadResult(None, (Issue(DB_PREFIX.rstrip(": "), None, None,
                                           "db_not_loaded"),))
        result = load(SqlSource(engine, geo_root))
    except sa.exc.SQLAlchemyError as exc:
        return LoadResult(None, (db_issue(exc),))
    if result.dataset is None:
        return LoadResult(None, tuple(_db_file(i) for i in result.issues))
    volumes = Volumes(SqlVolumeQuery(engine, version))
    return LoadResult(replace(result.dataset, volumes=volumes), ())


def db_issue(exc: BaseException) -> Issue:
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:160]
    return Issue(DB_PREFIX.rstrip(": "), None, None, "db_unreachable", {"detail": detail})


class SqlVolumeQuery:
    """Sums of export volumes computed by PostgreSQL; results cached per data version."""

    def __init__(self, engine: Engine, version: int, cache_size: int = 256,
                 use_cube: bool = True) -> None:
        self.engine = engine
        self.version = version
        self.use_cube = use_cube
        self._cache = TotalsCache(cache_size)

    def __getstate__(self) -> dict[str, object]:
        """What a briefing worker process needs to query the same data (no pool, no cache)."""
        return {"url": self.engine.url.render_as_string(hide_password=False),
                "version": self.version, "use_cube": self.use_cube}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(engine_from_url(str(state["url"])), int(state["version"]),  # type: ignore[misc, arg-type]
                      use_cube=bool(state["use_cube"]))

    def totals(self, where: VolumeFilter, by: tuple[str, ...]) -> pd.DataFrame:
        if where.nothing:
            return empty_totals(by)
        return self._cache.get((where, by), lambda: self._totals(where, by))

    def _totals(self, where: VolumeFilter, by: tuple[str, ...]) -> pd.DataFrame:
        sql, params = totals_sql(where, by, self.use_cube)
        with self.engine.connect() as conn:
            rows = conn.execute(sa.text(sql), params).fetchall()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=[*by, *MEASURES, ROWS])
        if not by and (frame.empty or not frame[ROWS].iloc[0]):  # NULL or 0: no rows
            return empty_totals(by)
        for b in by:
            frame[b] = frame[b].astype("string")
        for m in MEASURES:
            frame[m] = frame[m].astype("float64")
        frame[ROWS] = frame[ROWS].astype("int64")
        return frame

    def periods(self) -> list[str]:
        # A skip scan over the unique key (period first): one index probe per month.
        sql = ("WITH RECURSIVE p AS (SELECT min(period) AS v FROM export_volumes "
               "UNION ALL SELECT (SELECT min(period) FROM export_volumes WHERE period > p.v) "
               "FROM p WHERE p.v IS NOT NULL) SELECT v FROM p WHERE v IS NOT NULL")
        with self.engine.connect() as conn:
            return [str(r[0]) for r in conn.exec_driver_sql(sql).fetchall()]

    def rows(self) -> pd.DataFrame:
        spec = FILES[VOLUMES]
        cols = ", ".join(_q(c) for c in spec.all_column_names)
        order = ", ".join(_q(k) for k in spec.key)
        with self.engine.connect() as conn:
            frame = pd.read_sql_query(sa.text(f"SELECT {cols} FROM export_volumes "
                                              f"ORDER BY {order} NULLS FIRST"), conn)
        for c in spec.columns:
            if c.kind == "str":
                frame[c.name] = frame[c.name].astype("string")
            else:
                frame[c.name] = frame[c.name].astype("Int64" if c.kind == "int" else "Float64")
        return frame


def totals_sql(where: VolumeFilter, by: tuple[str, ...], cube: bool = True
               ) -> tuple[str, dict[str, object]]:
    """``SELECT by…, sum(measures…), count(*) … WHERE filter GROUP BY by``."""
    table = "export_volumes"
    whole_years = where.period is None or (where.period[0].endswith("-01")
                                           and where.period[1].endswith("-12"))
    if cube and not where.destinations and "destination_iso3" not in by:
        table = CUBE
    elif cube and whole_years and "period" not in by and not where.destinations:
        table = YEARLY  # (a destination filter is faster through ix_ev_destination)
    year = "year" if table == YEARLY else "substr(period, 1, 4)"
    select = [(year if b == "year" else _q(b)) + f" AS {_q(b)}" for b in by]
    select += [f"sum({_q(m)}) AS {_q(m)}" for m in MEASURES]
    select.append(f"count(*) AS {ROWS}" if table == "export_volumes" else f"sum({ROWS}) AS {ROWS}")
    clauses: list[str] = []
    params: dict[str, object] = {}
    if where.period and table == YEARLY:
        clauses.append("year BETWEEN :p0 AND :p1")
        params |= {"p0": where.period[0][:4], "p1": where.period[1][:4]}
    elif where.period:
        clauses.append("period BETWEEN :p0 AND :p1")
        params |= {"p0": where.period[0], "p1": where.period[1]}
    for col, key, values in (("product_id", "products", where.products),
                             ("destination_iso3", "dests", where.destinations)):
        if values:
            clauses.append(f"{col} = ANY(:{key})")
            params[key] = list(values)
    if where.zone_ids is not None:
        clauses.append("zone_id = ANY(:zones)")
        params["zones"] = list(where.zone_ids)
    sql = f"SELECT {', '.join(select)} FROM {table}"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    if by:
        sql += " GROUP BY " + ", ".join(str(i) for i in range(1, len(by) + 1))
    return sql, params


# -- writing ----------------------------------------------------------------------------

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


def _frame_csv(frame: pd.DataFrame, columns: list[str]) -> str:
    """Text for COPY: NA becomes an unquoted empty field (NULL), '' stays ''."""
    buf = io.StringIO()
    out = frame.reindex(columns=columns)
    writer = csv.writer(buf, lineterminator="\n")
    for row in out.itertuples(index=False, name=None):
        writer.writerow([None if pd.isna(v) else str(v) for v in row])
    return buf.getvalue()


def _copy_text(conn: Connection, table: str, columns: list[str], text: str) -> None:
    cols = ", ".join(_q(c) for c in columns)
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(
            f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv)") as copy:
        copy.write(text)


def _copy_file(conn: Connection, table: str, columns: list[str], path: Path,
               skip_header: bool = True) -> None:
    """Stream a CSV file to COPY in chunks: 1 M rows never sit in Python memory."""
    cols = ", ".join(_q(c) for c in columns)
    raw = conn.connection.driver_connection
    assert raw is not None
    with path.open("rb") as fh, raw.cursor() as cur, cur.copy(
            f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv)") as copy:
        first = fh.readline() if skip_header else b""
        del first
        while chunk := fh.read(1 << 20):
            copy.write(chunk)


def _zone_products(zones: pd.DataFrame) -> pd.DataFrame:
    pairs = [(z, p) for z, ps in zip(zones["zone_id"], zones["products"].fillna(""),
                                     strict=True)
             for p in dict.fromkeys(str(ps).split(";")) if p]
    return pd.DataFrame(pairs, columns=["zone_id", "product_id"])


def _validate_dimensions(frames: Mapping[str, pd.DataFrame], geo_root: Path,
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
        issues += _validate_dimensions(frames, data_dir)
    if issues:
        return WriteResult(None, tuple(issues))
    file = VOLUMES
    try:
        with engine.begin() as conn:
            ensure_schema(conn)
            tables = ", ".join([_q("export_volumes"), ZONE_PRODUCTS,
                                *(_q(table_of(n)) for n in DIMENSIONS)])
            conn.exec_driver_sql(f"TRUNCATE {tables}")
            for name in DIMENSIONS:
                file = name
                cols = FILES[name].all_column_names
                _copy_text(conn, _q(table_of(name)), [ROW_NO, *cols],
                           _frame_csv(_numbered(frames[name]), [ROW_NO, *cols]))
            _load_imports(conn, data_dir)
            file = "zones.csv"
            _copy_text(conn, ZONE_PRODUCTS, ["zone_id", "product_id"],
                       _frame_csv(_zone_products(frames["zones.csv"]),
                                  ["zone_id", "product_id"]))
            file = VOLUMES
            if bulk:
                _drop_constraints(conn)
                for n, e in _volume_checks(FILES[VOLUMES]):  # per row: errors name the line
                    conn.exec_driver_sql(f"ALTER TABLE export_volumes ADD CONSTRAINT {n} "
                                         f"CHECK ({e})")
            _copy_file(conn, "export_volumes", header, vol_path)
            if bulk:
                _drop_constraints(conn)
                for stmt in _constraint_sql():
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
    from zones.store import IMPORTS_COLUMNS, IMPORTS_FILE, read_imports

    conn.exec_driver_sql(f"TRUNCATE {IMPORTS}")
    if (data_dir / IMPORTS_FILE).exists():
        cols = [ROW_NO, *IMPORTS_COLUMNS]
        _copy_text(conn, IMPORTS, cols, _frame_csv(_numbered(read_imports(data_dir)), cols))


Mode = Literal["upsert", "replace"]


def _table_key(name: str) -> tuple[str, ...]:
    """The columns that identify a row of ``name`` (what an upsert matches on)."""
    spec = FILES[name]
    if spec.key:
        return spec.key
    if name in PRIMARY_KEYS:
        return (PRIMARY_KEYS[name],)
    unique = [c.name for c in spec.columns if c.unique]
    return (unique[0],) if unique else tuple(spec.column_names)


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
    from zones.loading import DATA_DIR

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
            merged = {n: _lines(_merge(current[n], frames[n], _table_key(n), mode)
                                .sort_values("_order", kind="stable").drop(columns="_order"))
                      if n in frames else current[n] for n in DIMENSIONS}
            issues = _validate_dimensions(merged, geo_root or DATA_DIR, frames.get(VOLUMES))
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
                counts[name] = _write_one(conn, name, frames[name], merged.get(name), mode)
            if "zones.csv" in frames:
                file = "zones.csv"
                conn.exec_driver_sql(f"DELETE FROM {ZONE_PRODUCTS}")
                _copy_text(conn, ZONE_PRODUCTS, ["zone_id", "product_id"],
                           _frame_csv(_zone_products(merged["zones.csv"]),
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


def _write_one(conn: Connection, name: str, given: pd.DataFrame,
               merged: pd.DataFrame | None, mode: Mode) -> int:
    table = _q(table_of(name))
    spec = FILES[name]
    if name != VOLUMES:
        # Small tables: write the whole merged table (row numbers keep the display order).
        assert merged is not None
        conn.exec_driver_sql(f"DELETE FROM {table}")
        numbered = merged.reset_index(drop=True)
        numbered[ROW_NO] = numbered.index + 2
        cols = [ROW_NO, *spec.all_column_names]
        _copy_text(conn, table, cols, _frame_csv(numbered, cols))
        return len(given)
    cols = [c for c in spec.all_column_names if c in given.columns]
    conn.exec_driver_sql(f"CREATE TEMP TABLE incoming ({', '.join(_q(c) + ' text' for c in cols)})"
                         " ON COMMIT DROP")
    _copy_text(conn, "incoming", cols, _frame_csv(given, cols))
    if mode == "replace":
        conn.exec_driver_sql(f"DELETE FROM {table}")
    else:
        match = " AND ".join(f"t.{_q(k)} IS NOT DISTINCT FROM i.{_q(k)}" for k in spec.key)
        conn.exec_driver_sql(f"DELETE FROM {table} t USING incoming i WHERE {match}")
    kinds = {c.name: _SQL_TYPES[c.kind] for c in spec.columns}
    kinds = {c: ("numeric::integer" if k == "integer" else k) for c, k in kinds.items()}
    casts = ", ".join(f"NULLIF(trim({_q(c)}), '')::{kinds[c]}" for c in cols)
    conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(_q(c) for c in cols)}) "
                         f"SELECT {casts} FROM incoming")
    return len(given)


# -- run-sheets (#16) --------------------------------------------------------------------
RUNSHEETS = "zones_runsheets"  # <data folder>/runsheets/<id>.toml, as the file's bytes


def ensure_runsheet_table(conn: Connection) -> None:
    """The run-sheet table: the TOML text as written, so files and database agree."""
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {RUNSHEETS} ("
        "id text PRIMARY KEY CHECK (id ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'), "
        "body bytea NOT NULL CHECK (octet_length(body) <= 262144), "
        "updated_by text NOT NULL DEFAULT '', "
        "updated_at timestamptz NOT NULL DEFAULT now())")
    conn.exec_driver_sql(f"ALTER TABLE {RUNSHEETS} ADD COLUMN IF NOT EXISTS "
                         "updated_by text NOT NULL DEFAULT ''")
