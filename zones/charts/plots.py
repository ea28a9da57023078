"""Altair chart builders for the volume pages. Pure: frames in, chart specs out.

Every chart built from illustrative data says so in its subtitle and tooltip, and keeps
the source in its data so that an exported image or table carries it too.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from zones import units
from zones.charts import describe
from zones.charts.specs import fill, template, token_scale
from zones.consignments import given
from zones.dataset.columnar import memo, plain
from zones.i18n import t
from zones.model import CATEGORIES, CATEGORY_COLORS

FONT_SIZES = {"normal": (12, 16), "present": (18, 24)}


def _title(text: str, lang: str, data: pd.DataFrame) -> alt.TitleParams:
    """The subtitle names the source(s) of what is drawn; red when any is illustrative."""
    labels = (sorted(set(data["source_label"].dropna())) if "source_label" in data
              else [t("source.illustrative", lang)])
    illus = t("source.illustrative", lang)
    color = "#B00020" if illus in labels or not labels else "#1B5E20"
    return alt.TitleParams(text=text, subtitle=" + ".join(labels) or illus,
                           subtitleColor=color, anchor="start")


def color_scale(by: str, labeled: pd.DataFrame, product_colors: dict[str, str]) -> alt.Scale:
    """Products keep their category colour family; other dimensions use a CVD-safe scheme."""
    if by == "product" and "product_id" in labeled.columns:
        pairs = memo(labeled, ("product_pairs",), lambda: plain(
            labeled[["product", "product_id"]].drop_duplicates()).sort_values("product"))
        return alt.Scale(domain=pairs["product"].tolist(),
                         range=[product_colors[p] for p in pairs["product_id"]])
    return alt.Scale(scheme="tableau10")


def category_scale(lang: str, shown: set[str] | None = None) -> alt.Scale:
    """The one category palette; ``shown`` limits the legend to categories on screen."""
    cats = [c for c in CATEGORIES if shown is None or c in shown]
    return alt.Scale(domain=[t(f"cat.{c}", lang) for c in cats],
                     range=[CATEGORY_COLORS[c] for c in cats])


def timeseries_chart(data: pd.DataFrame, by: str, measure: str, yearly: bool, lang: str,
                     scale: alt.Scale, present: bool = False) -> alt.Chart:
    data = given(data, measure)  # a count that is not given is not drawn as 0 (#17)
    step = "year" if yearly else "period"
    data, shown = units.shown(data, measure, lang, stack_by=step)
    x = "year_label" if yearly and "year_label" in data else step  # part-years named
    by_title = t(f"vol.by.{by}", lang)
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X(f"{x}:O", title=t("col.year" if yearly else "col.period", lang),
                sort=None if x == "year_label" else alt.Undefined,
                axis=alt.Axis(labelAngle=0 if yearly else -60,
                              labelExpr=alt.Undefined if yearly else
                              "slice(datum.value, 5) == '01' ? datum.value : ''")),
        y=alt.Y(f"sum({shown.field}):Q", title=shown.title, axis=y_axis()),
        color=alt.Color(f"{by}:N", title=by_title, scale=scale,
                        legend=alt.Legend(orient="right", labelLimit=220)),
        tooltip=[
            alt.Tooltip(f"{x}:O", title=t("col.period", lang)),
            alt.Tooltip(f"{by}:N", title=by_title),
            alt.Tooltip(f"{shown.field}:Q", title=shown.title, format=shown.fmt),
            alt.Tooltip("source_label:N", title=t("col.source", lang)),
        ],
    ).properties(title=_title(units.chart_title("vol.timeseries", measure, lang), lang, data),
                 height=380)
    return _sized(chart, present)


STEP = {"normal": 30, "present": 42}  # px per bar: readable for 1, 2 or 30 bars (#22)


def bar_step(present: bool) -> alt.Step:
    """A band's height, not the chart's: under ``width="stretch"`` Streamlit fits the whole
    chart (titles, axes) into a fixed height, which left two bars 3 px thick (#22)."""
    return alt.Step(STEP["present" if present else "normal"])


def with_bar_labels(data: pd.DataFrame, shown: units.Shown) -> pd.DataFrame:
    """``data`` plus ``bar_label`` ('944.0 · 63.7%': the bar's figure in the axis unit and
    its share) and ``pad`` (room for the label right of the longest bar)."""
    if data.empty or shown.field not in data:
        return data.assign(bar_label=pd.Series(dtype="string"), pad=pd.Series(dtype=float))
    values = pd.to_numeric(data[shown.field], errors="coerce")
    shares = data["share"] if "share" in data else pd.Series(float("nan"), index=data.index)
    labels = [("" if pd.isna(v) else format(float(v), shown.fmt))
              + ("" if pd.isna(p) else f" · {float(p):.1%}")
              for v, p in zip(values, shares, strict=True)]
    top = float(values.max()) if values.notna().any() else 0.0
    return data.assign(bar_label=labels, pad=top * 1.28)


def _labelled_bars(bars: alt.Chart, y: alt.Y, x_field: str, present: bool) -> alt.LayerChart:
    """Bars with their figure and share at the end, and room on the right for them."""
    label, _ = FONT_SIZES["present" if present else "normal"]
    text = bars.mark_text(align="left", baseline="middle", dx=4, fontSize=label,
                          color="#1F2328").encode(
        y=y, x=alt.X(f"{x_field}:Q"), text="bar_label:N", color=alt.value("#1F2328"))
    room = bars.mark_point(opacity=0).encode(y=y, x=alt.X("pad:Q"))
    return alt.layer(bars, text, room)


def ranking_chart(data: pd.DataFrame, by: str, measure: str, lang: str, scale: alt.Scale,
                  present: bool = False) -> alt.LayerChart:
    """Totals per category, largest first, each bar labelled with its figure and share."""
    data = given(data, measure)  # a count that is not given is not drawn as 0 (#17)
    data, shown = units.shown(data, measure, lang)
    data = data if "bar_label" in data else with_bar_labels(data, shown)
    by_title = t(f"vol.by.{by}", lang)
    y = alt.Y(f"{by}:N", sort="-x", title=by_title,
              axis=y_axis(category=True, labelOverlap=False, labelLimit=240))
    bars = alt.Chart(data).mark_bar().encode(
        y=y,
        x=alt.X(f"{shown.field}:Q", title=shown.title),
        color=alt.Color(f"{by}:N", scale=scale, legend=None),
        tooltip=[
            alt.Tooltip("rank:Q", title=t("col.rank", lang)),
            alt.Tooltip(f"{by}:N", title=by_title),
            alt.Tooltip(f"{shown.field}:Q", title=shown.title, format=shown.fmt),
            alt.Tooltip("share:Q", title=t("col.share", lang), format=".1%"),
            alt.Tooltip("source_label:N", title=t("col.source", lang)),
        ],
    )
    chart = _labelled_bars(bars, y, shown.field, present).properties(
        title=_title(units.chart_title("vol.ranking", measure, lang), lang, data),
        height=bar_step(present))
    return _sized(chart, present)


def yoy_chart(data: pd.DataFrame, measure: str, lang: str, present: bool = False
              ) -> alt.LayerChart:
    data = given(data, measure)  # a count that is not given is not drawn as 0 (#17)
    """Year totals with their like-for-like growth; a part-year is named by its months
    and the tooltip says which months were compared (or why there is no growth)."""
    data, shown = units.shown(data, measure, lang)
    x = "year_label" if "year_label" in data else "year"
    base = alt.Chart(data).encode(x=alt.X(f"{x}:O", title=t("col.year", lang),
                                          sort=None if x == "year_label" else alt.Undefined,
                                          axis=alt.Axis(labelAngle=0)))
    tips = [alt.Tooltip(f"{x}:O", title=t("col.year", lang)),
            alt.Tooltip(f"{shown.field}:Q", title=shown.title, format=shown.fmt),
            alt.Tooltip("growth:Q", title=t("col.growth", lang), format="+.1%")]
    if "growth_basis" in data:
        tips += [alt.Tooltip("growth_basis:N", title=t("col.growth_basis", lang)),
                 alt.Tooltip("growth_source_label:N", title=t("col.growth_source", lang))]
    bars = base.mark_bar(color="#9AA5B1").encode(
        y=alt.Y(f"{shown.field}:Q", title=shown.title, axis=y_axis()),
        tooltip=[*tips, alt.Tooltip("source_label:N", title=t("col.source", lang))],
    )
    labels = base.mark_text(dy=-8, fontWeight="bold").transform_filter(
        "isValid(datum.growth)").encode(
        y=alt.Y(f"{shown.field}:Q"),
        text=alt.Text("growth:Q", format="+.1%"),
    )
    chart = alt.layer(bars, labels).properties(
        title=_title(units.chart_title("vol.yoy", measure, lang), lang, data), height=300)
    return _sized(chart, present)


def breakdown_chart(data: pd.DataFrame, measure: str, lang: str, present: bool = False
                    ) -> alt.LayerChart:
    """Products by category; the legend lists only the categories drawn (#22)."""
    data = given(data, measure)  # a count that is not given is not drawn as 0 (#17)
    if "category_label" not in data.columns:
        data = _with_category_label(data, lang)
    data, shown = units.shown(data, measure, lang)
    data = data if "bar_label" in data else with_bar_labels(data, shown)
    drawn = set(data["category"]) if "category" in data and len(data) else None
    y = alt.Y("product:N", sort="-x", title=t("col.product", lang),
              axis=y_axis(category=True, labelOverlap=False, labelLimit=240))
    bars = alt.Chart(data).mark_bar().encode(
        y=y,
        x=alt.X(f"{shown.field}:Q", title=shown.title),
        color=alt.Color("category_label:N", title=t("col.category", lang),
                        scale=category_scale(lang, drawn)),
        tooltip=[
            alt.Tooltip("category_label:N", title=t("col.category", lang)),
            alt.Tooltip("product:N", title=t("col.product", lang)),
            alt.Tooltip(f"{shown.field}:Q", title=shown.title, format=shown.fmt),
            alt.Tooltip("share:Q", title=t("col.share", lang), format=".1%"),
            alt.Tooltip("source_label:N", title=t("col.source", lang)),
        ],
    )
    chart = _labelled_bars(bars, y, shown.field, present).properties(
        title=_title(units.chart_title("vol.breakdown", measure, lang), lang, data),
        height=bar_step(present))
    return _sized(chart, present)


def y_axis(category: bool = False, **kwargs: object) -> alt.Axis:
    """A y axis whose title is drawn horizontally, above the axis.

    Vega rotates y titles a quarter turn, which leaves Chinese (CJK) titles lying on
    their side; both languages get the same horizontal title so the layout matches.
    Measures start at the axis line; category titles end there, above their labels.
    """
    return alt.Axis(titleAngle=0, titleAlign="right" if category else "left",
                    titleBaseline="bottom", titleX=-4 if category else 0, titleY=-8,
                    **kwargs)


def matrix_chart(data: pd.DataFrame, measure: str, lang: str, present: bool = False
                 ) -> alt.LayerChart:
    """Destination × product: what goes where, which neither the ranking nor the trend shows.

    Each cell prints its figure (in the legend's unit), dark cells in white; the colour
    legend below shows the scale from 0 with several ticks, not just its maximum (#22).
    """
    cells, shown = matrix_cells(data, measure, lang)
    return _matrix_layers(cells, shown, measure, lang, present)


def matrix_cells(data: pd.DataFrame, measure: str, lang: str
                 ) -> tuple[pd.DataFrame, units.Shown]:
    """The grid's rows as drawn: in the legend's unit, each cell's printed figure, and
    whether it is dark enough for white text (shared by the chart and its template)."""
    data = given(data, measure)  # a count that is not given is not drawn as 0 (#17)
    data, shown = units.shown(data, measure, lang)
    values = pd.to_numeric(data[shown.field], errors="coerce") if len(data) else pd.Series(
        dtype=float)
    top = float(values.max()) if values.notna().any() else 0.0
    return data.assign(cell_label=[("" if pd.isna(v) else format(float(v), shown.fmt))
                                   for v in values],
                       cell_dark=(values > top * 0.55) if top else False), shown


def _matrix_layers(data: pd.DataFrame, shown: units.Shown, measure: str, lang: str,
                   present: bool) -> alt.LayerChart:
    measure_title = shown.title
    x = alt.X("destination:N", title=t("col.destination", lang),
              axis=alt.Axis(orient="top", labelOverlap=False, labelLimit=130,
                            labelAngle=0 if lang == "zh" else -30,
                            labelAlign="center" if lang == "zh" else "left"))
    y = alt.Y("product:N", title=t("col.product", lang),
              axis=y_axis(category=True, labelLimit=240, labelOverlap=False))
    cells = alt.Chart(data).mark_rect(stroke="#FFFFFF", strokeWidth=1).encode(
        x=x, y=y,
        color=alt.Color(f"{shown.field}:Q", title=measure_title,
                        scale=alt.Scale(scheme="blues", zero=True),
                        legend=alt.Legend(orient="bottom", direction="horizontal",
                                          format=shown.legend, gradientLength=260,
                                          tickCount=4, labelOverlap=False, titleLimit=400)),
        tooltip=[
            alt.Tooltip("product:N", title=t("col.product", lang)),
            alt.Tooltip("destination:N", title=t("col.destination", lang)),
            alt.Tooltip(f"{shown.field}:Q", title=measure_title, format=shown.fmt),
            alt.Tooltip("share:Q", title=t("col.share", lang), format=".1%"),
            alt.Tooltip("source_label:N", title=t("col.source", lang)),
        ],
    )
    label, _ = FONT_SIZES["present" if present else "normal"]
    text = alt.Chart(data).mark_text(fontSize=label).encode(
        x=x, y=y, text="cell_label:N",
        color=alt.condition("datum.cell_dark", alt.value("#FFFFFF"), alt.value("#1F2328")))
    chart = alt.layer(cells, text).properties(
        title=_title(units.chart_title("vol.matrix", measure, lang), lang, data),
        height=max(180, (40 if not present else 52) * data["product"].nunique()),
        description=describe.matrix(data, measure, lang))
    return _sized(chart, present)


def _sized(chart: alt.TopLevelMixin, present: bool) -> alt.TopLevelMixin:
    label, title = FONT_SIZES["present" if present else "normal"]
    return chart.configure_axis(labelFontSize=label, titleFontSize=label).configure_legend(
        labelFontSize=label, titleFontSize=label).configure_title(
        fontSize=title, subtitleFontSize=label)


# --- issue 8: specs built once per process, tables attached per rerun (zones.charts.specs) -------
_SCALE = "__scale__"


def _with_category_label(data: pd.DataFrame, lang: str) -> pd.DataFrame:
    return data.assign(category_label=data["category"].map(lambda c: t(f"cat.{c}", lang)))


def _sources(data: pd.DataFrame) -> tuple[str, ...]:
    """The source labels a chart's subtitle names: part of its template's key."""
    if "source_label" not in data:
        return ()
    return tuple(sorted(set(data["source_label"].dropna().astype(str))))


def timeseries_spec(data: pd.DataFrame, by: str, measure: str, yearly: bool, lang: str,
                    scale: alt.Scale, present: bool = False) -> dict:
    """``timeseries_chart`` as a Vega-Lite dict for ``st.vega_lite_chart``."""
    data = given(data, measure)  # a count that is not given is not drawn as 0 (#17)
    data, shown = units.shown(data, measure, lang, stack_by="year" if yearly else "period")
    key = ("timeseries", by, measure, yearly, lang, present, _sources(data), shown.unit,
           "year_label" in data)
    text = template(key, lambda: timeseries_chart(data, by, measure, yearly, lang,
                                                  token_scale(_SCALE), present), {"data": data})
    return describe.speak(fill(text, {"data": data}, {_SCALE: scale}),
                           describe.timeseries(data, by, measure, yearly, lang))


def ranking_spec(data: pd.DataFrame, by: str, measure: str, lang: str, scale: alt.Scale,
                 present: bool = False) -> dict:
    """``ranking_chart`` as a Vega-Lite dict (its height follows the number of rows)."""
    data = given(data, measure)  # a count that is not given is not drawn as 0 (#17)
    data, shown = units.shown(data, measure, lang)
    data = with_bar_labels(data, shown)
    key = ("ranking", by, measure, lang, present, len(data), _sources(data), shown.unit)
    text = template(key, lambda: ranking_chart(data, by, measure, lang, token_scale(_SCALE),
                                               present), {"data": data})
    return describe.speak(fill(text, {"data": data}, {_SCALE: scale}),
                           describe.ranking(data, by, measure, lang))


def yoy_spec(data: pd.DataFrame, measure: str, lang: str, present: bool = False) -> dict:
    """``yoy_chart`` as a Vega-Lite dict."""
    data = given(data, measure)  # a count that is not given is not drawn as 0 (#17)
    data, shown = units.shown(data, measure, lang)
    text = template(("yoy", measure, lang, present, _sources(data), shown.unit,
                     tuple(c for c in ("year_label", "growth_basis") if c in data)),
                    lambda: yoy_chart(data, measure, lang, present), {"data": data})
    return describe.speak(fill(text, {"data": data}),
                           describe.yoy(data, measure, lang))



def matrix_spec(data: pd.DataFrame, measure: str, lang: str, present: bool = False) -> dict:
    """``matrix_chart`` as a Vega-Lite dict: validated once per key, not per rerun."""
    cells, shown = matrix_cells(data, measure, lang)
    key = ("matrix", measure, lang, present, _sources(cells), shown.unit,
           cells["product"].nunique())  # its height follows the products
    text = template(key, lambda: _matrix_layers(cells, shown, measure, lang, present),
                    {"data": cells})
    # The description names this grid's figures (#23): never the template's first one.
    return {**fill(text, {"data": cells}), "description": describe.matrix(cells, measure, lang)}
