"""Aggregations behind every chart and table, so that a figure is reproducible from data.

Each function takes filtered frames and returns a tidy frame whose columns the chart
encodes and the table under the chart shows; nothing is computed in the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from zones.datafiles import downloadable_files
from zones.dataset.columnar import derive, is_full, mark_full, memo, plain
from zones.dataset.filters import Slices
from zones.dataset.volumes import (
    Labeled,
    LabeledVolumes,
    VolumeRows,
    Volumes,
    grouped,
    labeled_at,
)
from zones.i18n import fmt_quantity, name_col, t
from zones.model import SOURCES, Dataset, product_colors
from zones.view import DIMS, MEASURES  # noqa: F401 (DIMS re-exported)

Measure = Literal["tonnes", "value_usd", "consignments"]


Dim = Literal["product", "destination", "zone"]




def sources_label(sources: pd.Series, lang: str) -> str:
    """The source(s) of aggregated rows, e.g. 'Illustrative (not a fact)' or 'Imported'.

    Totals over volumes inherit the sources of what they add up (illustrative, imported,
    or both), so a chart of imported data never says "illustrative" and vice versa.
    """
    present = set(sources.dropna())
    shown = [s for s in SOURCES if s in present] or ["illustrative"]
    return " + ".join(t(f"source.{s}", lang) for s in shown)


def volume_heading(key: str, volumes: VolumeRows, lang: str) -> str:
    """A volume heading tagged with what the volumes are: '(illustrative)' or '(imported)'."""
    text = t(key, lang)
    if any_illustrative(volumes) or volumes.empty:
        return text
    plain = text.replace(t("source.illustrative_tag", lang), "").rstrip()
    if (_sources(volumes) == "imported").any():
        return plain + ("" if lang == "zh" else " ") + t("source.imported_tag", lang)
    return plain


def _sources(volumes: VolumeRows) -> pd.Series:
    """The source of each row (files) or of each group of sums (database)."""
    frame = grouped(volumes, ("source",))
    return frame["source"] if "source" in frame else pd.Series(dtype="string")


def label_volumes(ds: Dataset, volumes: VolumeRows, lang: str) -> Labeled:
    """Attach display names (and category) in ``lang``; unattributed zones get a label.

    A database's ``Volumes`` is labeled lazily: each metric below gets the labeled sums
    at the grain it groups by (see ``zones.dataset.volumes.LabeledVolumes``).
    """
    if isinstance(volumes, Volumes):
        return LabeledVolumes(volumes, lambda sums: _label_volumes(ds, sums, lang))
    if is_full(volumes):  # a kept table: labelled once per language (zones/columnar.py)
        return memo(volumes, ("label", lang), lambda: mark_full(
            _label_volumes(ds, volumes, lang)))
    return _label_volumes(ds, volumes, lang)


def _label_volumes(ds: Dataset, volumes: pd.DataFrame, lang: str) -> pd.DataFrame:
    nc = name_col(lang)
    pname = dict(zip(ds.products["product_id"], ds.products[nc], strict=True))
    pcat = dict(zip(ds.products["product_id"], ds.products["category"], strict=True))
    dname = dict(zip(ds.destinations["iso3"], ds.destinations[nc], strict=True))
    zname = dict(zip(ds.zones["zone_id"], ds.zones[nc], strict=True))
    # Lookups, not merges: per category on the categorical engine (zones/columnar.py).
    # Sums from a database carry only the columns a metric asked for.
    have = volumes.columns
    unknown = t("unknown_zone", lang)
    labels = pd.DataFrame({name: fn() for name, base, fn in (
        ("product", "product_id", lambda: derive(volumes["product_id"], pname.get)),
        ("category", "product_id", lambda: derive(volumes["product_id"], pcat.get)),
        ("destination", "destination_iso3",
         lambda: derive(volumes["destination_iso3"], dname.get)),
        ("zone", "zone_id", lambda: derive(
            volumes["zone_id"], lambda z: zname.get(z, unknown), na=unknown)),
        ("year", "period", lambda: derive(volumes["period"], lambda p: str(p)[:4])),
        ("source_label", "source",
         lambda: derive(volumes["source"], lambda s: t(f"source.{s}", lang))),
    ) if base in have}, index=volumes.index)
    out = pd.concat([volumes, labels], axis=1, copy=False)  # no copy of the rows' columns
    out.index = pd.RangeIndex(len(out))
    return out


def timeseries(labeled: Labeled, by: Dim, measure: Measure, yearly: bool,
               lang: str | None = None) -> pd.DataFrame:
    """Sum of ``measure`` per time step and ``by`` value.

    With ``lang``, yearly steps get a ``year_label`` that names a part-year's months
    ('2008年7–12月'), so its short bar is not read as a fall.
    """
    out = memo(labeled, ("timeseries", by, measure, yearly),
               lambda: _timeseries(labeled, by, measure, yearly))
    if not yearly or lang is None:
        return out
    return memo(labeled, ("timeseries", by, measure, yearly, lang),
                lambda: with_year_labels(out, labeled, lang))


def with_year_labels(frame: pd.DataFrame, labeled: Labeled, lang: str) -> pd.DataFrame:
    """``frame`` (with a ``year`` column) plus ``year_label``: the months each year has."""
    from zones.growth import span_label, year_months

    months = memo(labeled, ("year_months",), lambda: year_months(
        labeled_at(labeled, ("period",))))
    out = frame.copy()
    out.insert(int(list(out.columns).index("year")) + 1, "year_label",
               [span_label(y, months.get(str(y), ()), lang) for y in out["year"]])
    return out


def _timeseries(labeled: pd.DataFrame, by: Dim, measure: Measure, yearly: bool
                ) -> pd.DataFrame:
    step = "year" if yearly else "period"
    labeled = labeled_at(labeled, (step, by, "source_label"))
    if labeled.empty:
        return pd.DataFrame(columns=[step, by, measure, "source_label"])
    out = plain(labeled.groupby([step, by, "source_label"], as_index=False, observed=True)[
        measure].sum(min_count=1)).sort_values([step, by])
    out[measure] = out[measure].astype(float).round(1)
    return out.reset_index(drop=True)


def ranking(labeled: Labeled, by: Dim, measure: Measure) -> pd.DataFrame:
    """Totals per ``by`` value, largest first, with share and rank."""
    return memo(labeled, ("ranking", by, measure), lambda: _ranking(
        labeled_at(labeled, (by, "source_label")), by, measure))


def _ranking(labeled: pd.DataFrame, by: Dim, measure: Measure) -> pd.DataFrame:
    if labeled.empty:
        return pd.DataFrame(columns=["rank", by, measure, "share", "source_label"])
    out = (plain(labeled.groupby([by, "source_label"], as_index=False, observed=True)[
        measure].sum(min_count=1)).sort_values(measure, ascending=False).reset_index(drop=True))
    total = float(out[measure].sum())
    out["share"] = (out[measure] / total).round(4) if total else 0.0
    out[measure] = out[measure].astype(float).round(1)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out


def yoy(labeled: Labeled, measure: Measure, lang: str) -> pd.DataFrame:
    """Yearly total and growth over the same months of the year before (zones/growth.py).

    Computed from monthly totals of the filtered data, never by shifting rows of
    different sources; each row says which months were compared, or why there is no
    growth, and which sources went into it.
    """
    return memo(labeled, ("yoy", measure, lang), lambda: _yoy(
        labeled_at(labeled, ("period", "source")), measure, lang))


def _yoy(labeled: pd.DataFrame, measure: Measure, lang: str) -> pd.DataFrame:
    from zones.growth import like_for_like, monthly_totals, span_label

    years = like_for_like(monthly_totals(labeled, measure), measure)
    rows = []
    for g in years:
        basis = (t(f"growth.why.{g.reason}", lang) if g.reason else
                 t("growth.basis", lang, cur=span_label(g.year, g.compared, lang),
                   prev=span_label(g.year - 1, g.compared, lang)))
        rows.append({
            "year": str(g.year), "year_label": span_label(g.year, g.months, lang),
            measure: round(float(g.total), 1),
            "growth": round(g.growth, 4) if g.growth is not None else float("nan"),
            "growth_basis": basis,
            "growth_source_label": (sources_label(pd.Series(g.growth_sources), lang)
                                    if g.growth_sources else ""),
            "source_label": sources_label(pd.Series(g.sources), lang),
        })
    cols = ["year", "year_label", measure, "growth", "growth_basis", "growth_source_label",
            "source_label"]
    return pd.DataFrame(rows, columns=cols).astype({measure: float, "growth": float})


def breakdown(labeled: Labeled, measure: Measure) -> pd.DataFrame:
    """Category → product totals with shares, for the product breakdown chart."""
    return memo(labeled, ("breakdown", measure), lambda: _breakdown(
        labeled_at(labeled, ("category", "product", "source_label")), measure))


def _breakdown(labeled: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    if labeled.empty:
        return pd.DataFrame(columns=["category", "product", measure, "share", "source_label"])
    out = (plain(labeled.groupby(["category", "product", "source_label"], as_index=False,
                                 observed=True)[measure].sum(min_count=1))
           .sort_values(measure, ascending=False).reset_index(drop=True))
    total = float(out[measure].sum())
    out["share"] = (out[measure] / total).round(4) if total else 0.0
    out[measure] = out[measure].astype(float).round(1)
    return out


def matrix(labeled: Labeled, measure: Measure) -> pd.DataFrame:
    """Product × destination totals with shares, for the destination × product grid."""
    return memo(labeled, ("matrix", measure), lambda: _matrix(labeled, measure))


def _matrix(labeled: Labeled, measure: Measure) -> pd.DataFrame:
    labeled = labeled_at(labeled, ("product", "destination", "source_label"))
    if labeled.empty:
        return pd.DataFrame(columns=["product", "destination", measure, "share",
                                     "source_label"])
    out = (plain(labeled.groupby(["product", "destination", "source_label"], as_index=False,
                                 observed=True)[measure].sum(min_count=1))
           .sort_values(["product", "destination"]).reset_index(drop=True))
    total = float(out[measure].sum())
    out["share"] = (out[measure] / total).round(4) if total else 0.0
    out[measure] = out[measure].astype(float).round(1)
    return out


def zone_totals(ds: Dataset, zones: pd.DataFrame, volumes: VolumeRows, lang: str,
                volumes_shown: bool = True) -> pd.DataFrame:
    """One row per zone with display fields and its exported tonnes under the filter.

    With ``volumes_shown=False`` ("report facts only") tonnes are unknown, not zero: the
    report gives no volume, and a 0 would read as "exported nothing".
    """
    nc = name_col(lang)
    tonnes = memo(volumes, ("zone_tonnes",), lambda: _zone_tonnes(grouped(volumes, ("zone_id",))))
    pnames = dict(zip(ds.products["product_id"], ds.products[nc], strict=True))
    pcat = dict(zip(ds.products["product_id"], ds.products["category"], strict=True))
    out = pd.DataFrame({
        "zone_id": zones["zone_id"],
        "name": zones[nc],
        "short": zones["short_zh" if lang == "zh" else "short_en"],  # map labels (#9)
        "source_label": zones["source"].map(lambda s: t(f"source.{s}", lang)),
        "tonnes": (zones["zone_id"].map(tonnes).fillna(0.0).astype(float).round(1)
                   if volumes_shown else float("nan")),
        "lon": zones["lon"].astype(float),
        "lat": zones["lat"].astype(float),
        "products": zones["product_list"].map(
            lambda ps: ("、" if lang == "zh" else ", ").join(pnames[p] for p in ps)),
        "category": zones["product_list"].map(lambda ps: pcat[ps[0]]),
        "category_label": zones["product_list"].map(lambda ps: t(f"cat.{pcat[ps[0]]}", lang)),
        "level": zones["level"].map(lambda v: t(f"level.{v}", lang)),
        "county": zones["county_zh" if lang == "zh" else "county_en"],
        "prefecture": zones["prefecture_zh" if lang == "zh" else "prefecture_en"],
        "source": zones["source"],
        "fact_id": zones["fact_id"].fillna(""),
        # the tooltip's source in words (#22): the report's section and wording, no code
        "cited": [citation(ds, str(f), lang) if isinstance(f, str) and f else ""
                  for f in zones["fact_id"]],
        "tonnes_source": sources_label(_sources(volumes), lang),
    })
    return out.reset_index(drop=True)


def destination_totals(ds: Dataset, volumes: VolumeRows, lang: str) -> pd.DataFrame:
    """Per destination: tonnes, value and consignments under the filter, ranked."""
    nc = name_col(lang)
    agg = memo(volumes, ("dest_totals",), lambda: plain(grouped(volumes, ("destination_iso3",))
        .groupby("destination_iso3", as_index=False, observed=True)[list(MEASURES)]
        .sum(min_count=1)))
    out = ds.destinations[["iso3", nc]].rename(columns={nc: "destination"}).merge(
        agg, left_on="iso3", right_on="destination_iso3", how="inner")
    out = out.drop(columns="destination_iso3").sort_values("tonnes", ascending=False)
    out.insert(0, "rank", range(1, len(out) + 1))
    out["tonnes"] = out["tonnes"].astype(float).round(1)
    out["source_label"] = sources_label(_sources(volumes), lang)
    return out.reset_index(drop=True)


def first_export_cards(ds: Dataset, first: pd.DataFrame, lang: str) -> pd.DataFrame:
    nc = name_col(lang)
    out = (first.merge(ds.products[["product_id", nc, "category"]], on="product_id")
           .rename(columns={nc: "product"})
           .merge(ds.destinations[["iso3", nc]], left_on="destination_iso3", right_on="iso3")
           .rename(columns={nc: "destination"}))
    return out[["product_id", "product", "category", "destination_iso3", "destination",
                "year", "year_inferred", "fact_id"]].reset_index(drop=True)


def citation(ds: Dataset, fact_id: str, lang: str) -> str:
    """The hover text of a figure: fact id, report section and the fact's wording."""
    r = _facts_by_id(ds.facts).get(fact_id)
    if r is None:
        return fact_id
    sec, text = (r["section_zh"], r["text_zh"]) if lang == "zh" else (r["section_en"],
                                                                       r["text_en"])
    return t("overview.cite", lang, fact_id=fact_id, section=sec, text=text)


