"""Customs statistics exports (#17): zones/customs.py, zones/attribution.py,
zones/consignments.py and their call sites in the import, the store, the CLI and SQL.

The example in docs/examples/customs_export_gbk.csv is read as CSV (GBK and UTF-8) and as
XLSX, imported into a copy of the data (files and PostgreSQL), and the rows it leaves
without a consignment count stay "not given" through loading, the metrics and the tables.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from zones import consignments, metrics, tables
from zones.cli.main import main
from zones.dataset.columnar import compact
from zones.dataset.filters import FilterState, apply_filters
from zones.dataset.loading import CsvSource, load
from zones.intake import store
from zones.intake.pipeline import parse_upload
from zones.model import Dataset

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "customs_export_gbk.csv"
HEADER = ("数据年月,商品编码,商品名称,贸易伙伴编码,贸易伙伴名称,注册地编码,注册地名称,"
          "第一数量,第一计量单位,第二数量,第二计量单位,美元\n")
# What the example must give: period, zone, product, destination, tonnes, USD.
EXPECTED = [
    ("2010-07", "dehui-poultry", "poultry_meat", "JPN", "186.5", "623500"),
    ("2010-07", "dehui-poultry", "poultry_meat", "KOR", "95.2", "301200"),
    ("2010-07", "fusong-ginseng", "ginseng", "JPN", "12.5", "412000"),
    ("2010-08", "jian-ginseng", "ginseng", "KOR", "8.3", "268400"),
    ("2010-08", "fuyu-peanut", "peanut", "CAN", "40", "52600"),
    ("2010-08", "wangqing-fungus", "black_fungus", "JPN", "6.2", "93100"),
    ("2010-09", "dehui-poultry", "poultry_meat", "JPN", "201.3", "671800"),
    ("2010-09", "longjing-vegetables", "chinese_cabbage", "KOR", "52", "15600"),
    ("2010-09", "shulan-rice", "rice", "JPN", "120", "98400"),
    ("2010-09", "liuhe-raspberry", "raspberry", "USA", "3.1", "27900"),
]


def _rows(parsed) -> list[tuple[str, ...]]:
    cols = ["period", "zone_id", "product_id", "destination_iso3", "tonnes", "value_usd"]
    return [tuple(r) for r in parsed.frame[cols].astype(str).itertuples(index=False)]


def _located(parsed) -> list[tuple[int | None, str | None, str]]:
    return [(i.line, i.column, i.code) for i in parsed.issues]


def _parse(text: str, ds: Dataset, **kw):
    return parse_upload(text.encode("utf-8"), "customs.csv", "export_volumes", ds, **kw)


# ---------------------------------------------------------------- the example

def test_the_example_is_gbk_and_marked_invented() -> None:
    data = EXAMPLE.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    first = data.decode("gbk").splitlines()[0]
    assert "虚构" in first and "示例" in first


def test_the_example_reads_as_the_platform_wrote_it(dataset: Dataset) -> None:
    parsed = parse_upload(EXAMPLE.read_bytes(), EXAMPLE.name, "export_volumes", dataset)
    assert parsed.ok, _located(parsed)
    assert parsed.encoding == "gb18030"
    assert _rows(parsed) == EXPECTED
    assert parsed.frame["consignments"].isna().all()  # not given, not 0
    mapped = {(c.header, c.column) for c in parsed.columns}
    assert {("数据年月", "period"), ("商品编码", "product_id"),
            ("贸易伙伴名称", "destination_iso3"), ("第一数量", "tonnes"),
            ("第一计量单位", "tonnes"), ("注册地名称", "zone_id"), ("美元", "value_usd")} <= mapped
    assert {"贸易伙伴编码", "注册地编码", "第二数量", "第二计量单位"} <= set(parsed.unmatched)
    # every attribution is listed for the preview, with its row count
    got = {(a.place, a.product_id, a.zone_id, a.rows) for a in parsed.attributed}
    assert ("德惠市", "poultry_meat", "dehui-poultry", 2) in got
    assert ("长春市", "poultry_meat", "dehui-poultry", 1) in got  # a prefecture, one fit
    assert sum(a.rows for a in parsed.attributed) == len(EXPECTED)
    assert parsed.attributed[0].name("zh") == ("禽肉", "德惠禽肉")


def test_the_same_export_as_utf8_csv_and_as_xlsx_gives_the_same_rows(dataset: Dataset
                                                                      ) -> None:
    text = EXAMPLE.read_bytes().decode("gbk")
    utf8 = parse_upload(text.encode("utf-8-sig"), "c.csv", "export_volumes", dataset)
    assert utf8.ok and _rows(utf8) == EXPECTED
    wb = openpyxl.Workbook()
    ws = wb.active
    for i, row in enumerate(csv.reader(io.StringIO(text))):
        # the platform's XLSX keeps numbers as numbers: 201007, 186500
        ws.append([int(c) if i > 1 and c.isdigit() and j != 1 else (c or None)
                   for j, c in enumerate(row)])
    buf = io.BytesIO()
    wb.save(buf)
    xlsx = parse_upload(buf.getvalue(), "c.xlsx", "export_volumes", dataset)
    assert xlsx.ok, _located(xlsx)
    assert _rows(xlsx) == EXPECTED


def test_a_period_written_with_year_and_month_characters(dataset: Dataset) -> None:
    parsed = _parse(HEADER + "2010年07月,12112000,人参,116,日本,,抚松县,5,吨,,,1000\n", dataset)
    assert parsed.ok, _located(parsed)
    assert parsed.frame["period"].tolist() == ["2010-07"]


def test_hs10_codes_map_through_the_longest_prefix(dataset: Dataset) -> None:
    parsed = _parse(HEADER + "201007,0507901100,鹿茸,116,日本,,东丰县,5,千克,,,1000\n", dataset)
    assert parsed.ok, _located(parsed)
    assert parsed.frame[["product_id", "zone_id", "tonnes"]].values.tolist() == [
        ["deer_products", "dongfeng-deer", "0.005"]]


# ---------------------------------------------------------------- refused, with the line

@pytest.mark.parametrize(("unit", "code"), [("箱", "import_customs_unit"),
                                            ("个", "import_customs_unit"),
                                            ("升", "import_customs_unit")])
def test_a_unit_that_is_not_a_weight_is_refused_on_its_line(dataset: Dataset, unit: str,
                                                            code: str) -> None:
    parsed = _parse(HEADER + "201007,12112000,人参,116,日本,,抚松县,5,吨,,,1000\n"
                    f"201008,12112000,人参,116,日本,,抚松县,5,{unit},,,1000\n", dataset)
    assert _located(parsed) == [(3, "第一计量单位", code)]
    zh, en = parsed.issues[0].message("zh"), parsed.issues[0].message("en")
    assert f"“{unit}”" in zh and "千克、吨" in zh
    assert f"'{unit}'" in en and "kilograms" in en


def test_a_quantity_without_its_unit_is_refused(dataset: Dataset) -> None:
    parsed = _parse(HEADER + "201007,12112000,人参,116,日本,,抚松县,5,,,,1000\n", dataset)
    assert _located(parsed) == [(2, "第一数量", "import_customs_no_unit")]


def test_values_in_rmb_only_are_refused_never_converted(dataset: Dataset) -> None:
    text = HEADER.replace("美元", "人民币") + "201007,12112000,人参,116,日本,,抚松县,5,吨,,,1000\n"
    parsed = _parse(text, dataset)
    assert _located(parsed) == [(1, "人民币", "import_customs_rmb")]
    assert "汇率" in parsed.issues[0].message("zh")
    assert "exchange rate" in parsed.issues[0].message("en")


def test_rmb_beside_usd_is_left_out(dataset: Dataset) -> None:
    text = (HEADER.replace("美元\n", "美元,人民币\n")
            + "201007,12112000,人参,116,日本,,抚松县,5,吨,,,1000,6800\n")
    parsed = _parse(text, dataset)
    assert parsed.ok, _located(parsed)
    assert parsed.frame["value_usd"].tolist() == ["1000"]
    assert "人民币" in parsed.unmatched


def test_a_weight_column_with_its_own_unit_ignores_the_unit_column(dataset: Dataset) -> None:
    text = ("数据年月,商品编码,贸易伙伴名称,注册地名称,重量（千克）,第一计量单位,美元\n"
            "201007,12112000,日本,抚松县,5000,个,1000\n")
    parsed = _parse(text, dataset)
    assert parsed.ok, _located(parsed)
    assert parsed.frame["tonnes"].tolist() == ["5"]
    assert "第一计量单位" in parsed.unmatched
    assert [c.header for c in parsed.columns if c.column == "tonnes"] == ["重量（千克）"]


def test_a_bad_period_is_refused(dataset: Dataset) -> None:
    parsed = _parse(HEADER + "201013,12112000,人参,116,日本,,抚松县,5,吨,,,1000\n", dataset)
    assert _located(parsed) == [(2, "数据年月", "import_bad_month")]


# ---------------------------------------------------------------- zone attribution

AMBIGUOUS = HEADER + "201007,12112000,人参,116,日本,220600,白山市,5.2,吨,,,150000\n"


def test_a_place_and_product_that_fit_several_zones_are_refused_with_both(
        dataset: Dataset) -> None:
    parsed = _parse(AMBIGUOUS, dataset)
    assert _located(parsed) == [(2, "注册地名称", "import_zone_several")]
    zh, en = parsed.issues[0].message("zh"), parsed.issues[0].message("en")
    assert "抚松人参（示意）、靖宇人参（示意）" in zh and "示范区" in zh and "--zone" in zh
    assert "Fusong ginseng (illus.), Jingyu ginseng (illus.)" in en and "--zone" in en
    assert "集安" not in zh  # 集安 is in 通化, not 白山


def test_a_place_without_a_zone_for_the_product_names_the_zones_that_make_it(
        dataset: Dataset) -> None:
    parsed = _parse(HEADER + "201007,12112000,人参,116,日本,,长春市,5,吨,,,1000\n", dataset)
    assert _located(parsed) == [(2, "注册地名称", "import_zone_none")]
    assert "集安人参（示意）" in parsed.issues[0].message("zh")


def test_a_place_outside_jilin_is_refused(dataset: Dataset) -> None:
    parsed = _parse(HEADER + "201007,12112000,人参,116,日本,,上海市,5,吨,,,1000\n", dataset)
    assert _located(parsed) == [(2, "注册地名称", "import_zone_unknown")]


def test_a_blank_zone_cell_with_a_place_gets_one_message(dataset: Dataset) -> None:
    text = ("示范区," + HEADER + "靖宇人参,201007,12112000,人参,116,日本,,白山市,5,吨,,,1\n"
            ",201007,12112000,人参,133,韩国,,白山市,5,吨,,,1\n")
    assert _located(_parse(text, dataset)) == [(3, "注册地名称", "import_zone_several")]


def test_a_zone_column_wins_over_the_place(dataset: Dataset) -> None:
    text = ("示范区," + HEADER + "靖宇人参,201007,12112000,人参,116,日本,,白山市,5,吨,,,1\n"
            ",201007,12112000,人参,133,韩国,,抚松县,5,吨,,,1\n")
    parsed = _parse(text, dataset)
    assert parsed.ok, _located(parsed)
    assert parsed.frame["zone_id"].tolist() == ["jingyu-ginseng", "fusong-ginseng"]


def test_one_zone_for_the_whole_file(dataset: Dataset) -> None:
    parsed = _parse(AMBIGUOUS, dataset, zone="靖宇人参")
    assert parsed.ok, _located(parsed)
    assert parsed.frame["zone_id"].tolist() == ["jingyu-ginseng"]
    assert any(c.note_key == "import.note.zone_for_file" for c in parsed.columns)
    wrong = _parse(AMBIGUOUS, dataset, zone="no-such-zone")
    assert [i.code for i in wrong.issues] == ["import_unknown_zone"]
    # the chosen zone must make the product: the usual check says so
    other = _parse(AMBIGUOUS, dataset, zone="dehui-poultry")
    assert [i.code for i in other.issues] == ["product_not_made"]


# ---------------------------------------------------------------- the store, the CLI

def _import(root: Path, data: bytes, name: str, zone: str | None = None) -> store.Plan:
    ds = load(CsvSource(root)).dataset
    assert ds is not None
    from zones.intake.templates import read_upload

    plan = store.plan_import(read_upload(data, name, "export_volumes", ds, zone=zone),
                             "upsert", root, "tester")
    assert plan.ok, plan.issues
    return plan


def test_imported_rows_keep_consignments_not_given(data_copy: Path) -> None:
    store.apply(_import(data_copy, EXAMPLE.read_bytes(), EXAMPLE.name))
    result = load(CsvSource(data_copy))
    assert result.ok, result.issues
    ds = result.dataset
    vol = ds.volumes
    imported = vol[vol["source"] == "imported"]
    assert len(imported) == len(EXPECTED)
    assert imported["consignments"].isna().all()
    assert vol.loc[vol["source"] != "imported", "consignments"].notna().all()
    for form in (ds, compact(ds)):  # the columnar engine keeps the gap too
        view = apply_filters(form, FilterState(products=("ginseng",), destinations=("JPN",),
                                               period=("2010-07", "2010-07")))
        assert consignments.missing_rows(view.volumes) == 1
        labeled = metrics.label_volumes(form, view.volumes, "zh")
        ranked = metrics.ranking(labeled, "zone", "consignments")
        fusong = ranked[ranked["zone"] == "抚松人参出口示范区（示意）"]
        assert len(fusong) == 1 and fusong["consignments"].isna().all()  # not 0
        shown = tables.display_table(ranked, "zh")
        assert "未填报" in shown["批次"].tolist()
        assert "1 行未填报批次" in consignments.note(view.volumes, "zh")
        tonnes = metrics.ranking(labeled, "zone", "tonnes")
        mine = tonnes["zone"] == "抚松人参出口示范区（示意）"
        assert float(tonnes.loc[mine, "tonnes"].iloc[0]) == 12.5
    # undo puts the counts back
    store.undo(data_copy, "tester")
    assert load(CsvSource(data_copy)).dataset.volumes["consignments"].notna().all()


def test_cli_dry_run_lists_the_attributions_and_refuses_the_ambiguous_row(
        data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--table", "export_volumes", "--data-dir", str(data_copy), "--dry-run"]
    assert main(["import", str(EXAMPLE), *args]) == 0
    out = capsys.readouterr().out
    assert "示范区归属" in out and "德惠市 + 禽肉 → 德惠禽肉（2 行）" in out
    amb = tmp_path / "baishan.csv"
    amb.write_bytes(AMBIGUOUS.encode("gbk"))
    assert main(["import", str(amb), *args, "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "baishan.csv:2:" in out and "Fusong ginseng (illus.), Jingyu ginseng (illus.)" in out
    assert main(["import", str(amb), *args, "--lang", "en", "--zone", "fusong-ginseng"]) == 0
    assert "Valid (dry run" in capsys.readouterr().out


def test_sql_store_takes_a_customs_import_with_null_consignments(loaded_db) -> None:
    from zones.dataset.loading import DATA_DIR
    from zones.sql.read import load_sql
    from zones.sql.schema import engine_from_url
    from zones.sql.store import SqlStore

    engine = engine_from_url(loaded_db("customs"))
    try:
        with engine.begin() as conn:  # as a database loaded before #17 has it
            conn.exec_driver_sql("ALTER TABLE export_volumes ALTER COLUMN consignments "
                                 "SET NOT NULL")
        target = SqlStore(engine)
        ds = load_sql(engine, DATA_DIR).dataset
        parsed = parse_upload(EXAMPLE.read_bytes(), EXAMPLE.name, "export_volumes", ds)
        plan = target.plan_import(parsed, "upsert", "tester")
        assert plan.ok, plan.issues
        target.apply(plan)
        with engine.connect() as conn:
            nulls = conn.exec_driver_sql("SELECT count(*) FROM export_volumes WHERE "
                                         "consignments IS NULL").scalar()
            illustrative_nulls = conn.exec_driver_sql(
                "SELECT count(*) FROM export_volumes WHERE consignments IS NULL "
                "AND source <> 'imported'").scalar()
        assert (nulls, illustrative_nulls) == (len(EXPECTED), 0)
        ds = load_sql(engine, DATA_DIR).dataset
        view = apply_filters(ds, FilterState(products=("ginseng",), destinations=("JPN",),
                                             period=("2010-07", "2010-07")))
        assert consignments.missing_rows(view.volumes) == 1
        ranked = metrics.ranking(metrics.label_volumes(ds, view.volumes, "en"), "zone",
                                 "consignments")
        row = ranked[ranked["zone"] == "Fusong Ginseng Export Zone (illustrative)"]
        assert len(row) == 1 and row["consignments"].isna().all()
        assert consignments.missing_rows(apply_filters(ds, FilterState()).volumes) == 10
        target.undo("tester")
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM export_volumes WHERE "
                                        "consignments IS NULL").scalar() == 0
    finally:
        engine.dispose()


def test_bundled_numbers_unchanged_when_every_count_is_given(dataset: Dataset) -> None:
    """min_count=1 changes nothing when no count is missing: same sums, same dtypes."""
    labeled = metrics.label_volumes(dataset, dataset.volumes, "en")
    ranked = metrics.ranking(labeled, "product", "consignments")
    raw = dataset.volumes.groupby("product_id")["consignments"].sum()
    assert sorted(ranked["consignments"].tolist()) == sorted(raw.astype(float).tolist())
    assert consignments.missing_rows(dataset.volumes) == 0
    assert consignments.note(dataset.volumes, "en") is None
    table = tables.display_table(ranked, "en")
    assert pd.api.types.is_numeric_dtype(table["Consignments"])


def test_charts_and_the_deck_leave_out_counts_that_are_not_given(data_copy: Path) -> None:
    import datetime as dt

    from zones.brief.deck import BriefOptions, build_deck
    from zones.charts import plots as charts

    store.apply(_import(data_copy, EXAMPLE.read_bytes(), EXAMPLE.name))
    ds = load(CsvSource(data_copy)).dataset
    labeled = metrics.label_volumes(ds, ds.volumes, "en")
    series = metrics.timeseries(labeled, "product", "consignments", True)
    assert series["consignments"].isna().any()  # the imported groups: none given
    scale = charts.color_scale("product", labeled, metrics.product_palette(ds))
    spec = charts.timeseries_spec(series, "product", "consignments", True, "en", scale)
    drawn = spec["datasets"]["data"]
    assert len(drawn) and drawn["consignments"].notna().all()
    assert len(drawn) == int(series["consignments"].notna().sum())
    # tonnes are given on every row: the chart gets the very same table
    tonnes = metrics.timeseries(labeled, "product", "tonnes", True)
    assert consignments.given(tonnes, "tonnes") is tonnes
    deck = build_deck(ds, FilterState(), "en", dt.date(2026, 12, 3),
                      BriefOptions(measure="consignments"))
    subs = [s.subtitle for s in deck.slides if s.kind == "chart"]
    assert subs and all("10 row(s) do not give a count" in s for s in subs)
    plain_deck = build_deck(ds, FilterState(), "en", dt.date(2026, 12, 3))
    assert not any("do not give a count" in (s.subtitle or "") for s in plain_deck.slides)
