"""The tables under the charts: translated headers on screen, typed cells in files.

``display_table`` is what a page shows (percentages as text, "–" for no value);
``export_table`` is the same rows for Excel and CSV, numbers as numbers with their number
formats (issue 17), so a spreadsheet can add them up.
"""

from __future__ import annotations

import pandas as pd

from zones import units
from zones.consignments import not_given
from zones.dataset.volumes import (
    MEASURES,
)
from zones.i18n import fmt_percent, t

MAX_DECIMALS = 6  # beyond this a float's digits are noise, not a figure


def number_format(values: pd.Series) -> str:
    """The printf format a table column shows its numbers in (#23): the app's own
    "1,234.5" in both languages, not the browser's locale (the "localized" format gave
    "1.234,5" in a German browser); as many decimals as the most precise value has, so a
    figure is never rounded on screen."""
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    decimals = 0
    for value in numbers:
        text = f"{abs(float(value)):.{MAX_DECIMALS}f}".rstrip("0")
        decimals = max(decimals, len(text.split(".", 1)[1]) if "." in text else 0)
    return f"%,.{decimals}f"


def download_name(key: str, lang: str, ext: str = "csv", **ids: str) -> str:
    """A download's file name in the page's language (#23), from the catalogue's ``key``.

    The Chinese name says what the file holds in Chinese ("时间序列-产品-出口量.csv"); the
    English one keeps the ids it always had ("timeseries-product-tonnes.csv"). Ids other
    than ``by`` and ``measure`` (a zone, a table) are codes and stay as they are.
    """
    words = dict(ids)
    if lang == "zh":
        if "by" in ids:
            words["by"] = t(f"vol.by.{ids['by']}", lang)
        if "measure" in ids:
            words["measure"] = t(f"dl.measure.{ids['measure']}", lang)
    return f"{t(key, lang, **words)}.{ext}"


# Frame columns → catalogue keys for the tables shown under charts and exported as CSV.
COLUMN_KEYS = {
    "rank": "col.rank", "period": "col.period", "year": "col.year", "product": "col.product",
    "destination": "col.destination", "zone": "col.zone", "category": "col.category",
    "category_label": "col.category", "tonnes": "col.tonnes", "value_usd": "col.value_usd",
    "consignments": "col.consignments", "share": "col.share", "growth": "col.growth",
    "source_label": "col.source", "name": "col.zone", "products": "col.products",
    "level": "col.level", "county": "col.county", "prefecture": "col.prefecture",
    "fact_id": "col.fact_id", "lon": "col.lon", "lat": "col.lat",
    "year_label": "col.year", "growth_basis": "col.growth_basis",
    "growth_source_label": "col.growth_source",
    units.SHOWN: "col.value_usd",
}


def display_table(df: pd.DataFrame, lang: str, drop: tuple[str, ...] = (),
                  illustrative_measures: bool = False, stack_by: str | None = None
                  ) -> pd.DataFrame:
    """Keep the shown columns, translate their headers; the source column always stays.

    ``illustrative_measures`` marks the volume headers, for tables (like the zones table)
    where a report-fact row sits next to an illustrative volume. Money comes first in the
    unit its chart draws (万美元 / USD million: ``stack_by`` as the chart stacks), with the
    exact dollars beside it (#22).
    """
    df = _in_chart_unit(df, lang, stack_by)
    keep = [c for c in df.columns if c in COLUMN_KEYS and c not in drop]
    if "year_label" in keep:  # a part-year shows its months in place of the bare year
        keep.remove("year")
    out = df[keep].copy()
    for col in ("share", "growth"):
        if col in out.columns:
            out[col] = [fmt_percent(v, lang) if pd.notna(v) else "–" for v in out[col]]
    if "share" in out.columns:
        out["share"] = out["share"].str.lstrip("+")
    if "category" in out.columns and "category_label" not in out.columns:
        out["category"] = out["category"].map(lambda c: t(f"cat.{c}", lang))
    elif "category" in out.columns:
        out = out.drop(columns="category")
    if "consignments" in out.columns and out["consignments"].isna().any():
        out["consignments"] = not_given(out["consignments"], lang)  # not 0 (#17)
    suffix = ""
    if illustrative_measures:
        suffix = ("" if lang == "zh" else " ") + t("source.illustrative_tag", lang)
    shown_title = df.attrs.get("shown_title", "")
    return out.rename(columns={
        c: (shown_title if c == units.SHOWN else t(COLUMN_KEYS[c], lang))
        + (suffix if c in (*MEASURES, units.SHOWN) else "") for c in out.columns})


def _in_chart_unit(df: pd.DataFrame, lang: str, stack_by: str | None) -> pd.DataFrame:
    """``df`` with the money column also in its chart's unit, rounded as the chart shows
    it, placed just before the exact dollars."""
    if units.MONEY not in df.columns or df.empty:
        return df
    data, shown = units.shown(df.drop(columns=[units.SHOWN], errors="ignore"), units.MONEY,
                              lang, stack_by=stack_by)
    decimals = int(shown.fmt.rsplit(".", 1)[-1].rstrip("f") or 0)
    cols = [c for c in df.columns if c != units.SHOWN]
    at = cols.index(units.MONEY)
    out = data[[*cols[:at], units.SHOWN, *cols[at:]]].copy()
    out[units.SHOWN] = out[units.SHOWN].round(decimals)
    out.attrs["shown_title"] = shown.title
    return out


_EXPORT_KEYS = {**COLUMN_KEYS, "year_label": "col.year_span", "share": "col.share_pct",
                "growth": "col.growth_pct"}


_EXPORT_FORMATS = {"tonnes": "#,##0.0", "value_usd": "#,##0", "consignments": "#,##0",
                   "share": "0.0%", "growth": "0.0%", "rank": "0", "year": "0",
                   "lon": "0.0000", "lat": "0.0000"}


def export_table(df: pd.DataFrame, lang: str, drop: tuple[str, ...] = (),
                 illustrative_measures: bool = False) -> pd.DataFrame:
    """``display_table`` for a file: the same rows with numbers as numbers.

    Growth and shares stay fractions (Excel shows them with ``0.0%``), years are
    integers, a part-year's months go in their own text column; ``attrs["formats"]``
    maps each header to its Excel number format, and the headers carry the units.
    """
    keep = [c for c in df.columns if c in _EXPORT_KEYS and c not in drop]
    out = df[keep].copy()
    if "year" in out.columns:
        out["year"] = pd.to_numeric(out["year"], errors="coerce").astype("Int64")
    for col in (*MEASURES, "share", "growth", "lon", "lat"):
        if col in out.columns:
            out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    if "rank" in out.columns:
        out["rank"] = pd.to_numeric(out["rank"], errors="coerce").astype("Int64")
    if "category" in out.columns and "category_label" not in out.columns:
        out["category"] = out["category"].map(lambda c: t(f"cat.{c}", lang))
    elif "category" in out.columns:
        out = out.drop(columns="category")
    suffix = ""
    if illustrative_measures:
        suffix = ("" if lang == "zh" else " ") + t("source.illustrative_tag", lang)
    headers = {c: t(_EXPORT_KEYS[c], lang) + (suffix if c in MEASURES else "")
               for c in out.columns}
    out = out.rename(columns=headers)
    out.attrs["formats"] = {headers[c]: f for c, f in _EXPORT_FORMATS.items() if c in headers}
    return out
