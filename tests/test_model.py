"""The data model: every column documented (in code and in data/SOURCES.md), colours."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zones.model import CATEGORIES, CATEGORY_COLORS, FILES, Dataset, product_colors

ROOT = Path(__file__).resolve().parent.parent
SOURCES_MD = ROOT / "data" / "SOURCES.md"
ALL_COLUMNS = [(spec.name, col.name) for spec in FILES.values() for col in spec.columns]


def test_every_data_file_has_a_spec() -> None:
    on_disk = {p.name for p in (ROOT / "data").glob("*.csv")}
    assert on_disk == set(FILES)


@pytest.mark.parametrize("name", list(FILES))
def test_spec_matches_the_file_header(name: str) -> None:
    header = (ROOT / "data" / name).read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == FILES[name].column_names


@pytest.mark.parametrize("name", list(FILES))
def test_every_file_is_documented(name: str) -> None:
    spec = FILES[name]
    assert spec.doc_en.strip()
    assert spec.doc_zh.strip()


@pytest.mark.parametrize(("file", "column"), ALL_COLUMNS)
def test_every_column_is_documented(file: str, column: str) -> None:
    col = next(c for c in FILES[file].columns if c.name == column)
    assert col.doc_en.strip(), f"{file}:{column} has no doc_en"
    assert col.doc_zh.strip(), f"{file}:{column} has no doc_zh"


def test_spec_keys_and_sources_are_consistent() -> None:
    for spec in FILES.values():
        assert set(spec.key) <= set(spec.column_names), spec.name
        assert ("source" in spec.column_names) == spec.source_col, spec.name
        assert len(set(spec.column_names)) == len(spec.column_names), spec.name


def _sources_text() -> str:
    assert SOURCES_MD.is_file(), "data/SOURCES.md is missing: it documents every file"
    return SOURCES_MD.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(FILES))
def test_every_file_is_in_sources_md(name: str) -> None:
    assert name in _sources_text()


@pytest.mark.parametrize(("file", "column"), ALL_COLUMNS)
def test_every_column_is_in_sources_md(file: str, column: str) -> None:
    text = _sources_text()
    assert re.search(rf"(?<![A-Za-z0-9_]){re.escape(column)}(?![A-Za-z0-9_])", text), (
        f"{file}:{column} is not described in data/SOURCES.md")


def test_category_colors_cover_the_categories() -> None:
    assert list(CATEGORY_COLORS) == list(CATEGORIES)
    assert len(set(CATEGORY_COLORS.values())) == len(CATEGORIES)
    for color in CATEGORY_COLORS.values():
        assert re.fullmatch(r"#[0-9A-F]{6}", color)


def test_product_colors(dataset: Dataset) -> None:
    colors = product_colors(dataset.products)
    assert set(colors) == set(dataset.products["product_id"])
    for color in colors.values():
        assert re.fullmatch(r"#[0-9A-F]{6}", color)
    by_cat: dict[str, list[str]] = {}
    for pid, cat in zip(dataset.products["product_id"], dataset.products["category"],
                        strict=True):
        by_cat.setdefault(cat, []).append(colors[pid])
    for cat, cols in by_cat.items():
        assert len(set(cols)) == len(cols), cat
        assert cols[0] == CATEGORY_COLORS[cat]  # the first product keeps the family colour


def test_product_colors_of_a_crowded_category_stay_distinct() -> None:
    import pandas as pd

    products = pd.DataFrame({"product_id": [f"p{i}" for i in range(4)],
                             "category": ["fruit"] * 4})
    colors = product_colors(products)
    assert len(set(colors.values())) == 4
