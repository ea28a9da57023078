"""Export volumes (出口量): trend, ranking, growth and destination × product, each with data."""

import streamlit as st

from zones import consignments, metrics, tables
from zones.charts import plots as charts
from zones.i18n import t
from zones.ui import (
    context,
    empty_state,
    header,
    illustrative_banner,
    key_points_block,
    page_option,
    table_with_download,
)
from zones.view import KEY_BY, KEY_INTERVAL, KEY_MEASURE

ctx = context()
if ctx is None:
    st.stop()
ds, lang, view = ctx.ds, ctx.lang, ctx.slices
header(ctx, "page.volumes")
illustrative_banner(ctx, view.shows_illustrative)

a, b, c = st.columns([2, 3, 3])  # the two wide option sets are never cut (#16)
step = page_option(a, KEY_INTERVAL, "vol.granularity", lang)
by = page_option(b, KEY_BY, "vol.stack", lang)
measure = page_option(c, KEY_MEASURE, "vol.measure", lang)
key_points_block(ds, ctx.view.replace(
    options={KEY_INTERVAL: step, KEY_BY: by, KEY_MEASURE: measure}))

labeled = metrics.label_volumes(ds, view.volumes, lang)
if labeled.empty:
    empty_state(lang, "empty.facts_only_volumes" if ctx.state.report_only else "empty.hint")
    st.stop()

if measure == "consignments" and (missing := consignments.note(view.volumes, lang)):
    st.caption(missing)  # rows from customs statistics give no count (#17)
yearly = step == "yearly"
scale = charts.color_scale(by, labeled, metrics.product_palette(ds))
series = metrics.timeseries(labeled, by, measure, yearly, lang)
st.vega_lite_chart(charts.timeseries_spec(series, by, measure, yearly, lang, scale,
                                          ctx.present), width="stretch")
if view.shows_illustrative:
    st.caption(t("vol.prelaunch", lang))
with st.expander(t("vol.data", lang)):
    table_with_download(tables.display_table(series, lang, stack_by="year" if yearly
                                             else "period"),
                        tables.download_name("dl.timeseries", lang, by=by, measure=measure),
                        lang, "series", typed=tables.export_table(series, lang))
    if gaps := metrics.missing_months_note(labeled, lang):
        st.caption(gaps)

left, right = st.columns(2)
with left:
    ranked = metrics.ranking(labeled, by, measure)
    st.vega_lite_chart(charts.ranking_spec(ranked, by, measure, lang, scale, ctx.present),
                       width="stretch")
    with st.expander(t("vol.data", lang)):
        table_with_download(tables.display_table(ranked, lang),
                            tables.download_name("dl.ranking", lang, by=by, measure=measure),
                            lang, "ranking", typed=tables.export_table(ranked, lang))
with right:
    growth = metrics.yoy(labeled, measure, lang)
    st.vega_lite_chart(charts.yoy_spec(growth, measure, lang, ctx.present), width="stretch")
    st.caption(metrics.growth_caption(growth, lang))
    with st.expander(t("vol.data", lang)):
        table_with_download(tables.display_table(growth, lang),
                            tables.download_name("dl.growth", lang, measure=measure), lang,
                            "growth", typed=tables.export_table(growth, lang))

grid = metrics.matrix(labeled, measure)
st.altair_chart(charts.matrix_chart(grid, measure, lang, ctx.present), width="stretch")
st.caption(t("vol.matrix.note", lang))
with st.expander(t("vol.data", lang)):
    table_with_download(tables.display_table(grid, lang),
                        tables.download_name("dl.matrix", lang, measure=measure),
                        lang, "matrix", typed=tables.export_table(grid, lang))
