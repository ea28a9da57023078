"""Overview (总览): the briefing page — report figures, first exports, map, headline trend."""

import streamlit as st

from zones import charts, maps, metrics
from zones.i18n import t
from zones.ui import context, empty_state, header, illustrative_banner, metric_rows

ctx = context()
if ctx is None:
    st.stop()
ds, lang, view = ctx.ds, ctx.lang, ctx.view
header(ctx, "page.overview")
illustrative_banner(ctx, view.shows_illustrative)

per_row = metrics.kpis_per_row(lang, ctx.present)
st.subheader(t("overview.headline", lang))
metric_rows(metrics.headline_kpis(ds, view.figures, lang), per_row)

st.subheader(t("overview.kpis", lang))
st.caption(t("banner.year", lang))
for platform, figs in metrics.figures_by_platform(view.figures):
    st.markdown(f"**{t(f'overview.platform.{platform}', lang)}**")
    metric_rows(metrics.figure_kpis(ds, figs, lang), per_row)

st.subheader(t("overview.first_exports", lang))
cards = metrics.first_export_cards(ds, view.first_exports, lang)
if cards.empty:
    empty_state(lang)
else:
    cols = st.columns(len(cards))
    for col, card in zip(cols, cards.itertuples(), strict=True):
        with col, st.container(border=True):
            st.markdown(f"#### {card.product} → {card.destination}")
            st.caption(t("first.card", lang, year=card.year))
            st.caption(metrics.citation(ds, card.fact_id, lang))
            st.caption(t("first.zone_unknown", lang))

left, right = st.columns([3, 2])
with left:
    st.subheader(t("overview.map", lang))
    zt = metrics.zone_totals(ds, view.zones, view.volumes, lang,
                        volumes_shown=not ctx.state.report_only)
    if zt.empty:
        empty_state(lang, metrics.why_no_zone(view))
    st.vega_lite_chart(maps.jilin_map_spec(ds.geo, zt, sorted(view.zones["county_adcode"]),
                                           lang, height=460, geometry=ctx.geometry),
                       width="stretch")
with right:
    st.subheader(t("overview.volume", lang))
    labeled = metrics.label_volumes(ds, view.volumes, lang)
    if labeled.empty:
        empty_state(lang, "empty.facts_only_volumes" if ctx.state.report_only
                    else "empty.hint")
    else:
        data = metrics.timeseries(labeled, "product", "tonnes", yearly=True)
        scale = charts.color_scale("product", labeled, metrics.product_palette(ds))
        st.vega_lite_chart(charts.timeseries_spec(data, "product", "tonnes", True, lang,
                                                  scale, ctx.present), width="stretch")
