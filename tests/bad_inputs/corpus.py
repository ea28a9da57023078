"""The bad-input corpus: each case is one realistic mistake in a scratch copy of ``data/``.

A case is (name, mutation, expected). The mutation changes the copy in place (and may
return environment variables for the load); expected is ``OK`` or the (file, line,
column, code) of the first issue the loader must report, optionally with text the
message must quote (the value as written). Lines count as an editor counts them: the
header is line 1, a line break inside a quoted cell, U+2028 and U+0085 do not add lines.

Line numbers used below: zones.csv line 2 is dehui-poultry (source=report), line 3
fusong-ginseng (illustrative); export_volumes.csv has 4,200 rows (lines 2-4201), line 2
being ``2008-01,dehui-poultry,poultry_meat,JPN,562.5,1456700,28,illustrative``;
first_exports.csv line 2 is deer_meat→AFG (report); products.csv line 2 poultry_meat.
Big files (50 MB) are generated here, never committed.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

Key = tuple[str, int | None, str | None, str]
Mutation = Callable[[Path], dict[str, str] | None]
OK = "ok"


class Case(NamedTuple):
    name: str
    mutate: Mutation
    expected: Key | str
    quoted: str | None = None  # must appear in both messages (the value as written)


# -- mutations ----------------------------------------------------------------------------

def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]], eol: str = "\n") -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=eol).writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))


def set_cell(file: str, row: int, column: str, value: str) -> Mutation:
    """Set one cell; ``row`` is the record's line in the unmodified file (header = 1)."""

    def mutate(root: Path) -> None:
        rows = read_rows(root / file)
        rows[row - 1][rows[0].index(column)] = value
        write_rows(root / file, rows)

    return mutate


def chain(*mutations: Mutation) -> Mutation:
    def mutate(root: Path) -> dict[str, str] | None:
        env: dict[str, str] = {}
        for m in mutations:
            env |= m(root) or {}
        return env

    return mutate


def edit_line(file: str, line: int, edit: Callable[[str], str]) -> Mutation:
    """Change one physical line's text (no CSV quoting applied)."""

    def mutate(root: Path) -> None:
        lines = (root / file).read_text(encoding="utf-8").split("\n")
        lines[line - 1] = edit(lines[line - 1])
        (root / file).write_text("\n".join(lines), encoding="utf-8")

    return mutate


def field(index: int, edit: Callable[[str], str]) -> Callable[[str], str]:
    def apply(line: str) -> str:
        cells = line.split(",")
        cells[index] = edit(cells[index])
        return ",".join(cells)

    return apply


def insert_line(file: str, before: int, text: str) -> Mutation:
    return edit_line(file, before, lambda line: f"{text}\n{line}")


def rename_header(file: str, old: str, new: str) -> Mutation:
    return edit_line(file, 1, lambda line: ",".join(new if h == old else h
                                                    for h in line.split(",")))


def replace_bytes(file: str, data: bytes) -> Mutation:
    def mutate(root: Path) -> None:
        (root / file).write_bytes(data)

    return mutate


def transform_bytes(file: str, fn: Callable[[bytes], bytes]) -> Mutation:
    def mutate(root: Path) -> None:
        (root / file).write_bytes(fn((root / file).read_bytes()))

    return mutate


def reencode(file: str, encoding: str) -> Mutation:
    return transform_bytes(file, lambda b: b.decode("utf-8").encode(encoding))


def make_dir(file: str) -> Mutation:
    def mutate(root: Path) -> None:
        (root / file).unlink()
        (root / file).mkdir()

    return mutate


def make_fifo(file: str) -> Mutation:
    def mutate(root: Path) -> None:
        (root / file).unlink()
        os.mkfifo(root / file)

    return mutate


def symlink_to(file: str, target: str) -> Mutation:
    def mutate(root: Path) -> None:
        (root / file).unlink()
        (root / file).symlink_to(target)

    return mutate


def delete(file: str) -> Mutation:
    def mutate(root: Path) -> None:
        (root / file).unlink()

    return mutate


