"""The shared filter: one state object, how it narrows the data, how it reads in words.

The sidebar turns widgets (bound to the URL) into a ``FilterState``; every page calls
``apply_filters`` with it, so all pages agree on what "filtered" means.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from zones.dataset.columnar import forget, mark_full, period_mask
from zones.dataset.volumes import VolumeRows, Volumes, grouped
from zones.i18n import name_col, t
from zones.model import Dataset
from zones.view import Filter

# The filter is part of the view (zones.view); the old name stays for its many callers.
FilterState = Filter


@dataclass(frozen=True)
class Slices:
    """The filtered slices every page draws from."""

    zones: pd.DataFrame
    volumes: VolumeRows
    first_exports: pd.DataFrame
    figures: pd.DataFrame
    state: FilterState

    @property
    def shows_illustrative(self) -> bool:
        # Read from the source column: imported volumes are not illustrative (#6).
        return bool((self.zones["source"] == "illustrative").any()
                    or (grouped(self.volumes, ("source",))["source"] == "illustrative").any())


def _zone_mask(zones: pd.DataFrame, f: FilterState) -> pd.Series:
    mask = pd.Series(True, index=zones.index)
    if f.products:
        wanted = set(f.products)
        mask &= zones["product_list"].map(lambda ps: bool(wanted.intersection(ps)))
    if f.prefectures:
        mask &= zones["prefecture_adcode"].isin(f.prefectures)
    if f.zones:
        mask &= zones["zone_id"].isin(f.zones)
    if f.report_only:
        mask &= zones["source"] == "report"
    return mask.astype(bool)


def filter_volumes(volumes: VolumeRows, f: FilterState, zone_ids: set[str] | None
                   ) -> VolumeRows:
    """Volumes under the filter. ``zone_ids`` restricts to zones when a zone filter is set."""
    if isinstance(volumes, Volumes):  # a database: the filter becomes its WHERE clause
        return volumes.filtered(f, zone_ids)
    if f.report_only:
        return volumes.iloc[0:0]
    if not (f.period or f.products or f.destinations or zone_ids is not None):
        return volumes  # no copy of a million rows for "everything" (frames are read-only)
    mask = pd.Series(True, index=volumes.index)
    if f.period:
        mask &= period_mask(volumes["period"], f.period[0], f.period[1])
    if f.products:
        mask &= volumes["product_id"].isin(f.products)
    if f.destinations:
        mask &= volumes["destination_iso3"].isin(f.destinations)
    if zone_ids is not None:
        mask &= volumes["zone_id"].isin(zone_ids)
    return volumes[mask.astype(bool)]


def apply_filters(ds: Dataset, f: FilterState) -> Slices:
    zones = ds.zones[_zone_mask(ds.zones, f)]
    restrict = set(zones["zone_id"]) if (f.prefectures or f.zones) else None
    volumes = filter_volumes(ds.volumes, f, restrict)
    if f.destinations:
        # A zone "exports to" a destination only through the (illustrative) volumes.
        exporting = set(grouped(volumes, ("zone_id",))["zone_id"].dropna().unique())
        zones = zones[zones["zone_id"].isin(exporting)]
    first = ds.first_exports
    if f.products:
        first = first[first["product_id"].isin(f.products)]
    if f.destinations:
        first = first[first["destination_iso3"].isin(f.destinations)]
    if f.period:
        y0, y1 = int(f.period[0][:4]), int(f.period[1][:4])
        first = first[(first["year"] >= y0) & (first["year"] <= y1)]
    return Slices(zones=zones, volumes=volumes, first_exports=first, figures=ds.figures,
                state=f)


_SLICES: OrderedDict[tuple[int, FilterState], tuple[Dataset, Slices]] = OrderedDict()
_SLICES_LIMIT = 4  # recent filters per process; each holds at most a copy of the volumes
_SLICES_LOCK = threading.Lock()


def slices(ds: Dataset, f: FilterState) -> Slices:
    """``apply_filters`` once per loaded dataset and filter, kept for the next reruns.

    The app loads one ``Dataset`` object per data version, so the dataset's identity is
    the version: a rerun that changes nothing in the filter (a page option, a click on a
    chart, the language) or returns to a recent filter costs a lookup. The slices' volumes
    are kept while cached (``columnar.mark_full``), so what the metrics aggregate from
    them is computed once too (``columnar.memo``).
    """
    key = (id(ds), f)
    with _SLICES_LOCK:
        hit = _SLICES.get(key)
        if hit is not None and hit[0] is ds:
            _SLICES.move_to_end(key)
            return hit[1]
    out = apply_filters(ds, f)
    if isinstance(out.volumes, pd.DataFrame):
        mark_full(out.volumes)
    with _SLICES_LOCK:
        _SLICES[key] = (ds, out)
        while len(_SLICES) > _SLICES_LIMIT:
            old_ds, old = _SLICES.popitem(last=False)[1]
            if old.volumes is not old_ds.volumes:  # the whole table stays memoised
                forget(old.volumes)
    return out


def _names(ds_frame: pd.DataFrame, key: str, ids: Sequence[str], lang: str,
           name: str | None = None) -> list[str]:
    lookup = dict(zip(ds_frame[key], ds_frame[name or name_col(lang)], strict=True))
    return [str(lookup.get(i, i)) for i in ids]


def period_label(period: tuple[str, str] | None, periods: Sequence[str]) -> str:
    start, end = period or (periods[0], periods[-1])
    if start[5:] == "01" and end[5:] == "12":
        return start[:4] if start[:4] == end[:4] else f"{start[:4]}–{end[:4]}"
    return f"{start}–{end}"


def summary(ds: Dataset, f: FilterState, lang: str) -> str:
    """One line that says what the page shows, e.g. '人参 · 日本 · 2009–2011'."""
    parts: list[str] = []
    sep = "、" if lang == "zh" else ", "
    if f.products:
        parts.append(sep.join(_names(ds.products, "product_id", f.products, lang)))
    if f.destinations:
        parts.append(sep.join(_names(ds.destinations, "iso3", f.destinations, lang)))
    if f.prefectures:
        pref_col = "prefecture_zh" if lang == "zh" else "prefecture_en"
        prefs = ds.counties.drop_duplicates("prefecture_adcode")
        parts.append(sep.join(_names(prefs, "prefecture_adcode", f.prefectures, lang,
                                     pref_col)))
    if f.zones:
        parts.append(sep.join(_names(ds.zones, "zone_id", f.zones, lang)))
    period = period_label(f.period, ds.periods)
    text = " · ".join([*parts, period]) if parts else t("filter.none", lang, period=period)
    if f.report_only:
        text += " · " + t("filter.facts_only_tag", lang)
    return text
