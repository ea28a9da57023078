"""Reading the database: the small tables as the files have them, and volume sums in SQL.

The pages never read ``export_volumes`` whole: their filters and sums become
``WHERE … GROUP BY`` queries, answered from the summary tables where they can be, and cached
per data version.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from zones.dataset.loading import CsvSource, LoadResult, load
from zones.dataset.validation import Issue
from zones.dataset.volumes import MEASURES, ROWS, TotalsCache, VolumeFilter, Volumes, empty_totals
from zones.model import FILES
from zones.sql.schema import (
    CUBE,
    DIMENSIONS,
    ROW_NO,
    VOLUMES,
    YEARLY,
    data_version,
    engine_from_url,
    quote,
    table_of,
)


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
            cols = ", ".join(quote(c) for c in spec.all_column_names)
            rows = conn.exec_driver_sql(
                f"SELECT {ROW_NO}, {cols} FROM {quote(table_of(name))} ORDER BY {ROW_NO}"
            ).fetchall()
            frame = pd.DataFrame([tuple(r) for r in rows],
                                 columns=[ROW_NO, *spec.all_column_names])
            frames[name] = line_indexed(frame.set_index(frame[ROW_NO].astype(int)).drop(
                columns=ROW_NO).rename_axis(None).astype("string"))
        frames[VOLUMES] = pd.DataFrame(columns=FILES[VOLUMES].column_names, dtype="string")
        issues = [Issue(n, None, None, "empty_file") for n in DIMENSIONS if frames[n].empty]
        return frames, issues

    def read_geo(self) -> tuple[dict[str, dict], list[Issue]]:
        return CsvSource(self.geo_root).read_geo()


def line_indexed(frame: pd.DataFrame) -> pd.DataFrame:
    """Mark the index as the row's line, so the validator names that line (dataset.csvread)."""
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

    def missing(self, where: VolumeFilter, column: str) -> int:
        """A count of the filtered rows with ``column`` NULL (a partial index answers it)."""
        if where.nothing or column not in MEASURES:
            return 0
        sql, params = totals_sql(where, (), cube=False)  # the filter as every other sum has it
        _, _, rest = sql.partition(" FROM export_volumes")
        rest = (rest + " AND" if " WHERE " in rest else rest + " WHERE") + f" {column} IS NULL"

        def run() -> pd.DataFrame:
            with self.engine.connect() as conn:
                n = conn.execute(sa.text("SELECT count(*) FROM export_volumes" + rest),
                                 params).scalar()
            return pd.DataFrame({"n": [int(n or 0)]})

        return int(self._cache.get(("missing", column, where), run)["n"].iloc[0])

    def rows(self) -> pd.DataFrame:
        spec = FILES[VOLUMES]
        cols = ", ".join(quote(c) for c in spec.all_column_names)
        order = ", ".join(quote(k) for k in spec.key)
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
    select = [(year if b == "year" else quote(b)) + f" AS {quote(b)}" for b in by]
    select += [f"sum({quote(m)}) AS {quote(m)}" for m in MEASURES]
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
