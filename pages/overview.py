"""Overview (总览): the briefing page, read top-down.

Headline figures first; then where the zones are (the Jilin map) beside the five first
exports; then the (illustrative) trend; then the report's figures by platform, and last
the figures derived from them, kept apart.
"""

import streamlit as st

from zones import derived, headline, metrics, safe
from zones.charts.overview import MAP_HEIGHT, overview_charts
from zones.dataset.filters import summary
from zones.i18n import t
from zones.ui import (
    arrow,
    context,
    empty_state,
    first_export_list,
    header,
    illustrative_banner,
    key_points_block,
    metric_rows,
    per_view,
    present_height,
)

ctx = context()
if ctx is None:
    st.stop()
ds, lang, view = ctx.ds, ctx.lang, ctx.slices
header(ctx, "page.overview")
illustrative_banner(ctx, view.shows_illustrative)

per_row = metrics.kpis_per_row(lang, ctx.present)
filtered = not ctx.state.is_empty
if filtered and (own := headline.headline_tiles(ds, view, lang)):
    # The filter's own figures first (#22): a leader reads the first tiles as the answer.
    what = safe.plain(summary(ds, ctx.state, lang), limit=500)
    st.subheader(t("headline.title", lang, summary=what))
    metric_rows(own, len(own) if ctx.present or lang == "zh" else per_row)
if filtered:  # the report's tiles do not follow the filter: say so above them
    st.subheader(t("province.title", lang))
headline = per_view(ctx, "headline", lambda: metrics.headline_kpis(ds, view.figures, lang))
metric_rows(headline, len(headline) if ctx.present  # one compact row on a projector (#16)
            else max(per_row, len(headline)) if lang == "zh" else per_row)

built = per_view(ctx, "overview", lambda: overview_charts(
    ds, view, lang, ctx.geometry, ctx.state.report_only, ctx.present,
    map_height=present_height(ctx, MAP_HEIGHT)))
left, right = st.columns([2, 1])
with left:
    st.subheader(t("overview.map", lang))
    if built.zone_totals.empty:
        empty_state(lang, metrics.why_no_zone(view))
    st.vega_lite_chart(arrow(built.zone_map), width="stretch")
    st.caption(t("zones.assumption", lang))  # the map counts Dehui among the 16
with right:
    st.subheader(t("overview.first_exports", lang))
    cards = per_view(ctx, "cards", lambda: metrics.first_export_cards(ds, view.first_exports,
                                                                      lang))
    if cards.empty:
        empty_state(lang)
    else:
        first_export_list(ds, cards, lang)

# Under the map, not above it: the map stays on the first screen of a desk and a projector.
key_points_block(ds, ctx.view)

st.subheader(metrics.volume_heading("overview.volume", view.volumes, lang))
if built.trend is None:
    empty_state(lang, "empty.facts_only_volumes" if ctx.state.report_only else "empty.hint")
else:
    st.vega_lite_chart(arrow(built.trend), width="stretch")

st.subheader(t("overview.kpis", lang))
st.caption(t("banner.year", lang))
if filtered:
    st.caption(t("province.note", lang))
platforms = per_view(ctx, "platforms", lambda: [
    (platform, metrics.figure_kpis(ds, figs, lang))
    for platform, figs in metrics.figures_by_platform(view.figures)])
for platform, kpis in platforms:
    st.markdown(f"**{t(f'overview.platform.{platform}', lang)}**")
    metric_rows(kpis, per_row)

derived_tiles = per_view(ctx, "derived", lambda: derived.derived_kpis(ds, view.figures, lang))
if derived_tiles:
    st.subheader(t("derived.title", lang))
    st.caption(t("derived.note", lang))
    metric_rows(derived_tiles, max(2, per_row // 2))  # ranges are long: wider tiles
