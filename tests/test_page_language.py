"""Download names and table numbers in the page's language (#23): the Chinese page's files
are named in Chinese, the English names keep the ids they always had (scripts may expect
them); tables show the app's number format, not the browser's."""

from __future__ import annotations

import re

import pytest

from zones.metrics import DIMS, MEASURES
from zones.tables import download_name

NAMES = [("dl.timeseries", {"by": b, "measure": m}) for b in DIMS for m in MEASURES] + [
    ("dl.ranking", {"by": "product", "measure": "tonnes"}),
    ("dl.growth", {"measure": "value_usd"}), ("dl.matrix", {"measure": "consignments"}),
    ("dl.destinations", {}), ("dl.zones", {}), ("dl.zone_destinations", {"zone": "Z01"}),
    ("dl.import_problems", {}),
]


@pytest.mark.parametrize(("key", "ids"), NAMES)
def test_chinese_names_hold_no_english_word(key: str, ids: dict[str, str]) -> None:
    name = download_name(key, "zh", **ids)
    assert name.endswith(".csv") and re.search(r"[\u4e00-\u9fff]", name), name
    codes = set(ids.get("zone", "").split()) | {"csv"}
    words = set(re.findall(r"[A-Za-z][A-Za-z_0-9]+", name)) - codes
    assert not words, name


def test_english_names_keep_their_ids() -> None:
    assert download_name("dl.timeseries", "en", by="product", measure="tonnes") == \
        "timeseries-product-tonnes.csv"
    assert download_name("dl.zone_destinations", "en", zone="Z01") == "zone-Z01-destinations.csv"
    assert download_name("dl.template", "en", "xlsx", table="zones") == "template-zones-en.xlsx"
    assert download_name("dl.timeseries", "zh", by="product", measure="tonnes") == \
        "时间序列-产品-出口量.csv"
    assert download_name("dl.template", "zh", "xlsx", table="zones") == "导入模板-zones.xlsx"


# -- table numbers in the app's format, not the browser's locale (#23) --------------------

def test_table_numbers_use_the_apps_separators_and_never_round() -> None:
    import pandas as pd

    from zones.tables import number_format

    assert number_format(pd.Series([1234.0, 56.0])) == "%,.0f"
    assert number_format(pd.Series([1234.0, 12.25, None])) == "%,.2f"
    assert number_format(pd.Series([0.1 + 0.2])) == "%,.1f"  # float noise is not a digit
    assert number_format(pd.Series([], dtype=float)) == "%,.0f"


def test_no_table_uses_the_browsers_locale() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    users = [p.name for p in [*root.glob("zones/**/*.py"), *root.glob("pages/*.py")]
             if 'format="localized"' in p.read_text(encoding="utf-8")]
    assert not users
