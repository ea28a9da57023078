"""Loading and validating the data files: the bundled data is clean, bad data is reported.

Each case of the corpus corrupts one thing in a scratch copy of ``data/`` and asserts
the exact (file, line, column, code) of the issue it must produce. Lines count the
header as line 1, as in a text editor.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from zones.dataset.loading import CsvSource, load, read_csv_text
from zones.dataset.validation import Issue

Key = tuple[str, int | None, str | None, str]
REPR_NOISE = ("<NA>", "nan", "None", "NaT", "{", "}", "dtype", "Series", "object at", "\\x")


# -- helpers that corrupt a file in the scratch copy ---------------------------------

def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def set_cell(file: str, line: int, column: str, value: str) -> Callable[[Path], None]:
    """Set one cell; ``line`` is the 1-based line number (the header is line 1)."""

    def mutate(root: Path) -> None:
        rows = read_rows(root / file)
        rows[line - 1][rows[0].index(column)] = value
        write_rows(root / file, rows)

    return mutate


def drop_column(file: str, column: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        rows = read_rows(root / file)
        i = rows[0].index(column)
        write_rows(root / file, [r[:i] + r[i + 1:] for r in rows])

    return mutate


def append_line(file: str, text: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        with (root / file).open("a", encoding="utf-8", newline="") as fh:
            fh.write(text + "\n")

    return mutate


def duplicate_line(file: str, line: int) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        rows = read_rows(root / file)
        write_rows(root / file, [*rows, rows[line - 1]])

    return mutate


def delete(file: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        (root / file).unlink()

    return mutate


def write_bytes(file: str, data: bytes) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        (root / file).write_bytes(data)

    return mutate


def to_gbk(file: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        text = (root / file).read_text(encoding="utf-8")
        (root / file).write_bytes(text.encode("gbk"))

    return mutate


def keys(issues: tuple[Issue, ...]) -> list[Key]:
    return [(i.file, i.line, i.column, i.code) for i in issues]


def hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# Line numbers below: zones.csv line 2 is dehui-poultry (the report zone), line 3
# fusong-ginseng (illustrative); export_volumes.csv line 2 is 2008-01 dehui-poultry
# poultry_meat JPN; destinations.csv has 10 rows (lines 2-11); export_volumes.csv has
# 4176 rows (lines 2-4177).
CORPUS: list[tuple[str, Callable[[Path], None], Key]] = [
    ("missing_file", delete("report_figures.csv"),
     ("report_figures.csv", None, None, "missing_file")),
    ("not_utf8", to_gbk("report_figures.csv"),
     ("report_figures.csv", 2, None, "encoding_gb")),
    ("empty_file", write_bytes("first_exports.csv", b""),
     ("first_exports.csv", None, None, "empty_file")),
    ("blank_file", write_bytes("first_exports.csv", b"\n  \n"),
     ("first_exports.csv", None, None, "empty_file")),
    ("wrong_field_count", append_line("destinations.csv", "FRA,法国"),
     ("destinations.csv", 12, None, "field_count")),
    ("missing_column", drop_column("zones.csv", "level"),
     ("zones.csv", 1, "level", "missing_column")),
    ("empty_required_value", set_cell("zones.csv", 3, "name_en", ""),
     ("zones.csv", 3, "name_en", "missing_value")),
    ("non_numeric_tonnes", set_cell("export_volumes.csv", 2, "tonnes", "abc"),
     ("export_volumes.csv", 2, "tonnes", "not_number")),
    ("non_integer_consignments", set_cell("export_volumes.csv", 2, "consignments", "2.5"),
     ("export_volumes.csv", 2, "consignments", "not_integer")),
    ("text_consignments", set_cell("export_volumes.csv", 5, "consignments", "many"),
     ("export_volumes.csv", 5, "consignments", "not_integer")),
    ("negative_tonnes", set_cell("export_volumes.csv", 2, "tonnes", "-1"),
     ("export_volumes.csv", 2, "tonnes", "too_small")),
    ("level_not_allowed", set_cell("zones.csv", 3, "level", "national"),
     ("zones.csv", 3, "level", "not_allowed")),
    ("bad_period_format", set_cell("export_volumes.csv", 2, "period", "2010-13"),
     ("export_volumes.csv", 2, "period", "bad_format")),
    ("duplicate_zone_id", set_cell("zones.csv", 3, "zone_id", "dehui-poultry"),
     ("zones.csv", 3, "zone_id", "duplicate")),
    ("duplicate_volume_key", duplicate_line("export_volumes.csv", 2),
     ("export_volumes.csv", 4178, "period", "duplicate_key")),
    ("unknown_product_in_zone", set_cell("zones.csv", 3, "products", "ginseng;truffle"),
     ("zones.csv", 3, "products", "unknown_ref")),
    ("unknown_destination_in_volumes",
     set_cell("export_volumes.csv", 2, "destination_iso3", "FRA"),
     ("export_volumes.csv", 2, "destination_iso3", "unknown_ref")),
    ("county_not_in_jilin", set_cell("zones.csv", 3, "county_adcode", "110101"),
     ("zones.csv", 3, "county_adcode", "not_jilin_county")),
    ("point_outside_county", set_cell("zones.csv", 3, "lon", "100.0"),
     ("zones.csv", 3, "lon", "point_outside")),
    ("product_not_made", set_cell("export_volumes.csv", 2, "product_id", "ginseng"),
     ("export_volumes.csv", 2, "product_id", "product_not_made")),
    ("report_row_without_fact", set_cell("zones.csv", 2, "fact_id", ""),
     ("zones.csv", 2, "fact_id", "fact_required")),
    ("illustrative_row_with_fact", set_cell("zones.csv", 3, "fact_id", "Z1"),
     ("zones.csv", 3, "fact_id", "fact_forbidden")),
    ("fact_id_not_in_facts", set_cell("products.csv", 2, "fact_id", "Z99"),
     ("products.csv", 2, "fact_id", "unknown_ref")),
    ("figure_fact_not_in_facts", set_cell("report_figures.csv", 2, "fact_id", "C99"),
     ("report_figures.csv", 2, "fact_id", "unknown_ref")),
    ("iso3_not_in_world", append_line("destinations.csv", "XXX,乌有国,Nowhere,illustrative,"),
     ("destinations.csv", 12, "iso3", "unknown_ref")),
    ("missing_geo_file", delete("geo/china_maritime.geojson"),
     ("geo/china_maritime.geojson", None, None, "missing_file")),
    ("broken_geo_file", write_bytes("geo/world.geojson", b"{not json"),
     ("geo/world.geojson", 1, None, "bad_json")),
]


def test_bundled_data_loads_without_issues() -> None:
    result = load(CsvSource())
    assert result.ok
    assert result.issues == ()
    ds = result.dataset
    assert ds is not None
    assert len(ds.zones) == 16
    assert len(ds.products) == 10
    assert len(ds.destinations) == 10
    assert len(ds.first_exports) == 5
    assert ds.periods[0] == "2008-01"
    assert ds.periods[-1] == "2012-12"


def test_dataset_fixture_is_typed(dataset) -> None:
    assert str(dataset.volumes["tonnes"].dtype) == "Float64"
    assert str(dataset.volumes["consignments"].dtype) == "Int64"
    assert dataset.zones["county_en"].notna().all()
    assert dataset.zones["prefecture_adcode"].notna().all()
    assert all(isinstance(ps, list) and ps for ps in dataset.zones["product_list"])


CASES = [pytest.param(m, e, id=name) for name, m, e in CORPUS]


@pytest.mark.parametrize(("mutate", "expected"), CASES)
def test_bad_input_is_reported(data_copy: Path, mutate, expected: Key) -> None:
    mutate(data_copy)
    result = load(CsvSource(data_copy))  # must not raise
    assert not result.ok
    assert result.dataset is None
    found = keys(result.issues)
    assert expected in found, found
    issue = result.issues[found.index(expected)]
    zh, en = issue.message("zh"), issue.message("en")
    assert zh.strip()
    assert en.strip()
    assert zh != en
    for text in (zh, en):
        assert not any(noise in text for noise in REPR_NOISE), text
        assert f"err.{issue.code}" not in text  # the catalogue has the key
    for lang in ("zh", "en"):
        row = issue.as_row(lang)
        assert next(iter(row.values())) == expected[0]


@pytest.mark.parametrize(("file", "line", "column", "value"), [
    ("zones.csv", 3, "level", "national"),
    ("export_volumes.csv", 2, "tonnes", "abc"),
    ("zones.csv", 3, "county_adcode", "110101"),
])
def test_message_quotes_the_bad_value(data_copy: Path, file: str, line: int, column: str,
                                      value: str) -> None:
    set_cell(file, line, column, value)(data_copy)
    result = load(CsvSource(data_copy))
    issue = next(i for i in result.issues if (i.file, i.line, i.column) == (file, line, column))
    assert value in issue.message("zh")
    assert value in issue.message("en")


def test_not_allowed_lists_the_allowed_values(data_copy: Path) -> None:
    set_cell("zones.csv", 3, "level", "national")(data_copy)
    issue = next(i for i in load(CsvSource(data_copy)).issues if i.code == "not_allowed")
    assert "provincial" in issue.message("en")
    assert "national_first_batch" in issue.message("zh")


def test_isolated_errors_produce_a_single_issue(data_copy: Path) -> None:
    set_cell("export_volumes.csv", 2, "tonnes", "abc")(data_copy)
    result = load(CsvSource(data_copy))
    # the bad cell is reported once (as not a number), not again as missing or too small
    assert keys(result.issues) == [("export_volumes.csv", 2, "tonnes", "not_number")]


def test_errors_in_several_files_are_all_reported(data_copy: Path) -> None:
    names = {"non_numeric_tonnes", "level_not_allowed", "fact_id_not_in_facts",
             "iso3_not_in_world", "missing_file", "missing_geo_file"}
    wanted = [e for name, _, e in CORPUS if name in names]
    for name, mutate, _ in CORPUS:
        if name in names:
            mutate(data_copy)
    result = load(CsvSource(data_copy))
    found = keys(result.issues)
    for expected in wanted:
        assert expected in found
    assert len({k[0] for k in found}) >= 6


def test_duplicate_key_reports_both_rows(data_copy: Path) -> None:
    duplicate_line("export_volumes.csv", 2)(data_copy)
    found = keys(load(CsvSource(data_copy)).issues)
    assert found == [("export_volumes.csv", 2, "period", "duplicate_key"),
                     ("export_volumes.csv", 4178, "period", "duplicate_key")]


def test_missing_column_is_reported_once(data_copy: Path) -> None:
    drop_column("zones.csv", "level")(data_copy)
    found = keys(load(CsvSource(data_copy)).issues)
    assert found == [("zones.csv", 1, "level", "missing_column")]


def test_many_errors_in_one_file_are_all_reported(data_copy: Path) -> None:
    for line in range(2, 12):
        set_cell("export_volumes.csv", line, "tonnes", "x")(data_copy)
    result = load(CsvSource(data_copy))
    lines = [i.line for i in result.issues if i.code == "not_number"]
    assert lines == list(range(2, 12))


@pytest.mark.parametrize(("mutate", "expected"), CASES)
def test_loading_never_raises_nor_changes_the_files(data_copy: Path, mutate,
                                                    expected: Key) -> None:
    mutate(data_copy)
    before = hashes(data_copy)
    result = load(CsvSource(data_copy))  # any exception fails the test
    assert expected in keys(result.issues)
    assert hashes(data_copy) == before


def test_loading_the_bundled_data_does_not_change_it(data_copy: Path) -> None:
    before = hashes(data_copy)
    assert load(CsvSource(data_copy)).ok
    assert hashes(data_copy) == before


def test_read_csv_text_keeps_everything_as_text(data_copy: Path) -> None:
    df, issues = read_csv_text(data_copy / "export_volumes.csv", "export_volumes.csv")
    assert issues == []
    assert df is not None
    assert all(str(t) == "string" for t in df.dtypes)
    assert len(df) == 4176


def test_read_csv_text_accepts_a_bom_and_skips_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("\ufeffa,b\n1,2\n\n,\n3,4\n".encode())
    df, issues = read_csv_text(path, "x.csv")
    assert issues == []
    assert df is not None
    assert df.columns.tolist() == ["a", "b"]
    assert df["a"].tolist() == ["1", "3"]


def test_issue_rows_have_translated_headers() -> None:
    issue = Issue("zones.csv", 3, "level", "missing_value")
    zh, en = issue.as_row("zh"), issue.as_row("en")
    assert list(zh) == ["文件", "行", "列", "问题"]
    assert list(en) == ["File", "Line", "Column", "Problem"]
    assert Issue("x.csv", None, None, "missing_file").as_row("en")["Line"] == ""


@pytest.mark.parametrize("name", ["export_volumes.csv", "zones.csv", "facts.csv"])
def test_header_only_file_is_reported(data_copy: Path, name: str) -> None:
    """A file with its header but no rows used to reach the pages and fail there."""
    path = data_copy / name
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    result = load(CsvSource(data_copy))
    assert not result.ok
    assert (name, None, None, "empty_file") in [
        (i.file, i.line, i.column, i.code) for i in result.issues]
