"""Imports into PostgreSQL: the file store's plan, one transaction, history and undo."""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
import psycopg
import pytest

from zones.dataset.filters import FilterState, apply_filters
from zones.dataset.loading import DATA_DIR, CsvSource, load
from zones.intake import planning, records, store
from zones.intake.pipeline import parse_upload
from zones.metrics import label_volumes, ranking
from zones.model import Dataset
from zones.sql import store as sql_store
from zones.sql.read import load_sql
from zones.sql.schema import data_version, engine_from_url
from zones.sql.store import SqlStore

VOL_HEADER = "period,zone_id,product_id,destination_iso3,tonnes,value_usd,consignments\n"
NEW_MONTH = "2013-01,dehui-poultry,poultry_meat,JPN,100,200000,5\n"
SAME_ROW = "2008-01,dehui-poultry,poultry_meat,JPN,562.5,1456700,28\n"
CHANGED_ROW = "2008-01,dehui-poultry,poultry_meat,KOR,483.9,1400000,24\n"
_names = (f"st{i}" for i in itertools.count())


@pytest.fixture
def db(loaded_db):
    eng = engine_from_url(loaded_db(next(_names)))
    yield SqlStore(eng)
    eng.dispose()


def _dataset(target: SqlStore | Path) -> Dataset:
    result = (load_sql(target.engine, DATA_DIR) if isinstance(target, SqlStore)
              else load(CsvSource(target)))
    assert result.dataset is not None, result.issues
    return result.dataset


def _plan(target: store.Store, root_or_db: SqlStore | Path, text: str,
          table: str = "export_volumes", mode: str = "upsert") -> planning.Plan:
    parsed = parse_upload(text.encode("utf-8"), "upload.csv", table, _dataset(root_or_db))
    return target.plan_import(parsed, mode, "tester")


def _volume_rows(db: SqlStore) -> list[tuple[str, ...]]:
    return sql_store._canon(_dataset(db).volumes.rows(), "export_volumes.csv")


def _totals(ds: Dataset) -> pd.DataFrame:
    view = apply_filters(ds, FilterState())
    return ranking(label_volumes(ds, view.volumes, "en"), "destination", "tonnes")


def test_an_import_lands_in_one_step_and_is_undone(db: SqlStore) -> None:
    before_rows, v0 = _volume_rows(db), data_version(db.engine)
    plan = _plan(db, db, VOL_HEADER + NEW_MONTH + SAME_ROW + CHANGED_ROW)
    assert plan.ok, plan.issues
    d = plan.diff
    assert d is not None and (d.added, d.changed, d.unchanged) == (1, 1, 1)
    entry = db.apply(plan)
    assert data_version(db.engine) == v0 + 1  # one version: readers see all or nothing
    ds = _dataset(db)
    rows = ds.volumes.rows()
    new = rows[rows["period"] == "2013-01"]
    assert new["source"].tolist() == ["imported"]
    assert new["import_id"].tolist() == [entry.entry_id]
    assert "2013-01" in ds.volumes.periods()
    hist = db.history()
    assert [(e.action, e.added, e.changed) for e in hist] == [("import", 1, 1, )]
    target = db.undo_target()
    assert target is not None and target.entry_id == entry.entry_id

    undone = db.undo("tester")
    assert undone.undoes == entry.entry_id
    assert _volume_rows(db) == before_rows  # byte-for-byte the rows before the import
    assert db.undo_target() is None
    assert [e.undone for e in db.history()] == [False, True]
    with pytest.raises(records.StoreError) as err:
        db.undo("tester")
    assert err.value.issues[0].code == "nothing_to_undo"


def test_the_database_and_the_files_give_the_same_result(db: SqlStore, data_copy: Path
                                                         ) -> None:
    text = VOL_HEADER + NEW_MONTH + CHANGED_ROW
    files = store.FileStore(data_copy)
    for target, where in ((files, data_copy), (db, db)):
        plan = _plan(target, where, text)
        assert plan.ok, plan.issues
        target.apply(plan)
    pd.testing.assert_frame_equal(_totals(_dataset(db)), _totals(_dataset(data_copy)),
                                  check_dtype=False)
    a = _dataset(db).volumes.rows()
    b = _dataset(data_copy).volumes
    assert sql_store._canon(a.drop(columns="import_id"), "export_volumes.csv") == \
        sql_store._canon(b.drop(columns="import_id"), "export_volumes.csv")


def test_a_bad_file_is_refused_with_its_line_and_nothing_is_written(db: SqlStore) -> None:
    v0, rows0 = data_version(db.engine), _volume_rows(db)
    plan = _plan(db, db, VOL_HEADER + NEW_MONTH
                 + "2013-02,dehui-poultry,poultry_meat,JPN,-4,1,1\n")
    assert not plan.ok
    issue = plan.issues[0]
    assert (issue.file, issue.line, issue.column) == ("upload.csv", 3, "tonnes")
    with pytest.raises(records.StoreError):
        db.apply(plan)
    assert (data_version(db.engine), _volume_rows(db)) == (v0, rows0)


