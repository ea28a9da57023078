"""The filters' options as bilingual labels, once per loaded dataset.

Bound widgets write their displayed label into the URL, so labels read the same in both
languages ("人参 Ginseng") and a link never depends on the language it was copied in.
"""

from __future__ import annotations

import pandas as pd

from zones.i18n import t
from zones.model import CATEGORIES, Dataset
from zones.ui.keys import KEY_DEST, KEY_PREF, KEY_PRODUCT, KEY_ZONE, PAGE_OPTION_KEYS


def _bilingual(zh: object, en: object) -> str:
    """Option labels read the same in both languages, so a link never depends on it.

    Bound widgets write their displayed label into the URL; a label that changed with
    the language would leave a stale, unreadable link after a language switch.
    """
    return f"{zh} {en}"


def _labels(df: pd.DataFrame, key: str, zh: str, en: str) -> dict[str, str]:
    return {str(k): _bilingual(a, b)
            for k, a, b in zip(df[key], df[zh], df[en], strict=True)}


def _build_options(ds: Dataset) -> dict[str, dict[str, str]]:
    """Option id → label for every multi-choice filter, in display order."""
    order = {c: i for i, c in enumerate(CATEGORIES)}
    prods = ds.products.assign(o=ds.products["category"].map(order)).sort_values(
        ["o", "product_id"])  # grouped by category, in the palette's order
    prefs = ds.counties.drop_duplicates("prefecture_adcode").sort_values("prefecture_adcode")
    return {
        KEY_PRODUCT: _labels(prods, "product_id", "name_zh", "name_en"),
        KEY_DEST: _labels(ds.destinations.sort_values("name_en"), "iso3", "name_zh", "name_en"),
        KEY_PREF: _labels(prefs, "prefecture_adcode", "prefecture_zh", "prefecture_en"),
        KEY_ZONE: _labels(ds.zones, "zone_id", "short_zh", "short_en"),
    }


def page_option_label(key: str, value: str) -> str:
    """A page-level option's label (both languages, like the filters)."""
    pair = PAGE_OPTION_KEYS[key].format(value)
    return _bilingual(t(pair, "zh"), t(pair, "en"))


def zone_labels(ds: Dataset) -> dict[str, str]:
    """Zone id → the label used by the zone filter and the profile picker."""
    return filter_options(ds)[KEY_ZONE]


def link_aliases(ds: Dataset) -> dict[str, dict[str, str]]:
    """Option key → {what people type or paste, lower-cased → option id}.

    Ids as in the data files (``ginseng``, ``JPN``, ``dehui-poultry``, ``220100``) and the
    plain names in either language are accepted besides the bilingual labels the
    widgets write into the URL.
    """
    frames = {
        KEY_PRODUCT: (ds.products, "product_id", ("name_zh", "name_en")),
        KEY_DEST: (ds.destinations, "iso3", ("name_zh", "name_en")),
        KEY_PREF: (ds.counties.drop_duplicates("prefecture_adcode"), "prefecture_adcode",
                   ("prefecture_zh", "prefecture_en")),
        KEY_ZONE: (ds.zones, "zone_id", ("short_zh", "short_en", "name_zh", "name_en")),
    }
    out: dict[str, dict[str, str]] = {}
    for key, (frame, id_col, name_cols) in frames.items():
        table: dict[str, str] = {}
        for row in frame.to_dict("records"):
            oid = str(row[id_col])
            for alias in (oid, *(str(row[c]) for c in name_cols)):
                table.setdefault(alias.strip().lower(), oid)
        out[key] = table
    return out


_OPTIONS: dict[int, tuple[Dataset, dict[str, dict[str, str]]]] = {}


def filter_options(ds: Dataset) -> dict[str, dict[str, str]]:
    """``_build_options`` once per loaded dataset, not on every rerun (~10 ms each)."""
    hit = _OPTIONS.get(id(ds))
    if hit is None or hit[0] is not ds:
        _OPTIONS.clear()  # one dataset at a time; a reload replaces it
        hit = _OPTIONS[id(ds)] = (ds, _build_options(ds))
    return hit[1]
