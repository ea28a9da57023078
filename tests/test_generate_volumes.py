"""The illustrative volumes are reproducible and consistent with the report's facts."""

from __future__ import annotations

import csv
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "generate_volumes.py"
VOLUMES = ROOT / "data" / "export_volumes.csv"
FIRST_ROUTES = [("deer_meat", "AFG"), ("raspberry", "USA"), ("peanut", "CAN"),
                ("chinese_cabbage", "KOR"), ("radish", "JPN")]


@pytest.fixture(scope="module")
def generator() -> Iterator[ModuleType]:
    name = "generate_volumes_under_test"
    spec = importlib.util.spec_from_file_location(name, SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and friends look the module up by name
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(name, None)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with VOLUMES.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_regenerating_reproduces_the_file_byte_for_byte(generator: ModuleType,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "export_volumes.csv"
    assert generator.main(["--out", str(out)]) == 0
    assert out.read_bytes() == VOLUMES.read_bytes()


def test_generate_is_pure(generator: ModuleType) -> None:
    zones = ROOT / "data" / "zones.csv"
    assert generator.generate(zones) == generator.generate(zones)


def test_header_is_the_spec(rows: list[dict[str, str]]) -> None:
    from zones.model import FILES

    assert list(rows[0]) == FILES["export_volumes.csv"].column_names


def test_every_row_is_illustrative(rows: list[dict[str, str]]) -> None:
    assert {r["source"] for r in rows} == {"illustrative"}


def test_periods_span_2008_to_2012(rows: list[dict[str, str]]) -> None:
    periods = sorted({r["period"] for r in rows})
    expected = [f"{y}-{m:02d}" for y in range(2008, 2013) for m in range(1, 13)]
    assert periods == expected


@pytest.mark.parametrize(("product", "iso3"), FIRST_ROUTES)
def test_first_time_route_starts_in_2011_in_the_same_month(rows: list[dict[str, str]],
                                                           product: str, iso3: str) -> None:
    """No 2010 row: the report gives the first export's year (inferred) but no month."""
    route = [r for r in rows if r["product_id"] == product and r["destination_iso3"] == iso3]
    assert route, "the route has no rows at all"
    assert min(r["period"] for r in route) == "2011-01"
    assert {r["zone_id"] for r in route} == {""}  # the report names no zone


def test_unattributed_rows_are_only_first_time_routes(rows: list[dict[str, str]]) -> None:
    pairs = {(r["product_id"], r["destination_iso3"]) for r in rows if not r["zone_id"]}
    assert pairs == set(FIRST_ROUTES)


def test_zones_ship_only_their_products(rows: list[dict[str, str]]) -> None:
    with (ROOT / "data" / "zones.csv").open(encoding="utf-8", newline="") as fh:
        made = {(z["zone_id"], p) for z in csv.DictReader(fh) for p in z["products"].split(";")}
    shipped = {(r["zone_id"], r["product_id"]) for r in rows if r["zone_id"]}
    assert shipped <= made
    assert shipped == made  # every zone/product pair has a series


def test_values_are_positive_and_consistent(rows: list[dict[str, str]]) -> None:
    for r in rows:
        assert float(r["tonnes"]) >= 0.1
        assert int(r["value_usd"]) >= 0
        assert int(r["consignments"]) >= 1