def test_a_plan_made_before_another_write_is_refused(db: SqlStore) -> None:
    first = _plan(db, db, VOL_HEADER + NEW_MONTH)
    second = _plan(db, db, VOL_HEADER + CHANGED_ROW)
    db.apply(second)
    v1, rows1 = data_version(db.engine), _volume_rows(db)
    with pytest.raises(records.StoreError) as err:
        db.apply(first)
    assert err.value.issues[0].code == "stale"
    assert (data_version(db.engine), _volume_rows(db)) == (v1, rows1)


def test_a_failure_inside_the_transaction_writes_nothing(db: SqlStore, monkeypatch) -> None:
    v0, rows0 = data_version(db.engine), _volume_rows(db)
    plan = _plan(db, db, VOL_HEADER + NEW_MONTH + CHANGED_ROW)

    def boom(conn, row) -> None:  # after the rows, the imports line and the history rows
        raise psycopg.OperationalError("disk full")

    monkeypatch.setattr(sql_store, "_log", boom)
    with pytest.raises(records.StoreError) as err:
        db.apply(plan)
    assert "disk full" in err.value.issues[0].message("en")
    assert (data_version(db.engine), _volume_rows(db)) == (v0, rows0)
    assert db.history() == []


def test_undo_refuses_when_the_rows_were_changed_since(db: SqlStore) -> None:
    db.apply(_plan(db, db, VOL_HEADER + NEW_MONTH))
    later = _plan(db, db, VOL_HEADER + NEW_MONTH.replace(",100,", ",120,"))
    db.apply(later)
    db.undo("tester")  # the later import: fine
    undone_twice = db.undo("tester")  # then the first: its rows are as it wrote them again
    assert undone_twice.undoes.startswith("imp-")
    assert "2013-01" not in _dataset(db).volumes.periods()


def test_undo_conflict_names_the_table(db: SqlStore) -> None:
    from sql_writes import write_tables

    db.apply(_plan(db, db, VOL_HEADER + NEW_MONTH))
    rows = _dataset(db).volumes.rows()
    row = rows[rows["period"] == "2013-01"].assign(tonnes="101", source="illustrative",
                                                   import_id=pd.NA)
    assert write_tables(db.engine, {"export_volumes.csv": row}).ok  # someone edits it
    with pytest.raises(records.StoreError) as err:
        db.undo("tester")
    assert (err.value.issues[0].file, err.value.issues[0].code) == (
        "export_volumes.csv", "undo_conflict")


@pytest.mark.parametrize("mode", ["upsert", "replace"])
def test_small_tables_and_replace_mode_round_trip(db: SqlStore, mode: str) -> None:
    ds0 = _dataset(db)
    products = db.read_table("products")
    text = products.assign(name_en=products["name_en"].str.replace("Rice", "Milled rice"))
    plan = _plan(db, db, text.to_csv(index=False), table="products", mode=mode)
    assert plan.ok, plan.issues
    db.apply(plan)
    ds1 = _dataset(db)
    assert "Milled rice" in ds1.products["name_en"].tolist()
    assert ds1.products.loc[ds1.products["name_en"] == "Milled rice", "source"].tolist() == [
        "imported"]
    db.undo("tester")
    pd.testing.assert_frame_equal(_dataset(db).products, ds0.products)


def test_replace_mode_on_volumes_and_its_undo(db: SqlStore) -> None:
    rows0 = _volume_rows(db)
    plan = _plan(db, db, VOL_HEADER + NEW_MONTH, mode="replace")
    assert plan.ok, plan.issues
    assert plan.diff is not None and plan.diff.rows_after == 1
    db.apply(plan)
    assert len(_dataset(db).volumes) == 1
    db.undo("tester")
    assert _volume_rows(db) == rows0


def test_history_frame_is_the_same_table_as_for_files(db: SqlStore) -> None:
    db.apply(_plan(db, db, VOL_HEADER + NEW_MONTH))
    frame = store.entries_frame(db.history(), "zh")
    assert list(frame.columns) == list(store.entries_frame([], "zh").columns)
    assert len(frame) == 1


def test_command_line_import_history_undo_on_the_database(db: SqlStore, tmp_path: Path,
                                                          capsys) -> None:
    from zones.cli.main import main

    url = db.engine.url.render_as_string(hide_password=False)
    upload = tmp_path / "月报.csv"
    upload.write_text(VOL_HEADER + NEW_MONTH, encoding="gbk")
    rows0 = _volume_rows(db)
    assert main(["import", str(upload), "--table", "export_volumes", "--url", url,
                 "--lang", "en", "--user", "li"]) == 0
    assert "2013-01" in _dataset(db).volumes.periods()
    assert main(["history", "--url", url, "--lang", "zh"]) == 0
    assert "月报.csv" in capsys.readouterr().out
    assert main(["undo", "--url", url, "--lang", "en"]) == 0
    assert _volume_rows(db) == rows0
    assert main(["undo", "--url", url, "--lang", "en"]) == 1  # nothing left to undo
    bad = tmp_path / "bad.csv"
    bad.write_text(VOL_HEADER + "2013-13,dehui-poultry,poultry_meat,JPN,1,1,1\n",
                   encoding="utf-8")
    assert main(["import", str(bad), "--table", "export_volumes", "--url", url,
                 "--lang", "en"]) == 1
    assert "bad.csv:2:" in capsys.readouterr().out
    assert _volume_rows(db) == rows0
