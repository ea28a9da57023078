"""Reading officers' files (zones/ingest.py, zones/parse.py, zones/lookup.py).

The corpus under tests/bad_inputs/import/ (cases.csv, written by make_corpus.py) holds
realistic files with their expected outcome; the very large and hostile ones are made by
the ``hostile`` fixture. One test runs them all: no exception escapes, accepted files give
exactly the expected rows, refused ones name the expected line and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zones.i18n import STRINGS
from zones.intake import headers, limits, vocabulary
from zones.intake import parsed as parsed_mod
from zones.intake.lookup import Lookups, load_countries
from zones.intake.parse import (
    ValueProblem,
    format_decimal,
    hs_digits,
    name_key,
    parse_month,
    parse_number,
)
from zones.intake.parsed import TABLES
from zones.intake.pipeline import parse_upload
from zones.model import Dataset

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "bad_inputs" / "import"
CASES = list(csv.DictReader((CORPUS / "cases.csv").open(encoding="utf-8")))


def _data_fingerprint() -> dict[str, str]:
    return {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((ROOT / "data").rglob("*")) if p.is_file()}


def _no_crash(parsed: parsed_mod.Parsed) -> None:
    assert not [i for i in parsed.issues if i.code == "unexpected"], parsed.issues
    for issue in parsed.issues:  # every message exists and formats in both languages
        assert f"err.{issue.code}" in STRINGS, issue.code
        for lang in ("zh", "en"):
            assert "{" not in issue.message(lang), (issue.code, issue.params)


# ---------------------------------------------------------------- the corpus

def test_the_corpus_is_big_enough() -> None:
    assert len(CASES) >= 40
    assert {c["outcome"] for c in CASES} == {"accepted", "refused"}
    for c in CASES:
        assert (CORPUS / c["file"]).exists(), c["file"]


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_corpus_file(case: dict[str, str], dataset: Dataset) -> None:
    data = (CORPUS / case["file"]).read_bytes()
    parsed = parse_upload(data, case["file"], case["table"], dataset,
                          sheet=case["sheet"] or None)
    _no_crash(parsed)
    assert parsed.sha256 == hashlib.sha256(data).hexdigest()
    if case["outcome"] == "accepted":
        assert parsed.ok, [(i.line, i.column, i.code, i.params) for i in parsed.issues]
        expected = pd.read_csv(CORPUS / "expected" / f"{case['file']}.csv", dtype="string",
                               keep_default_na=False).replace("", pd.NA)
        assert parsed.frame is not None
        assert list(parsed.frame.columns) == parsed_mod.model_columns(case["table"])
        assert all(str(t) == "string" for t in parsed.frame.dtypes)
        pd.testing.assert_frame_equal(parsed.frame.reset_index(drop=True),
                                      expected.astype("string"), check_dtype=False)
        assert len(parsed.lines) == len(parsed.frame)
        assert list(parsed.lines) == sorted(set(parsed.lines))
    else:
        assert not parsed.ok
        found = [(str(i.line or ""), i.column or "", i.code) for i in parsed.issues]
        assert (case["line"], case["column"], case["code"]) in found, found


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The files too big to commit: generated, each realistic in its way."""
    row = "2010-09,德惠禽肉,禽肉,日本,1,100,1\n"
    header = "月份,示范区,产品,目的国,重量（吨）,货值（美元）,批次\n"
    big = (header + row * (60 * 1024 * 1024 // len(row.encode()) + 1)).encode()
    wide = (",".join(f"列{i}" for i in range(10_000)) + "\n"
            + ",".join("1" for _ in range(10_000)) + "\n").encode()
    rows = header + "".join(f"{2000 + i // 12 % 90}-{i % 12 + 1:02d},德惠禽肉,禽肉,日本,1,100,1\n"
                            for i in range(limits.MAX_ROWS + 100))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        chunk = "<si><t>" + "A" * 1000 + "</t></si>"
        z.writestr("xl/sharedStrings.xml", "<sst>" + chunk * 200_000 + "</sst>")  # 200 MB
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["月份", "示范区"] + [None] * 9_997 + ["x"])
    wide_xlsx = io.BytesIO()
    book.save(wide_xlsx)
    book = openpyxl.Workbook()
    book.active.append(["月份", "示范区", "产品", "目的国", "重量（吨）", "货值（美元）", "批次"])
    book.active.cell(row=1_000_000, column=7, value=1)  # a stray value far below the table
    tall_xlsx = io.BytesIO()
    book.save(tall_xlsx)
    return {"sixty_mb.csv": big, "ten_thousand_columns.csv": wide,
            "ten_thousand_columns.xlsx": wide_xlsx.getvalue(),
            "stray_cell_row_1000000.xlsx": tall_xlsx.getvalue(),
            "too_many_rows.csv": rows.encode(), "shared_strings_bomb.xlsx": bomb.getvalue()}


@pytest.mark.parametrize(("name", "code", "line"), [
    ("sixty_mb.csv", "import_too_large", None),
    ("ten_thousand_columns.csv", "import_too_many_columns", 1),
    ("too_many_rows.csv", "import_too_many_rows", limits.MAX_ROWS + limits.HEADER_SEARCH_ROWS + 1),
    ("shared_strings_bomb.xlsx", "import_xlsx_too_large", None),
    ("ten_thousand_columns.xlsx", "import_too_many_columns", 1),
    ("stray_cell_row_1000000.xlsx", "import_sheet_too_large", None),
])
def test_hostile_files_are_refused_with_a_message(hostile: dict[str, bytes], name: str,
                                                  code: str, line: int | None,
                                                  dataset: Dataset) -> None:
    parsed = parse_upload(hostile[name], name, "export_volumes", dataset)
    _no_crash(parsed)
    assert [(i.code, i.line) for i in parsed.issues] == [(code, line)]
    assert parsed.frame is None


def test_the_whole_corpus_in_one_run(dataset: Dataset, hostile: dict[str, bytes]) -> None:
    """Every file, committed or generated: no exception escapes, each outcome is the one
    expected, and the data folder is byte-identical afterwards."""
    before = _data_fingerprint()
    outcomes = {"accepted": 0, "refused": 0}
    for case in CASES:
        parsed = parse_upload((CORPUS / case["file"]).read_bytes(), case["file"],
                              case["table"], dataset, sheet=case["sheet"] or None)
        _no_crash(parsed)
        assert parsed.ok == (case["outcome"] == "accepted"), case["file"]
        outcomes[case["outcome"]] += 1
    for name, data in hostile.items():
        parsed = parse_upload(data, name, "export_volumes", dataset)
        _no_crash(parsed)
        assert not parsed.ok and parsed.issues, name
        outcomes["refused"] += 1
    assert _data_fingerprint() == before
    assert sum(outcomes.values()) >= 40 and min(outcomes.values()) >= 20, outcomes


@pytest.mark.parametrize("table", TABLES)
def test_the_bundled_files_read_back_as_themselves(table: str, dataset: Dataset) -> None:
    """A downloaded table uploaded unchanged gives the same rows (source is ignored)."""
    path = ROOT / "data" / f"{table}.csv"
    parsed = parse_upload(path.read_bytes(), path.name, table, dataset)
    assert parsed.ok, parsed.issues[:5]
    expected = pd.read_csv(path, dtype="string", keep_default_na=False).replace("", pd.NA)
    expected = expected[parsed_mod.model_columns(table)]
    pd.testing.assert_frame_equal(parsed.frame, expected.astype("string"), check_dtype=False)
    assert "source" in parsed.ignored
    assert parsed.lines == tuple(range(2, len(expected) + 2))


@pytest.mark.parametrize("table", TABLES)
def test_unknown_tables_and_garbage_never_raise(table: str, dataset: Dataset) -> None:
    for data in (b"", b"\xff\xfe", b"PK\x03\x04", b"a,b\n\"unterminated", b"\x00" * 10):
        _no_crash(parse_upload(data, "x.csv", table, dataset))
    assert not parse_upload(b"a\n1\n", "x.csv", "facts", dataset).ok


# ---------------------------------------------------------------- what the officer sees

def test_the_gbk_file_reports_mapping_units_and_skipped_lines(dataset: Dataset) -> None:
    parsed = parse_upload((CORPUS / "gbk_title_units_total.csv").read_bytes(), "f.csv",
                          "export_volumes", dataset)
    assert parsed.encoding == "gb18030"
    assert parsed.header_lines == (3,)
    assert parsed.lines == (4, 5, 6)
    cols = {(c.header, c.column, c.factor, c.note_key) for c in parsed.columns}
    assert ("数量（千克）", "tonnes", 0.001, "import.note.kg") in cols
    assert ("货值（万美元）", "value_usd", 10000.0, "import.note.wan_usd") in cols
    assert ("商品名称", "product_id", 1.0, "import.note.alternate") in cols
    assert parsed.ignored == ("序号",)
    reasons = [(s.line, s.reason) for s in parsed.skipped]
    assert reasons == [(1, "import.skip.title"), (2, "import.skip.unit"),
                       (7, "import.skip.total"), (8, "import.skip.blank"),
                       (9, "import.skip.note")]
    for s in parsed.skipped:
        assert s.reason in STRINGS
    for c in parsed.columns:
        assert not c.note_key or c.note_key in STRINGS


def test_a_new_destination_is_exposed_for_the_store(dataset: Dataset) -> None:
    parsed = parse_upload((CORPUS / "new_destination.csv").read_bytes(), "f.csv",
                          "export_volumes", dataset)
    assert parsed.new_destinations is not None
    assert parsed.new_destinations.to_dict("records") == [
        {"iso3": "VNM", "name_zh": "越南", "name_en": "Vietnam"}]
    known = parse_upload((CORPUS / "canonical.csv").read_bytes(), "f.csv", "export_volumes",
                         dataset)
    assert known.new_destinations is None


def test_two_row_header_is_named_as_written(dataset: Dataset) -> None:
    parsed = parse_upload((CORPUS / "two_row_merged_header.xlsx").read_bytes(), "f.xlsx",
                          "export_volumes", dataset)
    assert parsed.sheet == "Sheet"
    assert parsed.header_lines == (2, 3)
    assert {c.header for c in parsed.columns} >= {"出口情况 重量（吨）", "月份"}
    assert [(s.line, s.reason) for s in parsed.skipped][:2] == [
        (1, "import.skip.title"), (3, "import.skip.header")]


def test_unknown_sheet_lists_the_sheets(dataset: Dataset) -> None:
    parsed = parse_upload((CORPUS / "unknown_sheet.xlsx").read_bytes(), "f.xlsx",
                          "export_volumes", dataset, sheet="Sheet9")
    assert "说明" in parsed.issues[0].message("en") and "数据" in parsed.issues[0].message("zh")


def test_derived_columns_are_said(dataset: Dataset) -> None:
    parsed = parse_upload((CORPUS / "zones_register_no_coords.csv").read_bytes(), "f.csv",
                          "zones", dataset)
    derived = {(c.column, c.note_key) for c in parsed.columns if not c.header}
    assert ("zone_id", "import.note.id_from_name") in derived
    assert ("lon", "import.note.point_from_county") in derived


def test_limits_are_constants_with_clear_messages(dataset: Dataset) -> None:
    parsed = parse_upload(b"x" * (limits.MAX_BYTES + 1), "big.csv", "zones", dataset)
    assert parsed.issues[0].code == "import_too_large"
    assert "20.0 MB" in parsed.issues[0].message("en")


# ---------------------------------------------------------------- numbers

@pytest.mark.parametrize(("cell", "expected"), [
    ("1,234.5", "1234.5"), ("1.2万", "12000"), ("１２３", "123"), ("1.5E+03", "1500"),
    (" 42 ", "42"), ("0.50", "0.5"), (1234, "1234"), (12.300000000000001, "12.3"),
    ("3亿", "300000000"), ("(1,000)", "-1000"), ("$1,000", "1000"), ("１，２３４．５", "1234.5"),
    ("−5", "-5"), (Decimal("2.50"), "2.5"),
])
def test_parse_number(cell: object, expected: str) -> None:
    number = parse_number(cell)
    assert number is not None and format_decimal(number) == expected


@pytest.mark.parametrize("cell", ["", "-", "—", "/", "无", None, float("nan"), "  "])
def test_parse_number_empty(cell: object) -> None:
    assert parse_number(cell) is None


@pytest.mark.parametrize(("cell", "code"), [
    ("约500", "not_number"), ("1,5", "import_ambiguous_number"),
    ("12,34,5", "import_ambiguous_number"),
    ("abc", "not_number"), ("1e400", "import_number_too_large"), (float("inf"), "not_number"),
    (True, "not_number"), ("1.2.3", "not_number"),
])
def test_parse_number_refuses(cell: object, code: str) -> None:
    with pytest.raises(ValueProblem) as exc:
        parse_number(cell)
    assert exc.value.code == code


@given(st.decimals(min_value=0, max_value=Decimal("1e12"), places=4, allow_nan=False))
def test_numbers_round_trip_in_every_spelling(value: Decimal) -> None:
    canonical = format_decimal(value)
    assert Decimal(canonical) == value
    assert "e" not in canonical.lower()
    assert parse_number(canonical) == value
    assert parse_number(f"{value:,}") == value  # thousands separators
    full = canonical.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789."})
    assert parse_number(full) == value  # full-width digits
    assert parse_number(f"{format_decimal(value / 10000)}万") == value


@given(st.text(max_size=30))
def test_parse_number_never_raises_anything_but_a_value_problem(text: str) -> None:
    try:
        result = parse_number(text)
    except ValueProblem:
        return
    assert result is None or result.is_finite()


# ---------------------------------------------------------------- months

@pytest.mark.parametrize(("cell", "expected"), [
    ("2010-09", "2010-09"), ("2010/9", "2010-09"), ("2010年9月", "2010-09"),
    ("201009", "2010-09"), ("2010.09", "2010-09"), ("2010.10", "2010-10"),
    ("2010-9-30", "2010-09"), ("2010/09/01 00:00:00", "2010-09"), ("30/9/2010", "2010-09"),
    ("9/30/2010", "2010-09"), ("09/2010", "2010-09"), ("Sep 2010", "2010-09"),
    ("september-2010", "2010-09"), ("2010 Sep", "2010-09"), ("2010年九月", "2010-09"),
    ("２０１０年９月", "2010-09"), ("40422", "2010-09"), (40422, "2010-09"),
    (201009, "2010-09"), (dt.datetime(2010, 9, 15), "2010-09"), (dt.date(2010, 9, 1), "2010-09"),
    (2010.09, "2010-09"), (2010.12, "2010-12"), ("2010年9月份", "2010-09"), ("5/5/2010", "2010-05"),
])
def test_parse_month(cell: object, expected: str) -> None:
    assert parse_month(cell) == expected


@pytest.mark.parametrize(("cell", "code"), [
    ("3/9/2010", "import_ambiguous_month"), ("2010.1", "import_ambiguous_month"),
    (2010.1, "import_ambiguous_month"), ("Sep-10", "import_ambiguous_month"),
    ("9/10", "import_month_no_year"), ("10年9月", "import_month_no_year"),
    ("9", "import_month_no_year"), ("9月", "import_month_no_year"), (9, "import_month_no_year"),
    ("九月", "import_month_no_year"),
    ("2010-13", "import_bad_month"), ("20109", "import_bad_month"), ("2010Q3", "import_bad_month"),
    ("1850-01", "import_bad_month"), ("hello", "import_bad_month"), (True, "import_bad_month"),
])
def test_parse_month_refuses(cell: object, code: str) -> None:
    with pytest.raises(ValueProblem) as exc:
        parse_month(cell)
    assert exc.value.code == code
    if code == "import_ambiguous_month":
        assert " / " in exc.value.params["options"]


@given(st.integers(1950, 2099), st.integers(1, 12), st.integers(1, 28))
def test_every_spelling_of_a_month_gives_the_same_month(year: int, month: int, day: int) -> None:
    want = f"{year:04d}-{month:02d}"
    spellings = [want, f"{year}/{month}", f"{year}年{month}月", f"{year}{month:02d}",
                 f"{year}-{month}-{day}", dt.date(year, month, day),
                 dt.datetime(year, month, day), year * 100 + month,
                 f"{year}年{month}月{day}日"]
    if day > 12:  # unambiguous day/month orders
        spellings += [f"{day}/{month}/{year}", f"{month}/{day}/{year}"]
    if year >= 1990:  # an Excel serial date written as text (earlier: not taken as a date)
        spellings.append(str((dt.date(year, month, day) - dt.date(1899, 12, 30)).days))
    for s in spellings:
        assert parse_month(s) == want, s


@given(st.integers(1950, 2099), st.integers(1, 12), st.integers(1, 12))
def test_day_month_orders_that_differ_are_refused(year: int, a: int, b: int) -> None:
    text = f"{a}/{b}/{year}"
    if a == b:
        assert parse_month(text) == f"{year:04d}-{a:02d}"
    else:
        with pytest.raises(ValueProblem):
            parse_month(text)


@given(st.one_of(st.text(max_size=20), st.integers(), st.floats()))
def test_parse_month_returns_a_month_or_a_problem(value: object) -> None:
    try:
        result = parse_month(value)
    except ValueProblem:
        return
    assert result is None or (len(result) == 7 and result[4] == "-")


# ---------------------------------------------------------------- names

@pytest.fixture(scope="module")
def lookups(dataset: Dataset) -> Lookups:
    return Lookups(dataset)


def _variants(draw: st.DrawFn, name: str) -> str:
    """The same name as an officer may type it: case, spaces, full width."""
    out = name
    if draw(st.booleans()):
        out = out.upper() if draw(st.booleans()) else out.lower()
    if draw(st.booleans()):
        out = out.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    if draw(st.booleans()):
        out = f"  {out} "
    return out


@given(st.data())
def test_every_zone_name_finds_its_zone(lookups: Lookups, dataset: Dataset,
                                        data: st.DataObject) -> None:
    row = dataset.zones.iloc[data.draw(st.integers(0, len(dataset.zones) - 1))]
    col = data.draw(st.sampled_from(["zone_id", "name_zh", "name_en", "short_zh", "short_en"]))
    assert lookups.zone(_variants(data.draw, str(row[col]))) == row["zone_id"]


@given(st.data())
def test_every_product_name_and_hs_code_finds_its_product(lookups: Lookups, dataset: Dataset,
                                                          data: st.DataObject) -> None:
    row = dataset.products.iloc[data.draw(st.integers(0, len(dataset.products) - 1))]
    col = data.draw(st.sampled_from(["product_id", "name_zh", "name_en", "hs_codes"]))
    value = str(row[col]).split(";")[0]
    if col == "hs_codes":
        value += data.draw(st.sampled_from(["", "00", "9090"]))[: max(0, 10 - len(value))]
    assert lookups.product(_variants(data.draw, value)) == row["product_id"]


@given(st.data())
def test_every_country_name_finds_its_country(lookups: Lookups, data: st.DataObject) -> None:
    countries = list(load_countries().values())
    country = countries[data.draw(st.integers(0, len(countries) - 1))]
    value = data.draw(st.sampled_from([country.iso3, country.iso2, country.name_zh,
                                       country.name_en]))
    assert lookups.country(_variants(data.draw, value)).iso3 == country.iso3


@given(st.text(max_size=20))
def test_lookups_answer_or_refuse(lookups: Lookups, text: str) -> None:
    for find in (lookups.zone, lookups.product, lookups.country, lookups.county):
        try:
            find(text)
        except ValueProblem as problem:
            assert f"err.{problem.code}" in STRINGS


@pytest.mark.parametrize(("name", "iso3"), [
    ("韩国", "KOR"), ("美国", "USA"), ("俄罗斯", "RUS"), ("中国香港", "HKG"), ("朝鲜", "PRK"),
    ("北朝鲜", "PRK"), ("英国", "GBR"), ("UK", "GBR"), ("蒙古", "MNG"), ("蒙古国", "MNG"),
    ("刚果（金）", "COD"), ("刚果（布）", "COG"), ("Republic of Korea", "KOR"), ("kor", "KOR"),
    ("Viet Nam", "VNM"), ("越南", "VNM"), ("Russia", "RUS"), ("United States of America", "USA"),
    ("133 韩国", "KOR"), ("日本(116)", "JPN"), ("116日本", "JPN"),
])
def test_everyday_country_names(lookups: Lookups, name: str, iso3: str) -> None:
    assert lookups.country(name).iso3 == iso3


@pytest.mark.parametrize(("name", "adcode"), [
    ("德惠市", "220183"), ("德惠", "220183"), ("220183", "220183"), ("Dehui City", "220183"),
    ("长春市德惠市", "220183"), ("220183000000", "220183"), ("抚松县", "220621"),
])
def test_counties(lookups: Lookups, name: str, adcode: str) -> None:
    assert lookups.county(name) == adcode


@pytest.mark.parametrize(("cell", "digits"), [
    ("1211.20", "121120"), ("12112000", "12112000"), ("810.2", "081020"), (810.2, "081020"),
    ("0207", "0207"), (207, "0207"), ("2071411", "02071411"), ("0207.14.11", "02071411"),
    ("abc", None), ("12", None), ("12345678901", None),
])
def test_hs_digits(cell: object, digits: str | None) -> None:
    assert hs_digits(cell) == digits


@given(st.text(max_size=15))
def test_name_key_ignores_width_case_and_spaces(text: str) -> None:
    assert name_key(text) == name_key(name_key(text))
    assert name_key(text.upper()) == name_key(text.lower()) or not text.isascii()
    assert name_key(f"  {text}\u3000") == name_key(text)


# ---------------------------------------------------------------- reference data

def test_countries_csv_is_what_the_script_builds() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_countries",
                                                  ROOT / "scripts" / "build_countries.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.build()
    with (ROOT / "data" / "reference" / "countries.csv").open(encoding="utf-8") as fh:
        assert list(csv.DictReader(fh)) == rows


def test_countries_on_the_map_are_in_the_boundary_file(dataset: Dataset) -> None:
    world = {f["properties"]["iso3"] for f in dataset.geo.world["features"]}
    countries = load_countries()
    assert {c.iso3 for c in countries.values() if c.on_map} <= world
    assert set(dataset.destinations["iso3"]) <= set(countries)
    assert {"HKG", "MAC", "TWN"} <= {c.iso3 for c in countries.values() if not c.on_map}


def test_every_header_synonym_maps_to_its_column() -> None:
    for table, columns in vocabulary.HEADERS.items():
        for column, names in columns.items():
            for name in names:
                cell = headers._match_header(name, table, {"mass": "t", "usd": "美元"})
                assert cell is not None and cell.column == column, (table, name)


def test_example_gbk_export_records_are_valid(dataset: Dataset) -> None:
    path = ROOT / "docs" / "examples" / "export_records_gbk.csv"
    data = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    parsed = parse_upload(data, path.name, "export_volumes", dataset)
    assert parsed.ok, [(i.line, i.column, i.code, i.params) for i in parsed.issues][:5]
    assert parsed.encoding == "gb18030"
    assert parsed.new_destinations is None
    assert len(parsed.frame) >= 20
    assert any(c.note_key == "import.note.wan_usd" for c in parsed.columns)
    assert any(c.note_key == "import.note.kg" for c in parsed.columns)


# ---------------------------------------------------------------- against the validator

def _merged_issues(parsed: parsed_mod.Parsed) -> list[tuple[object, ...]]:
    """Upsert the parsed rows into the bundled tables and run the app's own validator."""
    from zones.dataset.loading import CsvSource
    from zones.dataset.validation import validate_frames
    from zones.model import FILES

    source = CsvSource()
    raw, _ = source.read_tables()
    geo, _ = source.read_geo()

    def upsert(table: str, rows: pd.DataFrame) -> None:
        name = f"{table}.csv"
        spec = FILES[name]
        key = list(spec.key) or [next(c.name for c in spec.columns if c.unique)]
        new = rows.copy().fillna("")
        new["source"] = "imported"  # as the store writes it (an empty consignment count,
        if "fact_id" in spec.column_names:  # "not given", is allowed on imported rows only)
            new["fact_id"] = ""
        old = raw[name]
        keys = set(map(tuple, new[key].astype(str).values))
        keep = old[[tuple(r) not in keys for r in old[key].astype(str).values]]
        raw[name] = pd.concat([keep, new[spec.column_names]], ignore_index=True).astype("string")

    if parsed.new_destinations is not None:
        upsert("destinations", parsed.new_destinations)
    upsert(parsed.table, parsed.frame)
    _, issues = validate_frames(raw, geo["counties"], geo["world"])
    return [(i.file, i.line, i.column, i.code, i.params) for i in issues]


ACCEPTED = [c for c in CASES if c["outcome"] == "accepted"]


@pytest.mark.parametrize("case", ACCEPTED, ids=[c["file"] for c in ACCEPTED])
def test_accepted_files_pass_the_validator_once_merged(case: dict[str, str],
                                                       dataset: Dataset) -> None:
    parsed = parse_upload((CORPUS / case["file"]).read_bytes(), case["file"], case["table"],
                          dataset, sheet=case["sheet"] or None)
    assert parsed.ok
    assert _merged_issues(parsed) == []


def test_the_example_passes_the_validator_once_merged(dataset: Dataset) -> None:
    path = ROOT / "docs" / "examples" / "export_records_gbk.csv"
    parsed = parse_upload(path.read_bytes(), path.name, "export_volumes", dataset)
    assert _merged_issues(parsed) == []


def test_names_read_as_ids_are_listed_for_the_preview(dataset: Dataset) -> None:
    parsed = parse_upload((CORPUS / "country_forms.csv").read_bytes(), "f.csv",
                          "export_volumes", dataset)
    seen = {(v.header, v.written, v.value) for v in parsed.values}
    assert ("国家（地区）", "南韩", "KOR") in seen
    assert ("示范区", "德惠禽肉", "dehui-poultry") in seen
    assert not any(v.written == "KOR" for v in parsed.values)  # unchanged: not listed


def test_progress_is_reported(dataset: Dataset) -> None:
    seen: list[float] = []
    parse_upload((ROOT / "data" / "export_volumes.csv").read_bytes(), "v.csv",
                 "export_volumes", dataset, progress=seen.append)
    assert seen[0] == 0 and seen[-1] == 1.0 and seen == sorted(seen) and len(seen) > 10


def test_a_table_that_starts_lower_on_the_sheet_keeps_excel_line_numbers(
        dataset: Dataset) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for col, text in enumerate(["月份", "示范区", "产品", "目的国", "重量（吨）", "货值（美元）",
                                "批次"], start=3):
        ws.cell(row=5, column=col, value=text)
    for col, value in enumerate(["2010-09", "德惠禽肉", "禽肉", "火星", 1, 2, 3], start=3):
        ws.cell(row=6, column=col, value=value)
    buf = io.BytesIO()
    wb.save(buf)
    parsed = parse_upload(buf.getvalue(), "o.xlsx", "export_volumes", dataset)
    assert parsed.header_lines == (5,)
    assert [(i.line, i.column, i.code) for i in parsed.issues] == [
        (6, "目的国", "import_unknown_country")]


def test_a_county_with_two_zones_is_not_a_zone_name(dataset: Dataset) -> None:
    import dataclasses

    zones = dataset.zones.copy()
    zones.loc[zones["zone_id"] == "fusong-ginseng", ["county_adcode", "county_zh", "county_en"]] = (
        zones.loc[zones["zone_id"] == "dehui-poultry", ["county_adcode", "county_zh",
                                                        "county_en"]].values)
    lk = Lookups(dataclasses.replace(dataset, zones=zones))
    with pytest.raises(ValueProblem) as exc:
        lk.zone("德惠市")
    assert exc.value.code == "import_ambiguous_name"
    assert "dehui-poultry" in exc.value.params["options"]
    assert lk.zone("德惠禽肉") == "dehui-poultry"