def geo(file: str, edit: Callable[[dict], object]) -> Mutation:
    """Edit a GeoJSON layer as a dict; ``edit`` may return a replacement object."""

    def mutate(root: Path) -> None:
        path = root / "geo" / file
        obj = json.loads(path.read_text(encoding="utf-8"))
        out = edit(obj)
        path.write_text(json.dumps(obj if out is None else out), encoding="utf-8")

    return mutate


def feature(index: int, **changes: object) -> Callable[[dict], None]:
    def edit(obj: dict) -> None:
        feat = obj["features"][index]
        for key, value in changes.items():
            if key == "drop_property":
                del feat["properties"][value]
            else:
                feat[key] = value

    return edit


def env(**values: str) -> Mutation:
    def mutate(root: Path) -> dict[str, str]:
        return values

    return mutate


def all_csv(fn: Callable[[bytes], bytes]) -> Mutation:
    def mutate(root: Path) -> None:
        for path in root.glob("*.csv"):
            path.write_bytes(fn(path.read_bytes()))

    return mutate


def huge_duplicates(megabytes: int) -> Mutation:
    """export_volumes.csv made of one valid row repeated to ``megabytes`` (a pasted block)."""

    def mutate(root: Path) -> None:
        path = root / "export_volumes.csv"
        lines = path.read_bytes().split(b"\n")
        row = lines[1] + b"\n"
        with path.open("wb") as fh:
            fh.write(lines[0] + b"\n")
            fh.write(row * (megabytes * 1024 * 1024 // len(row)))

    return mutate


# -- the corpus ---------------------------------------------------------------------------

VOL, ZONES, FIRST = "export_volumes.csv", "zones.csv", "first_exports.csv"
COUNTIES, WORLD = "jilin_counties.geojson", "world.geojson"
SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}

CASES: list[Case] = [
    # Accepted: realistic variations of a valid folder
    Case("ok_bundled", lambda root: None, OK),
    Case("ok_crlf_everywhere", all_csv(lambda b: b.replace(b"\n", b"\r\n")), OK),
    Case("ok_cr_only_line_ends", all_csv(lambda b: b.replace(b"\n", b"\r")), OK),
    Case("ok_bom_in_every_file", all_csv(lambda b: b"\xef\xbb\xbf" + b), OK),
    Case("ok_no_final_newline", transform_bytes(VOL, lambda b: b.rstrip(b"\n")), OK),
    Case("ok_blank_lines_between_rows", insert_line(VOL, 50, "\n\n"), OK),
    Case("ok_whitespace_only_line", insert_line(VOL, 50, "   "), OK),
    Case("ok_commas_only_line", insert_line(VOL, 50, ",,,,,,,"), OK),
    Case("ok_quoted_line_break_in_note", set_cell(ZONES, 3, "note_en", "one\ntwo"), OK),
    Case("ok_spaces_around_number", set_cell(VOL, 2, "tonnes", " 562.5 "), OK),
    Case("ok_integer_written_as_decimal", set_cell(VOL, 2, "consignments", "28.0"), OK),
    Case("ok_first_year_of_window", set_cell(FIRST, 2, "year", "1978"), OK),
    Case("ok_markdown_in_a_name", set_cell(ZONES, 3, "name_en", "[x](http://e.example) # h"), OK),
    Case("ok_extra_column_ignored", transform_bytes(ZONES, lambda b: b"\n".join(
        line + b",extra" if line else line for line in b.split(b"\n"))), OK),
    # Files that are not files, or not readable as CSV
    Case("zones_is_a_directory", make_dir(ZONES), (ZONES, None, None, "is_directory")),
    Case("zones_is_a_named_pipe", make_fifo(ZONES), (ZONES, None, None, "special_file")),
    Case("volumes_is_dev_zero", symlink_to(VOL, "/dev/zero"), (VOL, None, None, "special_file")),
    Case("zones_missing", delete(ZONES), (ZONES, None, None, "missing_file")),
    Case("zones_empty", replace_bytes(ZONES, b""), (ZONES, None, None, "empty_file")),
    Case("zones_header_only", transform_bytes(ZONES, lambda b: b.split(b"\n")[0] + b"\n"),
         (ZONES, None, None, "empty_file")),
    Case("volumes_over_size_cap", chain(  # 0.4 MB: every other file stays under it
        transform_bytes(VOL, lambda b: b + b"\n" * 200_000), env(ZONES_MAX_FILE_MB="0.4")),
         (VOL, None, None, "too_large_file")),
    Case("zones_in_gbk", reencode(ZONES, "gbk"), (ZONES, 2, None, "encoding_gb")),
    Case("zones_in_utf16", reencode(ZONES, "utf-16"), (ZONES, None, None, "encoding_utf16")),
    Case("xlsx_saved_as_csv", replace_bytes(ZONES, b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64),
         (ZONES, None, None, "xlsx_not_csv")),
    Case("nul_byte_on_line_4", edit_line(ZONES, 4, lambda s: s + "\x00"),
         (ZONES, 4, None, "binary_file")),
    Case("semicolon_separated", transform_bytes("destinations.csv",
                                                lambda b: b.replace(b",", b";")),
         ("destinations.csv", 1, None, "wrong_delimiter")),
    Case("destinations_in_gbk_no_follow_on", reencode("destinations.csv", "gbk"),
         ("destinations.csv", 2, None, "encoding_gb")),
    # Structure
    Case("repeated_header_name", rename_header(ZONES, "name_en", "name_zh"),
         (ZONES, 1, "name_zh", "duplicate_column")),
    Case("missing_column", rename_header(ZONES, "level", "levl"),
         (ZONES, 1, "level", "missing_column")),
    Case("extra_field_on_line_50", edit_line(VOL, 50, lambda s: s + ",x"),
         (VOL, 50, None, "field_count")),
    Case("missing_field_on_line_60", edit_line(VOL, 60, lambda s: s.rsplit(",", 1)[0]),
         (VOL, 60, None, "field_count")),
    Case("stray_quote_never_closed", edit_line(VOL, 100, field(2, lambda c: '"' + c)),
         (VOL, 100, "product_id", "unclosed_quote")),
    Case("stray_quote_closed_later", chain(
        edit_line(VOL, 100, field(2, lambda c: '"' + c)),
        edit_line(VOL, 105, field(7, lambda c: c + '"'))),
         (VOL, 100, "product_id", "stray_quote")),
    Case("quote_inside_a_cell", edit_line(VOL, 100, field(2, lambda c: c[:3] + '"' + c[3:])),
         (VOL, 100, "product_id", "unknown_ref")),
    Case("cell_over_131072_chars", set_cell(ZONES, 3, "note_en", "x" * 131_073),
         (ZONES, 3, "note_en", "cell_too_long")),
    Case("line_break_in_note_keeps_later_lines", chain(
        set_cell(ZONES, 5, "level", "national"), set_cell(ZONES, 3, "note_en", "a\nb")),
         (ZONES, 6, "level", "not_allowed"), "national"),
    Case("u2028_in_note_adds_no_line", chain(
        set_cell(ZONES, 5, "level", "national"), set_cell(ZONES, 3, "note_en", "a\u2028b")),
         (ZONES, 5, "level", "not_allowed")),
    Case("u0085_in_note_adds_no_line", chain(
        set_cell(ZONES, 5, "level", "national"), set_cell(ZONES, 3, "note_zh", "甲\x85乙")),
         (ZONES, 5, "level", "not_allowed")),
    Case("crlf_file_error_line", chain(set_cell(VOL, 40, "tonnes", "x"), all_csv(
        lambda b: b.replace(b"\n", b"\r\n"))), (VOL, 40, "tonnes", "not_number"), "x"),
    Case("blank_lines_shift_error_line", chain(set_cell(VOL, 40, "tonnes", "x"),
                                               insert_line(VOL, 10, "\n")),
         (VOL, 42, "tonnes", "not_number")),
    # Empty required values (used to raise "boolean value of NA is ambiguous")
    Case("empty_source_zones", set_cell(ZONES, 3, "source", ""), (ZONES, 3, "source",
                                                                  "missing_value")),
    Case("empty_source_products", set_cell("products.csv", 2, "source", ""),
         ("products.csv", 2, "source", "missing_value")),
    Case("empty_source_destinations", set_cell("destinations.csv", 2, "source", ""),
         ("destinations.csv", 2, "source", "missing_value")),
    Case("empty_source_first_exports", set_cell(FIRST, 2, "source", ""),
         (FIRST, 2, "source", "missing_value")),
    Case("empty_source_volumes", set_cell(VOL, 2, "source", ""), (VOL, 2, "source",
                                                                  "missing_value")),
    Case("empty_year", set_cell(FIRST, 3, "year", ""), (FIRST, 3, "year", "missing_value")),
    # Numbers: finite, in range, integers checked before conversion
    Case("tonnes_inf", set_cell(VOL, 2, "tonnes", "inf"), (VOL, 2, "tonnes", "not_number"),
         "inf"),
    Case("tonnes_nan", set_cell(VOL, 2, "tonnes", "NaN"), (VOL, 2, "tonnes", "not_number"),
         "NaN"),
    Case("tonnes_1e400", set_cell(VOL, 2, "tonnes", "1e400"), (VOL, 2, "tonnes", "too_large"),
         "1e400"),
    Case("tonnes_negative", set_cell(VOL, 2, "tonnes", "-1"), (VOL, 2, "tonnes", "too_small")),
    Case("value_negative", set_cell(VOL, 3, "value_usd", "-5"),
         (VOL, 3, "value_usd", "too_small"), "-5"),
    Case("consignments_1e30", set_cell(VOL, 2, "consignments", "1e30"),
         (VOL, 2, "consignments", "too_large"), "1e30"),
    Case("consignments_thousands_sep", set_cell(VOL, 2, "consignments", "1,000"),
         (VOL, 2, "consignments", "not_integer"), "1,000"),
    Case("consignments_hex", set_cell(VOL, 2, "consignments", "0x10"),
         (VOL, 2, "consignments", "not_integer"), "0x10"),
    Case("consignments_fraction", set_cell(VOL, 2, "consignments", "2.5"),
         (VOL, 2, "consignments", "not_integer")),
    # #17: an empty count means "not given", allowed on imported rows only
    Case("consignments_empty_not_imported", set_cell(VOL, 2, "consignments", ""),
         (VOL, 2, "consignments", "missing_value")),
    Case("year_fraction", set_cell(FIRST, 2, "year", "2010.5"), (FIRST, 2, "year",
                                                                 "not_integer")),
    Case("latitude_999_against_lat", set_cell(ZONES, 3, "lat", "999"),
         (ZONES, 3, "lat", "too_large"), "999"),
    Case("longitude_minus_999", set_cell(ZONES, 3, "lon", "-999"), (ZONES, 3, "lon",
                                                                     "too_small")),
    Case("platform_5", set_cell("report_figures.csv", 2, "platform", "5"),
         ("report_figures.csv", 2, "platform", "not_allowed")),
    # Dates inside the window
    Case("period_2099", set_cell(VOL, 2, "period", "2099-01"),
         (VOL, 2, "period", "out_of_window"), "2099-01"),
    Case("period_0001", set_cell(VOL, 2, "period", "0001-01"),
         (VOL, 2, "period", "out_of_window"), "0001-01"),
    Case("period_1977", set_cell(VOL, 2, "period", "1977-12"),
         (VOL, 2, "period", "out_of_window")),
    Case("period_month_13", set_cell(VOL, 2, "period", "2010-13"), (VOL, 2, "period",
                                                                    "bad_format")),
    Case("first_export_2999", set_cell(FIRST, 2, "year", "2999"),
         (FIRST, 2, "year", "out_of_window"), "2999"),
    Case("launched_2099", set_cell(ZONES, 3, "launched", "2099"),
         (ZONES, 3, "launched", "out_of_window")),
    # List cells
    Case("product_list_trailing_separator", set_cell(ZONES, 2, "products", "poultry_meat;"),
         (ZONES, 2, "products", "empty_item"), "poultry_meat;"),
    Case("product_list_leading_separator", set_cell(ZONES, 3, "products", ";ginseng"),
         (ZONES, 3, "products", "empty_item")),
    Case("product_list_double_separator", set_cell(ZONES, 3, "products", "ginseng;;ginseng"),
         (ZONES, 3, "products", "empty_item")),
    Case("product_list_unknown_item", set_cell(ZONES, 3, "products", "ginseng;truffle"),
         (ZONES, 3, "products", "unknown_ref"), "truffle"),
    # Vocabularies, formats, references, uniqueness
    Case("source_capitalised", set_cell(ZONES, 3, "source", "Report"),
         (ZONES, 3, "source", "not_allowed"), "Report"),
    Case("fact_id_lower_case", set_cell(ZONES, 2, "fact_id", "z2"),
         (ZONES, 2, "fact_id", "bad_format")),
    Case("iso3_lower_case_said_once", set_cell(VOL, 2, "destination_iso3", "jpn"),
         (VOL, 2, "destination_iso3", "bad_format")),
    Case("zone_id_with_line_separator", set_cell(VOL, 2, "zone_id", "dehui\u2028poultry"),
         (VOL, 2, "zone_id", "unknown_ref")),
    Case("unknown_zone_in_volumes", set_cell(VOL, 2, "zone_id", "nowhere"),
         (VOL, 2, "zone_id", "unknown_ref"), "nowhere"),
    Case("duplicate_product_name", set_cell("products.csv", 3, "name_en", "Poultry meat"),
         ("products.csv", 2, "name_en", "duplicate")),
    Case("duplicate_key_far_apart", edit_line(VOL, 3000, lambda _: (
        "2008-01,dehui-poultry,poultry_meat,JPN,1,1,1,illustrative")),
         (VOL, 2, "period", "duplicate_key")),
    Case("huge_file_of_duplicates_50mb", huge_duplicates(50),
         (VOL, 2, "period", "duplicate_key")),
    # Boundary files
    Case("geo_feature_without_geometry", geo(COUNTIES, feature(3, geometry=None)),
         ("geo/" + COUNTIES, None, "geometry", "geo_feature")),
    Case("geo_ring_of_two_points", geo(WORLD, feature(0, geometry=SQUARE)),
         ("geo/" + WORLD, None, "geometry", "geo_feature")),
    Case("geo_point_instead_of_area", geo("jilin_province.geojson", feature(
        0, geometry={"type": "Point", "coordinates": [126, 43]})),
         ("geo/jilin_province.geojson", None, "geometry", "geo_feature")),
    Case("geo_longitude_999", geo(COUNTIES, feature(0, geometry={
        "type": "Polygon", "coordinates": [[[999, 0], [1000, 1], [999, 1], [999, 0]]]})),
         ("geo/" + COUNTIES, None, "geometry", "geo_feature")),
    Case("geo_missing_adcode", geo(COUNTIES, feature(1, drop_property="adcode")),
         ("geo/" + COUNTIES, None, "adcode", "geo_property")),
    Case("geo_not_a_collection", geo(WORLD, lambda obj: []),
         ("geo/" + WORLD, None, None, "geo_not_collection")),
    Case("geo_deeply_nested", replace_bytes("geo/" + WORLD, b"[" * 200_000),
         ("geo/" + WORLD, None, None, "bad_geo")),
    Case("geo_truncated", transform_bytes("geo/" + COUNTIES, lambda b: b[: len(b) // 2]),
         ("geo/" + COUNTIES, 1, None, "bad_json")),
    Case("geo_is_a_directory", make_dir("geo/" + WORLD), ("geo/" + WORLD, None, None,
                                                          "is_directory")),
]
