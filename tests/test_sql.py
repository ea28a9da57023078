"""The PostgreSQL source against a real server: sums, loading, writing, data versions.

The server is started once per session by the ``pg_server`` fixture (tests/conftest.py);
without PostgreSQL binaries these tests are skipped with the reason.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from sql_writes import write_tables

from zones.cli.main import main
from zones.dataset.filters import FilterState, apply_filters
from zones.dataset.loading import DATA_DIR
from zones.dataset.volumes import ROWS, PandasVolumeQuery, VolumeFilter, Volumes
from zones.model import Dataset
from zones.sql.read import SqlVolumeQuery, load_sql, totals_sql
from zones.sql.schema import data_version, engine_from_url
from zones.sql.write import sql_load

# Records in the bundled export_volumes.csv (header line not counted).
BUNDLED_ROWS = sum(1 for _ in (DATA_DIR / "export_volumes.csv").open(encoding="utf-8")) - 1

_names = (f"t{i}" for i in itertools.count())


@pytest.fixture(scope="module")
def engine(sql_url: str):
    eng = engine_from_url(sql_url)
    yield eng
    eng.dispose()


@pytest.fixture
def fresh(loaded_db):
    """A database of its own, with the bundled data (for tests that write)."""
    eng = engine_from_url(loaded_db(next(_names)))
    yield eng
    eng.dispose()


@pytest.fixture
def empty_db(pg_server):
    eng = engine_from_url(pg_server.createdb(next(_names)))
    yield eng
    eng.dispose()


# -- the same sums as pandas ------------------------------------------------------------

WHERES = {
    "all": VolumeFilter(),
    "product": VolumeFilter(products=("ginseng", "rice")),
    "destination": VolumeFilter(destinations=("JPN",)),
    "period": VolumeFilter(period=("2009-03", "2010-02")),
    "whole years": VolumeFilter(period=("2009-01", "2010-12")),
    "zones": VolumeFilter(zone_ids=("dehui-poultry", "fusong-ginseng")),
    "no zones": VolumeFilter(zone_ids=()),
    "combined": VolumeFilter(period=("2009-01", "2011-12"), products=("poultry_meat",),
                             destinations=("JPN", "KOR"), zone_ids=("dehui-poultry",)),
    "facts only": VolumeFilter(nothing=True),
}
BYS = [(), ("zone_id",), ("destination_iso3",), ("year", "product_id", "source"),
       ("period", "zone_id", "product_id", "destination_iso3", "source"),
       ("zone_id", "destination_iso3")]


def _sorted(frame: pd.DataFrame, by: tuple[str, ...]) -> pd.DataFrame:
    out = frame.copy()
    for b in by:
        out[b] = out[b].astype(object).where(out[b].notna(), None).astype(str)
    return out.sort_values(list(by)).reset_index(drop=True) if by else out


@pytest.mark.parametrize("by", BYS, ids=lambda b: "+".join(b) or "total")
@pytest.mark.parametrize("where", list(WHERES), ids=str)
def test_sql_sums_equal_pandas_sums(engine, dataset: Dataset, where: str,
                                    by: tuple[str, ...]) -> None:
    w = WHERES[where]
    sql = SqlVolumeQuery(engine, 0, cache_size=0).totals(w, by)
    pandas = PandasVolumeQuery(dataset.volumes).totals(w, by)
    assert list(sql.columns) == list(pandas.columns)
    pd.testing.assert_frame_equal(_sorted(sql, by), _sorted(pandas, by), check_dtype=False,
                                  rtol=1e-9)


def test_filtered_view_matches_the_files(engine, dataset: Dataset) -> None:
    """apply_filters on a database dataset gives the same zones and totals as on files."""
    sql_ds = load_sql(engine, DATA_DIR).dataset
    assert sql_ds is not None and isinstance(sql_ds.volumes, Volumes)
    assert sql_ds.periods == dataset.periods
    for state in (FilterState(), FilterState(destinations=("AFG",)),
                  FilterState(prefectures=("220100",)), FilterState(report_only=True)):
        a, b = apply_filters(sql_ds, state), apply_filters(dataset, state)
        assert a.zones["zone_id"].tolist() == b.zones["zone_id"].tolist()
        assert len(a.volumes) == len(b.volumes)


def test_queries_are_one_where_group_by() -> None:
    sql, params = totals_sql(VolumeFilter(products=("rice",), destinations=("JPN",)),
                             ("zone_id",))
    assert "WHERE product_id = ANY(:products) AND destination_iso3 = ANY(:dests)" in sql
    assert sql.endswith("GROUP BY 1")
    assert params == {"products": ["rice"], "dests": ["JPN"]}
    cube, _ = totals_sql(VolumeFilter(products=("rice",)), ("year",))
    assert "FROM export_volumes_cube" in cube  # no destination: the monthly cube pays
    yearly, params = totals_sql(VolumeFilter(period=("2009-01", "2010-12")),
                                ("destination_iso3",))
    assert "FROM export_volumes_yearly WHERE year BETWEEN" in yearly
    assert params == {"p0": "2009", "p1": "2010"}
    months, _ = totals_sql(VolumeFilter(period=("2009-03", "2010-12")), ("destination_iso3",))
    assert "FROM export_volumes WHERE period BETWEEN" in months


def test_results_are_cached_per_filter(engine) -> None:
    q = SqlVolumeQuery(engine, 0)
    first = q.totals(VolumeFilter(), ("zone_id",))
    assert q.totals(VolumeFilter(), ("zone_id",)) is first


# -- loading ----------------------------------------------------------------------------

def test_database_dataset_equals_the_files(engine, dataset: Dataset) -> None:
    ds = load_sql(engine, DATA_DIR).dataset
    assert ds is not None
    for name in ("zones", "products", "destinations", "first_exports", "figures", "facts"):
        pd.testing.assert_frame_equal(getattr(ds, name).reset_index(drop=True),
                                      getattr(dataset, name).reset_index(drop=True),
                                      check_dtype=False, obj=name)
    rows = ds.volumes.rows()
    pd.testing.assert_frame_equal(
        rows.sort_values(["period", "zone_id", "product_id", "destination_iso3"],
                         na_position="first").reset_index(drop=True),
        dataset.volumes.sort_values(["period", "zone_id", "product_id", "destination_iso3"],
                                    na_position="first").reset_index(drop=True),
        check_dtype=False)


def _edit_volumes(root: Path, line: int, column: str, value: str) -> None:
    path = root / "export_volumes.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[line - 1].split(",")
    cells[header.index(column)] = value
    lines[line - 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(("line", "column", "value", "code"), [
    (5, "period", "2008-13", "bad_format"),
    (7, "tonnes", "-1", "too_small"),
    (9, "tonnes", "lots", "not_number"),
    (11, "consignments", "2.5", "not_integer"),
    (13, "source", "guess", "not_allowed"),
    (15, "product_id", "", "missing_value"),
    (17, "destination_iso3", "XYZ", "unknown_ref"),
    (19, "zone_id", "nowhere", "unknown_ref"),
    (21, "product_id", "ginseng", "product_not_made"),
    (2, "destination_iso3", "KOR", "duplicate_key"),  # line 2 is (…, JPN), line 3 (…, KOR)
])
def test_sql_load_reports_the_line_and_writes_nothing(fresh, data_copy: Path, line: int,
                                                      column: str, value: str,
                                                      code: str) -> None:
    before = data_version(fresh)
    _edit_volumes(data_copy, line, column, value)
    result = sql_load(fresh, data_copy)
    assert not result.ok
    issue = result.issues[0]
    assert (issue.file, issue.code) == ("export_volumes.csv", code), issue
    assert issue.line == line, issue
    if code not in ("duplicate_key",):
        assert issue.column == column
    assert issue.message("en") and issue.message("zh")
    assert data_version(fresh) == before  # nothing written
    with fresh.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM export_volumes").scalar() == BUNDLED_ROWS


def test_sql_load_checks_the_small_files_with_the_validator(fresh, data_copy: Path) -> None:
    zones_csv = data_copy / "zones.csv"
    zones_csv.write_text(zones_csv.read_text(encoding="utf-8").replace(
        ",national_first_batch,", ",national,", 1), encoding="utf-8")
    result = sql_load(fresh, data_copy)
    assert [(i.file, i.column, i.code) for i in result.issues] == [
        ("zones.csv", "level", "not_allowed")]


def test_empty_database_says_so(empty_db) -> None:
    result = load_sql(empty_db, DATA_DIR)
    assert [i.code for i in result.issues] == ["db_not_loaded"]


def test_unreachable_database_is_an_issue_not_a_crash() -> None:
    eng = engine_from_url("postgresql+psycopg://x@127.0.0.1:1/none?connect_timeout=2")
    result = load_sql(eng, DATA_DIR)
    assert [i.code for i in result.issues] == ["db_unreachable"]
    assert result.issues[0].message("zh")


def test_bad_rows_put_in_the_database_by_hand_are_reported(fresh) -> None:
    with fresh.begin() as conn:
        conn.exec_driver_sql("UPDATE zones SET level = 'national' WHERE zone_id = 'dehui-poultry'")
    result = load_sql(fresh, DATA_DIR)
    assert [(i.file, i.column, i.code) for i in result.issues] == [
        ("database: zones", "level", "not_allowed")]
    assert result.issues[0].line is not None


# -- data version and writes ------------------------------------------------------------

def test_every_write_bumps_the_data_version(fresh) -> None:
    v0 = data_version(fresh)
    assert sql_load(fresh, DATA_DIR).ok
    assert data_version(fresh) == v0 + 1
    row = pd.DataFrame([{"period": "2011-12", "zone_id": "dehui-poultry",
                         "product_id": "poultry_meat", "destination_iso3": "JPN",
                         "tonnes": "1.5", "value_usd": "100", "consignments": "1",
                         "source": "illustrative"}])
    result = write_tables(fresh, {"export_volumes.csv": row})
    assert result.ok, result.issues
    assert data_version(fresh) == result.version == v0 + 2


def test_upsert_replaces_same_key_and_keeps_the_rest(fresh) -> None:
    where = VolumeFilter(period=("2011-12", "2011-12"), products=("poultry_meat",),
                         destinations=("JPN",), zone_ids=("dehui-poultry",))
    before = SqlVolumeQuery(fresh, 0, cache_size=0).totals(where, ())
    assert int(before[ROWS].iloc[0]) == 1
    rows = pd.DataFrame([
        {"period": "2011-12", "zone_id": "dehui-poultry", "product_id": "poultry_meat",
         "destination_iso3": "JPN", "tonnes": 7.0, "value_usd": 700.0, "consignments": 1,
         "source": "illustrative"},
        {"period": "2026-01", "zone_id": None, "product_id": "rice",
         "destination_iso3": "JPN", "tonnes": 3.0, "value_usd": 300.0, "consignments": 2,
         "source": "illustrative"},
    ])
    result = write_tables(fresh, {"export_volumes.csv": rows})
    assert result.ok, result.issues
    q = SqlVolumeQuery(fresh, 0, cache_size=0)
    after = q.totals(where, ())
    assert (int(after[ROWS].iloc[0]), float(after["tonnes"].iloc[0])) == (1, 7.0)
    assert int(q.totals(VolumeFilter(), ())[ROWS].iloc[0]) == BUNDLED_ROWS + 1
    assert "2026-01" in q.periods()
    cube = q.totals(VolumeFilter(period=("2026-01", "2026-01")), ("zone_id",))
    assert cube["tonnes"].tolist() == [3.0]  # the cube was rebuilt in the same transaction
    again = write_tables(fresh, {"export_volumes.csv": rows.iloc[1:]})  # NULL zone: same key
    assert again.ok and int(q.totals(VolumeFilter(), ())[ROWS].iloc[0]) == BUNDLED_ROWS + 1


@pytest.mark.parametrize(("table", "change", "code"), [
    ("export_volumes.csv", {"zone_id": "nowhere"}, "unknown_ref"),
    ("export_volumes.csv", {"tonnes": "-3"}, "too_small"),
    ("export_volumes.csv", {"product_id": "ginseng"}, "product_not_made"),
    ("products.csv", {"category": "sweets"}, "not_allowed"),
])
def test_a_bad_write_writes_nothing(fresh, table: str, change: dict[str, str],
                                    code: str) -> None:
    base = {"export_volumes.csv": {
        "period": "2011-12", "zone_id": "dehui-poultry", "product_id": "poultry_meat",
        "destination_iso3": "JPN", "tonnes": "1", "value_usd": "1", "consignments": "1",
        "source": "illustrative"},
        "products.csv": {"product_id": "rice", "name_zh": "大米", "name_en": "Rice",
                         "category": "grain_oil", "source": "illustrative", "fact_id": ""}}
    v0 = data_version(fresh)
    ok_rows = pd.DataFrame([base[table]])
    bad_rows = pd.DataFrame([base[table] | change])
    result = write_tables(fresh, {table: pd.concat([ok_rows, bad_rows])})
    assert not result.ok
    assert code in [i.code for i in result.issues], result.issues
    assert any(i.line == 3 for i in result.issues if i.code == code), result.issues
    assert data_version(fresh) == v0


def test_removing_a_zone_that_has_volumes_is_refused(fresh, dataset: Dataset) -> None:
    from zones.model import FILES

    zones = dataset.zones[FILES["zones.csv"].column_names]
    result = write_tables(fresh, {"zones.csv": zones[zones["zone_id"] != "dehui-poultry"]},
                          mode="replace")
    assert not result.ok
    assert result.issues[0].code in ("unknown_ref", "product_not_made")
    with fresh.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM zones").scalar() == 16


def test_products_upsert_keeps_order_and_other_rows(fresh, dataset: Dataset) -> None:
    from zones.model import FILES

    rice = dataset.products[dataset.products["product_id"] == "rice"][
        FILES["products.csv"].column_names].assign(name_en="Rice (milled)")
    assert write_tables(fresh, {"products.csv": rice}).ok
    ds = load_sql(fresh, DATA_DIR).dataset
    assert ds is not None
    expected = dataset.products["name_en"].replace("Rice", "Rice (milled)").tolist()
    assert ds.products["name_en"].tolist() == expected  # same place, other rows kept


# -- command line -----------------------------------------------------------------------

def test_cli_sql_load(pg_server, data_copy: Path, capsys) -> None:
    url = pg_server.createdb(next(_names))
    assert main(["sql-load", "--url", url, "--data-dir", str(DATA_DIR), "--lang", "en"]) == 0
    assert f"export_volumes.csv {BUNDLED_ROWS}" in capsys.readouterr().err
    _edit_volumes(data_copy, 5, "period", "2008-13")
    assert main(["sql-load", "--url", url, "--data-dir", str(data_copy), "--lang", "en"]) == 1
    out = capsys.readouterr()
    assert "export_volumes.csv:5:period:" in out.out
    assert "nothing was written" in out.err
    eng = engine_from_url(url)
    assert data_version(eng) == 1
    eng.dispose()


def test_cli_sql_load_needs_a_url(monkeypatch) -> None:
    monkeypatch.delenv("ZONES_DATABASE_URL", raising=False)
    assert main(["sql-load"]) == 2


def test_engine_from_url_rejects_nonsense() -> None:
    with pytest.raises(sa.exc.ArgumentError):
        engine_from_url("not a url")


def test_a_database_dataset_travels_to_the_briefing_worker(engine, dataset: Dataset) -> None:
    """The deck is rendered in another process: the volumes must get there and query."""
    import pickle

    ds = load_sql(engine, DATA_DIR).dataset
    assert ds is not None
    copy = pickle.loads(pickle.dumps(ds))
    assert isinstance(copy.volumes, Volumes)
    where = VolumeFilter(products=("ginseng",))
    pd.testing.assert_frame_equal(copy.volumes.query.totals(where, ("destination_iso3",)),
                                  ds.volumes.query.totals(where, ("destination_iso3",)))


def test_cli_brief_reads_the_database(sql_url: str, tmp_path: Path, capsys) -> None:
    import zipfile

    out = tmp_path / "deck.zip"
    assert main(["brief", "--format", "data", "--out", str(out), "--url", sql_url,
                 "--product", "ginseng", "--lang", "en"]) == 0
    names = zipfile.ZipFile(out).namelist()
    assert any(n.endswith(".xlsx") for n in names)
