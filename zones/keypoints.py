"""Key points (要点): the sentences an officer would write under a page, computed from its view.

Officials retyped the figures of a chart into Word, the step where figures got misquoted.
Each sentence here takes its numbers from the same metrics functions that feed the charts
(``metrics.yoy``, ``metrics.ranking``, ``metrics.first_export_cards``,
``metrics.figure_kpis``), so a sentence and its chart cannot disagree; ``figures`` holds
those numbers exactly as the functions returned them, and the text shows them in the
units the pages use (万/亿美元, 吨; USD thousand/million), with illustrative figures
marked inside the sentence. What the data cannot support (an empty view, one category,
no earlier year) is said, or the sentence is left out.

Pure: no Streamlit, no clock. The page, the data export, the written brief, the run-sheet
player and the deck all call :func:`key_points`, which is cached per (data, view).
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from zones import metrics
from zones.dataset import filters
from zones.i18n import fmt_number, name_col, t
from zones.model import SOURCES, Dataset
from zones.units import MONEY, money_unit
from zones.view import View

LEADERS = 3  # how many leading destinations / products / zones a sentence names


@dataclass(frozen=True)
class KeyPoint:
    """One sentence and what it rests on.

    ``kind``: "total" (latest full year, with its like-for-like change), "leaders",
    "first_exports", "report", "empty". ``figures``: the exact numbers the sentence
    states, as the metrics functions returned them (a share 0.3851 for "38.5%").
    ``sources``: FACTS ids ("C4"), "illustrative" or "imported".
    """

    kind: str
    text: str
    figures: tuple[float, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def illustrative(self) -> bool:
        return "illustrative" in self.sources


def page_measure(view: View) -> str:
    """The measure the key points speak of: the volumes page's choice, else export value."""
    return (view.option("measure") or "tonnes") if view.page == "volumes" else MONEY


def page_dims(view: View) -> tuple[str, ...]:
    """What the leaders sentence ranks: the volumes page's breakdown, else destinations
    and products (the overview's trend is by product; its map and routes by destination)."""
    if view.page == "volumes":
        return (view.option("by") or "product",)
    return ("destination", "product")


# ---------------------------------------------------------------- numbers in words


def fmt_measure(value: float, measure: str, lang: str) -> str:
    """A total as the page's charts show it: 1,234.5万美元 / USD 12.35 million, 吨, 批."""
    if measure == MONEY:
        divisor, key, fmt = money_unit(value, lang)
        digits = 2 if fmt == ",.2f" else 1
        return t(f"kp.{key}", lang, n=f"{value / divisor:,.{digits}f}")
    if measure == "tonnes":
        return t("unit.tonnes", lang, n=f"{value:,.1f}")
    return t("unit.consignments", lang, n=fmt_number(value, lang))


def fmt_share(share: float) -> str:
    """A share as the ranking chart's tooltip shows it (d3 ``.1%``)."""
    return f"{share * 100:.1f}%"


def fmt_growth(growth: float) -> str:
    """The size of a change, as the growth chart labels it, without its sign (the word
    增长/下降, up/down says the direction)."""
    return f"{abs(growth) * 100:.1f}%"


def _tag(illustrative: bool, lang: str) -> str:
    """The marking inside a sentence, right after the figure it concerns."""
    if not illustrative:
        return ""
    return ("" if lang == "zh" else " ") + t("source.illustrative_tag", lang)


def _sources_of(label: str, lang: str) -> tuple[str, ...]:
    """The source ids behind a ``metrics.sources_label`` text ('示意数据（非事实） + 导入数据')."""
    parts = {p.strip() for p in str(label).split(" + ")}
    return tuple(s for s in SOURCES if t(f"source.{s}", lang) in parts)


