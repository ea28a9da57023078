"""Consignment counts that a file does not give (#17).

Customs statistics have no consignment (批次) count, so rows imported from them leave it
empty. An empty count is "not given", never 0: sums skip such rows (``min_count=1`` in
the metrics keeps a group whose rows all lack it empty, not zero), tables write 未填报 /
"not given" in its place, and wherever consignments are summed the page and the deck
say how many rows lacked one. With every count present (the bundled data) nothing here
changes a number or a table.
"""

from __future__ import annotations

import pandas as pd

from zones.dataset.volumes import VolumeRows
from zones.i18n import t


def not_given(values: pd.Series, lang: str) -> pd.Series:
    """Counts as shown in a table: the number, or 未填报 / "not given" where it is missing."""
    word = t("vol.not_given", lang)
    return pd.Series([word if pd.isna(v) else f"{float(v):g}" for v in values],
                     index=values.index, dtype="string")


def missing_rows(volumes: VolumeRows) -> int:
    """How many records under the filter give no consignment count (files or database:
    the volumes' query counts them where the rows are)."""
    if isinstance(volumes, pd.DataFrame):
        return int(volumes["consignments"].isna().sum()) if "consignments" in volumes else 0
    return volumes.missing("consignments")


def note(volumes: VolumeRows, lang: str) -> str | None:
    """The sentence under a sum of consignments, when some rows lack one; else None."""
    n = missing_rows(volumes)
    return t("vol.consignments_missing", lang, n=f"{n:,}") if n else None


def given(data: pd.DataFrame, measure: str) -> pd.DataFrame:
    """A chart's rows without the groups whose ``measure`` is not given.

    Vega stacks bars on their running sum: one empty value stops every bar above it in
    the stack from being drawn, and an axis sum reads it as 0. The chart leaves such
    groups out (the page's note counts the rows, its table writes "not given"); with
    every value present the frame is returned as it is.
    """
    if measure not in data.columns or not data[measure].isna().any():
        return data
    return data[data[measure].notna()]
