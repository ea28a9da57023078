"""A view in words (#24): "出口量 · 人参 · 日本、韩国 · 按年", in the page's language.

The run-sheet editor and the presenter's console say what a step shows this way instead
of printing its raw address. Pure: names come from the loaded data, words from the
catalogue; a ``View`` in, one line out.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from zones.dataset.filters import period_label
from zones.i18n import t
from zones.model import Dataset
from zones.view import KEY_BY, KEY_INTERVAL, KEY_MEASURE, KEY_PROFILE, View


def _names(frame: pd.DataFrame, key: str, ids: Sequence[str], col: str) -> list[str]:
    lookup = dict(zip(frame[key].astype(str), frame[col], strict=True))
    return [str(lookup.get(i, i)) for i in ids]


def describe(ds: Dataset, view: View, lang: str) -> str:
    """What ``view`` shows, in ``lang``: page, filter, period, options, language."""
    en = lang == "en"
    sep = ", " if en else "、"
    f = view.filter
    parts = [t(f"page.{view.page}", lang)]
    prefs = ds.counties.drop_duplicates("prefecture_adcode")
    for frame, key, ids, col in (
            (ds.products, "product_id", f.products, "name_en" if en else "name_zh"),
            (ds.destinations, "iso3", f.destinations, "name_en" if en else "name_zh"),
            (prefs, "prefecture_adcode", f.prefectures,
             "prefecture_en" if en else "prefecture_zh"),
            (ds.zones, "zone_id", f.zones, "short_en" if en else "short_zh")):
        if ids:
            parts.append(sep.join(_names(frame, key, ids, col)))
    if f.period:
        parts.append(period_label(f.period, ds.periods))
    if f.report_only:
        parts.append(t("filter.facts_only_tag", lang))
    if profile := view.option(KEY_PROFILE):
        name = _names(ds.zones, "zone_id", [profile], "short_en" if en else "short_zh")[0]
        parts.append(t("words.profile", lang, zone=name))
    if view.page == "volumes":
        parts.append(t(f"vol.{view.option(KEY_INTERVAL)}", lang))
        if (dict(view.options).get(KEY_BY)) is not None:
            parts.append(t("words.by", lang, dim=t(f"vol.by.{view.option(KEY_BY)}", lang)))
        if (dict(view.options).get(KEY_MEASURE)) is not None:
            parts.append(t(f"opt.{view.option(KEY_MEASURE)}", lang))
    if view.lang != lang:
        parts.append(t(f"words.lang.{view.lang}", lang))
    return " · ".join(parts)
