"""PostgreSQL as the data source: the same tables as the files, validated the same way.

Why a database: national data (hundreds of zones, many years) outgrows files, and several
app replicas must share one copy. What changes and what does not:

* The small tables (zones, products, destinations, first_exports, report_figures, facts)
  are stored as text columns exactly as the CSV files have them, read whole and checked by
  ``zones.dataset.validation`` like the files. The boundaries stay files (``data/geo``).
* ``export_volumes`` is typed, constrained by the schema (CHECKs, foreign keys, a unique
  key, all generated from ``zones.model.FILES``) and never read whole: the pages' filters
  and sums become ``WHERE … GROUP BY`` queries (``SqlVolumeQuery`` behind
  ``zones.dataset.volumes.Volumes``).
* Every write bumps ``zones_meta.data_version`` in the same transaction. The app reads that
  one row per rerun and keys its cache on it, so every replica sees a change on its next
  rerun, and never a half-written one.

Functions take an SQLAlchemy ``Engine``; Streamlit is only in ``zones/ui.py``.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from zones.dataset.volumes import MEASURES, ROWS
from zones.model import FILES, Col, FileSpec

SCHEMA_VERSION = 1




VOLUMES = "export_volumes.csv"


DIMENSIONS: tuple[str, ...] = tuple(n for n in FILES if n != VOLUMES)


# The tables the export_volumes foreign keys point at: their key is the primary key.
PRIMARY_KEYS: dict[str, str] = {n: FILES[n].row_key[0]
                                for n in ("zones.csv", "products.csv", "destinations.csv")}


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


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


SQL_TYPES = {"str": "text", "float": "double precision", "int": "integer"}


def volume_checks(spec: FileSpec) -> list[tuple[str, str]]:
    """(constraint name, CHECK expression) for each rule of the model's columns."""
    checks: list[tuple[str, str]] = []
    for col in spec.columns:
        c = quote(col.name)
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
    # Rows without a consignment count (#17): counted under every sum of consignments.
    "ix_ev_no_consignments": "(period) WHERE consignments IS NULL",
}


def constraint_sql() -> list[str]:
    spec = FILES[VOLUMES]
    t = quote("export_volumes")
    stmts = [f"ALTER TABLE {t} ADD CONSTRAINT {n} CHECK ({e})" for n, e in volume_checks(spec)]
    key = ", ".join(quote(k) for k in spec.key)
    stmts.append(f"ALTER TABLE {t} ADD CONSTRAINT uq_ev_key UNIQUE NULLS NOT DISTINCT ({key})")
    for name, cols, target, tcols in _fk_targets():
        stmts.append(
            f"ALTER TABLE {t} ADD CONSTRAINT {name} FOREIGN KEY ({', '.join(cols)}) "
            f"REFERENCES {quote(target)} ({', '.join(tcols)}) DEFERRABLE INITIALLY IMMEDIATE")
    stmts += [f"CREATE INDEX {n} ON {t} {cols}" for n, cols in INDEXES.items()]
    return stmts


def drop_constraints(conn: Connection) -> None:
    t = quote("export_volumes")
    names = [n for n, _ in volume_checks(FILES[VOLUMES])] + ["uq_ev_key"] + [
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
        cols = ", ".join(f"{quote(c.name)} text" + (" PRIMARY KEY" if c.name == pk else "")
                         for c in spec.columns)
        conn.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS {quote(table_of(name))} "
                             f"({ROW_NO} integer NOT NULL, {cols})")
        for c in spec.columns:
            conn.exec_driver_sql(f"ALTER TABLE {quote(table_of(name))} "
                                 f"ADD COLUMN IF NOT EXISTS {quote(c.name)} text")
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
        for stmt in constraint_sql():
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
    ensure_store_tables(conn)
    ensure_runsheet_table(conn)  # run-sheets (#16)
    conn.exec_driver_sql(f"UPDATE {META} SET schema_version = {SCHEMA_VERSION}")


IMPORTS = "imports"  # imports.csv of a data folder: who imported which file, when


HISTORY = "zones_history"  # history/log.csv: every import and undo, in order


HISTORY_ROWS = "zones_history_rows"  # the rows an entry replaced, and what it wrote


def ensure_store_tables(conn: Connection) -> None:
    from zones.intake.records import IMPORTS_COLUMNS
    from zones.intake.store import LOG_COLUMNS

    cols = ", ".join(f"{quote(c)} text" for c in IMPORTS_COLUMNS)
    conn.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS {IMPORTS} ({ROW_NO} integer NOT NULL, "
                         f"{cols})")
    cols = ", ".join(f"{quote(c)} text" for c in LOG_COLUMNS)
    conn.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS {HISTORY} (seq bigserial PRIMARY KEY, "
                         f"{cols})")
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {HISTORY_ROWS} (entry_id text NOT NULL, "
        "file text NOT NULL, whole boolean NOT NULL, before bytea NOT NULL, "
        "after bytea NOT NULL, PRIMARY KEY (entry_id, file))")
    _optional_volume_columns(conn)


def refresh_cube(conn: Connection) -> None:
    """Rebuild the monthly cube from the rows, inside the writing transaction."""
    keys = ", ".join(CUBE_KEYS)
    sums = ", ".join(f"sum({quote(m)})" for m in MEASURES)
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
    return f"{quote(c.name)} {SQL_TYPES[c.kind]}" + (" NOT NULL" if c.required else "")


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


def _optional_volume_columns(conn: Connection) -> None:
    """A database loaded before consignments became optional (#17) keeps its NOT NULL:
    lift it (once; checked first, so an import does not take the table lock for nothing)."""
    if conn.exec_driver_sql("SELECT to_regclass('export_volumes')").scalar() is None:
        return
    optional = [c.name for c in FILES[VOLUMES].columns if not c.required]
    strict = conn.exec_driver_sql(
        "SELECT column_name FROM information_schema.columns WHERE table_name = "
        "'export_volumes' AND table_schema = current_schema() AND is_nullable = 'NO'"
    ).scalars().all()
    for name in optional:
        if name in strict:
            conn.exec_driver_sql(f"ALTER TABLE export_volumes ALTER COLUMN {quote(name)} "
                                 "DROP NOT NULL")
    if conn.exec_driver_sql("SELECT to_regclass('ix_ev_no_consignments')").scalar() is None:
        conn.exec_driver_sql("CREATE INDEX ix_ev_no_consignments ON export_volumes (period) "
                             f"{INDEXES['ix_ev_no_consignments'].split(') ', 1)[1]}")


RUNSHEETS = "zones_runsheets"  # <data folder>/runsheets/<id>.toml, as the file's bytes (#16)


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