def _join(names: Sequence[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _names(frame: pd.DataFrame, key: str, col: str, ids: Sequence[str]) -> list[str]:
    lookup = dict(zip(frame[key].astype(str), frame[col].astype(str), strict=True))
    return [lookup.get(i, i) for i in ids]


def scope(ds: Dataset, view: View) -> str:
    """Whose exports: '人参对日本、韩国' / 'ginseng to Japan and South Korea', from the filter."""
    f, lang = view.filter, view.lang
    nc = name_col(lang)
    places = _names(ds.counties.drop_duplicates("prefecture_adcode"), "prefecture_adcode",
                    "prefecture_zh" if lang == "zh" else "prefecture_en", f.prefectures)
    places += _names(ds.zones, "zone_id", "short_zh" if lang == "zh" else "short_en", f.zones)
    products = _names(ds.products, "product_id", nc, f.products)
    dests = _names(ds.destinations, "iso3", nc, f.destinations)
    if lang == "en":
        products = [p[:1].lower() + p[1:] if p[1:2].islower() else p for p in products]
    text = t("kp.scope", lang,
             places=_join(places, lang) if places else t("kp.scope.all", lang),
             products=t("kp.scope.products", lang, names=_join(products, lang))
             if products else "",
             dests=t("kp.scope.dests", lang, names=_join(dests, lang)) if dests else ""
             )
    return re.sub(r" {2,}", " ", text).strip()  # English: the spaces of empty parts


# ---------------------------------------------------------------- the sentences


def _total(ds: Dataset, view: View, labeled: metrics.Labeled, measure: str) -> KeyPoint:
    """The latest full year's total and its change on the same months of the year before."""
    lang = view.lang
    growth = metrics.yoy(labeled, measure, lang)  # the growth chart's own frame
    full = growth[growth["year_label"] == growth["year"]]
    row = (full if not full.empty else growth).iloc[-1]
    year, label = str(row["year"]), str(row["year_label"])
    total = float(row[measure])
    srcs = _sources_of(row["source_label"], lang)
    text = t(f"kp.total.{measure}", lang, year=t("kp.year", lang, year=label)
             if label == year else label, scope=scope(ds, view),
             value=fmt_measure(total, measure, lang) + _tag("illustrative" in srcs, lang))
    figures: list[float] = [total]
    g = float(row["growth"])
    if math.isnan(g):
        why = str(row["growth_basis"])
        change = why if lang == "zh" else why[:1].lower() + why[1:]
    else:
        gsrcs = _sources_of(row["growth_source_label"], lang)
        srcs = tuple(s for s in SOURCES if s in srcs or s in gsrcs)
        same = row["growth_basis"] == t("growth.basis", lang, cur=year, prev=str(int(year) - 1))
        word = "up" if g > 0 else "down" if g < 0 else "flat"
        change = t(f"kp.growth.{word}", lang, pct=fmt_growth(g),
                   basis=t("kp.basis.year", lang) if same
                   else t("kp.basis.months", lang, basis=row["growth_basis"]),
                   tag=_tag("illustrative" in gsrcs, lang))
        figures.append(g)
    return KeyPoint("total", t("kp.sentence", lang, a=text, b=change), tuple(figures), srcs)


def _leaders(view: View, labeled: metrics.Labeled, measure: str, by: str) -> KeyPoint | None:
    """The leading names of ``by`` with their shares, as the ranking chart ranks them."""
    lang = view.lang
    ranked = metrics.ranking(labeled, by, measure)  # type: ignore[arg-type]
    ranked = ranked[ranked[measure].notna()]
    if ranked.empty:
        return None
    srcs = tuple(s for s in SOURCES if any(s in _sources_of(lbl, lang)
                                           for lbl in ranked["source_label"].unique()))
    tag = _tag("illustrative" in srcs, lang)
    what = t(f"kp.dim.{by}", lang)
    if ranked[by].nunique() == 1:  # nothing to compare: say there is only one
        return KeyPoint("leaders", t("kp.leaders.one", lang, what=t(f"kp.dim1.{by}", lang),
                                     name=str(ranked[by].iloc[0]), tag=tag), (), srcs)
    top = ranked.head(LEADERS)
    names = [t("kp.leader", lang, name=r[by], share=fmt_share(float(r["share"])))
             for r in top.to_dict("records")]
    text = t("kp.leaders", lang, what=what, measure=t(f"kp.measure.{measure}", lang),
             names=_join(names, lang), tag=tag)
    return KeyPoint("leaders", text, tuple(float(s) for s in top["share"]), srcs)


def _first_exports(ds: Dataset, view: View, slices: filters.Slices) -> KeyPoint | None:
    lang = view.lang
    cards = metrics.first_export_cards(ds, slices.first_exports, lang)
    if cards.empty:
        return None
    routes = [t("kp.route", lang, product=c.product, destination=c.destination)
              for c in cards.itertuples()]
    years = sorted({str(y) for y in cards["year"]})
    text = t("kp.first.one" if len(cards) == 1 else "kp.first", lang,
             n=fmt_number(len(cards), lang), routes=_join(routes, lang), years=_join(years, lang))
    ids = ["F0", *[str(f) for f in cards["fact_id"] if f]]
    return KeyPoint("first_exports", text, (float(len(cards)),), tuple(dict.fromkeys(ids)))


def concerning_figures(ds: Dataset, view: View) -> pd.DataFrame:
    """The report's figures that concern the filter.

    With no product, destination, prefecture or zone chosen: the headline figures. With
    some: the figures of the facts that name the chosen products, destinations and zones
    (ginseng → Z1, the 16 zones; a first-export destination → F0, the five routes). An
    empty frame when the report says nothing about them.
    """
    f, figs = view.filter, ds.figures
    if not (f.products or f.destinations or f.prefectures or f.zones):
        return figs[figs["headline"].astype(str) == "true"]
    facts: set[str] = set()
    for frame, key, ids in ((ds.products, "product_id", f.products),
                            (ds.destinations, "iso3", f.destinations),
                            (ds.zones, "zone_id", f.zones)):
        chosen = frame[frame[key].isin(ids)]
        facts |= {str(x) for x in chosen["fact_id"].dropna() if str(x)}
    if any(x.startswith("F") for x in facts):
        facts.add("F0")  # a first-export product or destination: the report counts them
    return figs[figs["fact_id"].isin(facts)]


def _report(ds: Dataset, view: View) -> KeyPoint | None:
    lang = view.lang
    figs = concerning_figures(ds, view)
    if figs.empty:
        return None
    kpis = metrics.figure_kpis(ds, figs, lang)
    items = [t("kp.report.item", lang, label=label, value=value) for label, value, _ in kpis]
    text = t("kp.report", lang, items=("；" if lang == "zh" else "; ").join(items))
    return KeyPoint("report", text, tuple(float(v) for v in figs["value"]),
                    tuple(dict.fromkeys(str(x) for x in figs["fact_id"])))


def _compute(ds: Dataset, view: View) -> tuple[KeyPoint, ...]:
    lang = view.lang
    # The kept slices of the filter, as the page's charts take them: the labelled rows and
    # the sums below are the ones the charts already made (memoised per slice), so the
    # sentences add their wording to a rerun, not a second aggregation.
    slices = filters.slices(ds, view.filter)
    labeled = metrics.label_volumes(ds, slices.volumes, lang)
    points: list[KeyPoint | None] = []
    if labeled.empty:
        key = "kp.empty.facts_only" if view.filter.report_only else "kp.empty"
        points.append(KeyPoint("empty", t(key, lang)))
    else:
        measure = page_measure(view)
        points.append(_total(ds, view, labeled, measure))
        points += [_leaders(view, labeled, measure, by) for by in page_dims(view)]
    points += [_first_exports(ds, view, slices), _report(ds, view)]
    return tuple(p for p in points if p is not None)


# ---------------------------------------------------------------- cache and text

_CACHE: OrderedDict[tuple[int, View], tuple[Dataset, tuple[KeyPoint, ...]]] = OrderedDict()
_CACHE_LIMIT = 64


def key_points(ds: Dataset, view: View) -> tuple[KeyPoint, ...]:
    """The key points of ``view`` in its language; computed once per (data, view).

    The cache holds the dataset it was computed from, so a reloaded dataset (a new
    object) never gets another's sentences, and its id is not reused while cached.
    """
    key = (id(ds), view.replace(present=False))
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is ds:
        _CACHE.move_to_end(key)
        return hit[1]
    points = _compute(ds, key[1])
    _CACHE[key] = (ds, points)
    while len(_CACHE) > _CACHE_LIMIT:
        _CACHE.popitem(last=False)
    return points


def clear_cache() -> None:
    """Forget every computed view (a benchmark measures the first call for a view)."""
    _CACHE.clear()


def as_text(points: Sequence[KeyPoint], lang: str) -> str:
    """The key points as plain text to paste into a document: numbered, one a line."""
    lines = [t("kp.title", lang)]
    lines += [f"{i}. {p.text}" for i, p in enumerate(points, start=1)]
    return "\n".join(lines) + "\n"


def table(points: Sequence[KeyPoint], lang: str) -> pd.DataFrame:
    """The key points as a table (the data export's sheet): number, text, sources."""
    return pd.DataFrame({
        t("kp.col.n", lang): list(range(1, len(points) + 1)),
        t("kp.col.text", lang): [p.text for p in points],
        t("kp.col.sources", lang): [", ".join(t(f"source.{s}", lang) if s in SOURCES else s
                                              for s in p.sources) for p in points],
    })