_FACT_INDEX: dict[int, tuple[pd.DataFrame, dict[str, dict]]] = {}


def _facts_by_id(facts: pd.DataFrame) -> dict[str, dict]:
    """fact_id → row, built once per facts table (the overview cites ~30 facts per rerun)."""
    hit = _FACT_INDEX.get(id(facts))
    if hit is None or hit[0] is not facts:
        rows = facts.drop_duplicates("fact_id").to_dict("records")
        hit = (facts, {str(r["fact_id"]): r for r in rows})
        if len(_FACT_INDEX) > 8:
            _FACT_INDEX.clear()
        _FACT_INDEX[id(facts)] = hit
    return hit[1]


def routes(ds: Dataset, zones: pd.DataFrame, volumes: VolumeRows, first: pd.DataFrame,
           lang: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Lines for the world map: zone→destination volumes, destination totals, first routes.

    Volumes without a zone start from Jilin as a whole; so do the five first-time
    exports, whose zone the report does not name.
    """
    nc = name_col(lang)
    pts = ds.geo.world_points
    jl_lon, jl_lat = ds.geo.jilin_point
    dest_names = dict(zip(ds.destinations["iso3"], ds.destinations[nc], strict=True))
    zone_names = dict(zip(ds.zones["zone_id"], ds.zones[nc], strict=True))  # full names
    zone_xy = {z: (float(x), float(y)) for z, x, y in
               zip(ds.zones["zone_id"], ds.zones["lon"], ds.zones["lat"], strict=True)}
    illus = sources_label(grouped(volumes, ("source",))["source"], lang)
    arcs = memo(volumes, ("arcs",), lambda: _arc_tonnes(
        grouped(volumes, ("zone_id", "destination_iso3"))))
    arcs = arcs[arcs["destination_iso3"].isin(pts)]
    arcs = pd.DataFrame({
        "origin": [zone_names.get(z, t("unknown_zone", lang)) for z in arcs["zone_id"]],
        "lon": [zone_xy.get(z, (jl_lon, jl_lat))[0] for z in arcs["zone_id"]],
        "lat": [zone_xy.get(z, (jl_lon, jl_lat))[1] for z in arcs["zone_id"]],
        "destination": [dest_names[i] for i in arcs["destination_iso3"]],
        "dest_lon": [pts[i][0] for i in arcs["destination_iso3"]],
        "dest_lat": [pts[i][1] for i in arcs["destination_iso3"]],
        "tonnes": arcs["tonnes"].astype(float).round(1).tolist(),
        "source_label": illus,
    })
    dests = destination_totals(ds, volumes, lang)
    dests = dests[dests["iso3"].isin(pts)].assign(
        dest_lon=lambda d: [pts[i][0] for i in d["iso3"]],
        dest_lat=lambda d: [pts[i][1] for i in d["iso3"]],
    )
    cards = first_export_cards(ds, first, lang)
    cards = cards[cards["destination_iso3"].isin(pts)]
    firsts = pd.DataFrame({
        "iso3": cards["destination_iso3"].tolist(),
        "label": [t("dest.first_label", lang, product=p, year=y)
                  for p, y in zip(cards["product"], cards["year"], strict=True)],
        "citation": [citation(ds, f, lang) for f in cards["fact_id"]],
        "lon": jl_lon, "lat": jl_lat,
        "dest_lon": [pts[i][0] for i in cards["destination_iso3"]],
        "dest_lat": [pts[i][1] for i in cards["destination_iso3"]],
    })
    firsts["label_dy"] = _label_offsets(firsts)
    return arcs.reset_index(drop=True), dests.reset_index(drop=True), firsts


def _zone_tonnes(volumes: pd.DataFrame) -> pd.Series:
    tonnes = volumes.groupby("zone_id", observed=True)["tonnes"].sum()
    tonnes.index = tonnes.index.astype(str)
    return tonnes


def _arc_tonnes(volumes: pd.DataFrame) -> pd.DataFrame:
    arcs = plain(volumes.groupby(["zone_id", "destination_iso3"], as_index=False, dropna=False,
                                 observed=True)["tonnes"].sum())
    arcs["zone_id"] = arcs["zone_id"].fillna("")  # no zone: drawn from Jilin as a whole
    return arcs


def _label_offsets(points: pd.DataFrame, near_deg: float = 15.0) -> list[int]:
    """Vertical pixel offsets that keep labels of nearby destinations apart (KOR/JPN)."""
    offsets: list[int] = []
    placed: list[tuple[float, float, int]] = []
    for lon, lat in zip(points["dest_lon"], points["dest_lat"], strict=True):
        crowd = [o for x, y, o in placed if abs(x - lon) < near_deg and abs(y - lat) < near_deg]
        dy = -14 if not crowd else (max(crowd) + 28 if max(crowd) >= -14 else 14)
        offsets.append(dy)
        placed.append((lon, lat, dy))
    return offsets


def any_illustrative(frame: VolumeRows) -> bool:
    frame = grouped(frame, ("source",))
    return bool((frame["source"] == "illustrative").any()) if "source" in frame else False


def dataset_has_illustrative(ds: Dataset) -> bool:
    """Any illustrative row in any file (the Data page shows and offers them all)."""
    return any(any_illustrative(f) for f in downloadable_files(ds).values())


def figures_by_platform(figures: pd.DataFrame) -> list[tuple[int, pd.DataFrame]]:
    """The report's figures grouped by its four platforms, in the report's order."""
    return [(int(p), g) for p, g in figures.groupby("platform", sort=True)]


Kpi = tuple[str, str, str]  # label, formatted value, hover text (citation)


def figure_kpis(ds: Dataset, figures: pd.DataFrame, lang: str) -> list[Kpi]:
    """KPI tiles for report figures: label, number with unit, citation."""
    return [(str(f["label_zh" if lang == "zh" else "label_en"]),
             fmt_quantity(f["value"], str(f["unit"]), lang, str(f["qualifier"])),
             figure_help(ds, f, lang)) for f in figures.to_dict("records")]


def headline_kpis(ds: Dataset, figures: pd.DataFrame, lang: str) -> list[Kpi]:
    """The headline row: figures flagged ``headline`` and the report's national zones (Z2)."""
    tiles = figure_kpis(ds, figures[figures["headline"] == "true"], lang)
    national = ds.zones[(ds.zones["level"] == "national_first_batch")
                        & (ds.zones["source"] == "report")]
    short = "short_zh" if lang == "zh" else "short_en"
    tiles += [(t("level.national_first_batch", lang), str(r[short]),
               citation(ds, str(r["fact_id"]), lang)) for _, r in national.iterrows()]
    return tiles


def kpis_per_row(lang: str, present: bool) -> int:
    """KPIs per row: English units are longer, projector type is larger."""
    return {("zh", False): 4, ("en", False): 3, ("zh", True): 3, ("en", True): 2}[(lang, present)]


def figure_help(ds: Dataset, fig: dict, lang: str) -> str:
    """Citation (and, for derived figures, the formula and period) for a KPI tooltip."""
    parts = [citation(ds, str(fig["fact_id"]), lang)]
    parts.append(str(fig["period_note_zh"] if lang == "zh" else fig["period_note_en"]))
    if pd.notna(fig.get("derived_from")) and fig.get("derived_from"):
        parts.append(t("overview.derived", lang, formula=fig["derived_from"]))
    return "  \n".join(parts)


def product_palette(ds: Dataset) -> dict[str, str]:
    return product_colors(ds.products)


@dataclass(frozen=True)
class Profile:
    """Everything the zone profile shows, already in the chosen language."""

    zone_id: str
    name: str
    level: str
    national: bool
    illustrative: bool
    source_label: str
    citation: str
    products: str
    county: str
    prefecture: str
    launched: str
    note: str
    trend: pd.DataFrame
    destinations: pd.DataFrame
    imported: bool = False


def zone_profile(ds: Dataset, zone_id: str, volumes: VolumeRows, lang: str) -> Profile:
    z = ds.zones[ds.zones["zone_id"] == zone_id].iloc[0]
    nc = name_col(lang)
    pnames = dict(zip(ds.products["product_id"], ds.products[nc], strict=True))
    rows = (volumes.for_zone(zone_id) if isinstance(volumes, Volumes)
            else volumes[volumes["zone_id"] == zone_id])
    own = label_volumes(ds, rows, lang)
    dests = (ranking(own, "destination", "tonnes") if not own.empty
             else labeled_at(own, ("destination", "source_label")))
    # Every zone of the first batch launched "this year" (Z1); the year itself is inferred.
    # Dehui (Z2) has no launch date in the report: it stays "not stated", never 2010.
    launched = (t("zones.launched_inferred", lang, launched=str(z["launched"]))
                if pd.notna(z["launched"]) and str(z["launched"]) else
                t("zones.launched_unknown", lang))
    return Profile(
        zone_id=zone_id,
        name=str(z[nc]),
        level=t(f"level.{z['level']}", lang),
        national=z["level"] == "national_first_batch",
        illustrative=z["source"] == "illustrative",
        source_label=t(f"source.{z['source']}", lang),
        citation=(citation(ds, str(z["fact_id"]), lang) if pd.notna(z["fact_id"])
                  else import_note(z.get("import_id"), lang)),
        products=("、" if lang == "zh" else ", ").join(pnames[p] for p in z["product_list"]),
        county=str(z["county_zh" if lang == "zh" else "county_en"]),
        prefecture=str(z["prefecture_zh" if lang == "zh" else "prefecture_en"]),
        launched=launched,
        note=str(z["note_zh" if lang == "zh" else "note_en"]),
        trend=timeseries(own, "destination", "tonnes", yearly=True, lang=lang),
        destinations=dests,
        imported=z["source"] == "imported",
    )


def import_note(import_id: object, lang: str) -> str:
    """'imported 2026-11-26 08:30 UTC (imp-…)': when, read from the import's id."""
    text = "" if import_id is None or pd.isna(import_id) else str(import_id)
    if not text.startswith("imp-") or len(text) < 20:
        return text
    d = text[4:19]
    when = f"{d[0:4]}-{d[4:6]}-{d[6:8]} {d[9:11]}:{d[11:13]} UTC"
    return t("source.imported_on", lang, when=when, id=text)


def why_no_zone(view: Slices) -> str:
    """The catalogue key that explains an empty zone list honestly."""
    if not view.first_exports.empty and view.state.destinations:
        return "first.zone_unknown"  # a first export matches; the report names no zone
    if view.state.destinations and view.state.report_only:
        return "empty.facts_only_destination"
    return "empty.hint"


def growth_caption(growth: pd.DataFrame, lang: str) -> str:
    """The note under the growth chart: the rule, then each year without growth and why.

    The first year of a period always lacks a year before; it is named too, so that a
    missing label above a bar is never read as "no change".
    """
    lines = [t("growth.note", lang)]
    if "growth_basis" in growth.columns:
        lines += [t("growth.none_line", lang, year=r["year_label"], why=r["growth_basis"])
                  for r in growth.to_dict("records") if pd.isna(r["growth"])]
    return "  \n".join(lines)


def missing_months_note(labeled: Labeled, lang: str) -> str:
    """'' or the months without data inside the filtered span, named rather than drawn.

    A monthly axis only has the months with data, so a gap would silently close up;
    the note says which months are missing (not zero: the data says nothing there).
    """
    from zones.growth import missing_months

    periods = memo(labeled, ("periods",), lambda: sorted(
        map(str, pd.unique(labeled_at(labeled, ("period",))["period"].dropna()))))
    gaps = missing_months(periods)
    if not gaps:
        return ""
    shown = gaps if len(gaps) <= 12 else [*gaps[:12], "…"]
    return t("vol.missing_months", lang, months=("、" if lang == "zh" else ", ").join(shown))


@dataclass(frozen=True)
class Headline:
    """The filter's own headline: what a leader reads first when a filter is set (#22)."""

    year_label: str            # the latest full year ('2010'), or the latest part-year named
    value_usd: float
    value_growth: float | None
    tonnes: float
    tonnes_growth: float | None
    basis: str                 # which months were compared, or why there is no growth
    zones: int
    destinations: int
    source_label: str


def filter_headline(ds: Dataset, view: Slices, lang: str) -> Headline | None:
    """Value and tonnes of the latest full year with like-for-like growth, zones, destinations.

    None when the filter leaves no volume (e.g. report facts only). A part-year is used
    only when the filter has no full year, and its label names its months.
    """
    labeled = label_volumes(ds, view.volumes, lang)
    if labeled.empty:
        return None
    value, tonnes = yoy(labeled, "value_usd", lang), yoy(labeled, "tonnes", lang)
    full = value[value["year_label"] == value["year"]]
    row = (full if not full.empty else value).index[-1]
    v, w = value.loc[row], tonnes.loc[row]
    dests = grouped(view.volumes, ("destination_iso3", "tonnes"))
    n_dest = dests.loc[dests["tonnes"].fillna(0) > 0, "destination_iso3"].nunique()

    def growth(x: float) -> float | None:
        return None if pd.isna(x) else float(x)

    return Headline(year_label=str(v["year_label"]), value_usd=float(v["value_usd"]),
                    value_growth=growth(v["growth"]), tonnes=float(w["tonnes"]),
                    tonnes_growth=growth(w["growth"]), basis=str(v["growth_basis"]),
                    zones=len(view.zones), destinations=int(n_dest),
                    source_label=str(v["source_label"]))
