"""What each chart and map says to a screen reader, in the page's language (#23).

Vega-Lite's top-level ``description`` becomes the drawing's ``aria-label``; without it every
chart was announced as "Vega visualization". Each sentence names what the chart shows and
its main figures, exactly (``fmt_number`` never rounds), from the frame the chart is drawn
from, with the source labels of what it draws (illustrative data says so here too).
Layers that carry nothing to read (outlines, land, sea) are left out of the accessibility
tree (``aria: false``); otherwise they are unnamed images (axe: svg-img-alt).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from zones import units
from zones.i18n import fmt_number, fmt_percent, t

_MAX_ITEMS = 3  # a sentence lists the top three; the table under the chart has the rest


def _sources(data: pd.DataFrame, lang: str) -> str:
    labels = sorted(set(data["source_label"].dropna().astype(str))) if (
        "source_label" in data) else []
    return "、".join(labels) if lang == "zh" else ", ".join(labels)


def _join(items: list[str], lang: str) -> str:
    return "；".join(items) if lang == "zh" else "; ".join(items)


def _value(value: object, measure: str, lang: str) -> str:
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    if pd.isna(number):
        return t("vol.not_given", lang)
    return f"{fmt_number(float(number), lang)} {t(f'desc.unit.{measure}', lang)}".strip()


def _top(data: pd.DataFrame, label: str, measure: str, lang: str) -> str:
    ranked = data.assign(_v=pd.to_numeric(data[measure], errors="coerce")).dropna(
        subset=["_v"]).sort_values("_v", ascending=False).head(_MAX_ITEMS)
    return _join([f"{row[label]} {_value(row['_v'], measure, lang)}"
                  for _, row in ranked.iterrows()], lang)


def _empty(lang: str) -> str:
    return t("desc.empty", lang)


def timeseries(data: pd.DataFrame, by: str, measure: str, yearly: bool, lang: str) -> str:
    title = units.chart_title("vol.timeseries", measure, lang)
    if data.empty or measure not in data:
        return f"{title}: {_empty(lang)}"
    step = "year" if yearly else "period"
    totals = data.groupby(step, sort=True)[measure].sum(min_count=1).reset_index()
    per = data.groupby(by)[measure].sum(min_count=1).reset_index()
    return t("desc.timeseries", lang, title=title, source=_sources(data, lang),
             start=totals[step].iloc[0], end=totals[step].iloc[-1], n=per[by].nunique(),
             by=t(f"vol.by.{by}", lang),
             total=_value(pd.to_numeric(data[measure], errors="coerce").sum(min_count=1),
                          measure, lang),
             top=_top(per, by, measure, lang))


def ranking(data: pd.DataFrame, by: str, measure: str, lang: str) -> str:
    title = units.chart_title("vol.ranking", measure, lang)
    if data.empty or measure not in data:
        return f"{title}: {_empty(lang)}"
    return t("desc.ranking", lang, title=title, source=_sources(data, lang), n=len(data),
             by=t(f"vol.by.{by}", lang), top=_top(data, by, measure, lang))


def yoy(data: pd.DataFrame, measure: str, lang: str) -> str:
    title = units.chart_title("vol.yoy", measure, lang)
    if data.empty or measure not in data:
        return f"{title}: {_empty(lang)}"
    x = "year_label" if "year_label" in data else "year"
    years = []
    for _, row in data.iterrows():
        text = f"{row[x]} {_value(row[measure], measure, lang)}"
        if "growth" in data and pd.notna(row["growth"]):
            text += f" ({fmt_percent(float(row['growth']), lang)})"
        years.append(text)
    return t("desc.yoy", lang, title=title, source=_sources(data, lang),
             years=_join(years, lang))


def matrix(data: pd.DataFrame, measure: str, lang: str) -> str:
    title = units.chart_title("vol.matrix", measure, lang)
    if data.empty or measure not in data:
        return f"{title}: {_empty(lang)}"
    pairs = data.assign(pair=data["product"].astype(str) + " → " + data["destination"].astype(str))
    return t("desc.matrix", lang, title=title, source=_sources(data, lang), n=len(data),
             products=data["product"].nunique(), dests=data["destination"].nunique(),
             top=_top(pairs, "pair", measure, lang))


def zone_map(zones: pd.DataFrame, lang: str) -> str:
    if zones.empty:
        return t("desc.zone_map", lang, n=0, source="", top=_empty(lang))
    shown = zones if zones["tonnes"].fillna(0).sum() > 0 else zones.assign(tonnes=None)
    top = (_top(shown, "short", "tonnes", lang) if shown["tonnes"].notna().any()
           else "、".join(zones["short"].astype(str)) if lang == "zh"
           else ", ".join(zones["short"].astype(str)))
    return t("desc.zone_map", lang, n=len(zones), source=_sources(zones, lang), top=top)


def world_map(dests: pd.DataFrame, firsts: pd.DataFrame, lang: str) -> str:
    top = _top(dests, "destination", "tonnes", lang) if len(dests) else _empty(lang)
    first = _join([str(label) + " → " + str(iso) for label, iso in
                   zip(firsts.get("label", []), firsts.get("iso3", []), strict=False)], lang)
    return t("desc.world_map", lang, n=len(dests), source=_sources(dests, lang), top=top,
             firsts=first or _empty(lang))


def china_inset(lang: str) -> str:
    return t("desc.china_inset", lang)


def _quiet(node: dict[str, Any], repeats: tuple[str, ...]) -> None:
    """``aria: false`` on marks with nothing to read (no tooltip, no text), and on layers
    drawn from ``repeats`` (shapes another layer names already; often drawn empty, and an
    empty mark is an unnamed image too)."""
    for sub in node.get("layer", []):
        _quiet(sub, repeats)
    mark = node.get("mark")
    if mark is None:
        return
    mark = {"type": mark} if isinstance(mark, str) else dict(mark)
    encoding = node.get("encoding", {})
    data = node.get("data") or {}
    if (mark["type"] != "text" and "tooltip" not in encoding and "description" not in encoding
            and "tooltip" not in mark) or data.get("name") in repeats:
        mark["aria"] = False
        node["mark"] = mark


def speak(spec: dict[str, Any], description: str, repeats: tuple[str, ...] = ()
          ) -> dict[str, Any]:
    """``spec`` with its ``description`` and its decorative layers out of the a11y tree."""
    spec["description"] = description
    _quiet(spec, repeats)
    return spec
