"""Overview (总览): the briefing page — report figures, first exports, map, headline trend."""

import streamlit as st

from zones import charts, maps, metrics
from zones.i18n import fmt_quantity, t
from zones.ui import context, empty_state, header, illustrative_banner

ctx = context()
if ctx is None:
    st.stop()
ds, lang, view = ctx.ds, ctx.lang, ctx.view
header(ctx, "page.overview")
illustrative_banner(ctx, view.shows_illustrative)

st.subheader(t("overview.headline", lang))
heads = metrics.headline_figures(view.figures)
national = metrics.national_zones(ds, lang)
cols = st.columns(len(heads) + len(national))
for col, fig in zip(cols, heads.itertuples(), strict=False):
    col.metric(fig.label_zh if lang == "zh" else fig.label_en,
               fmt_quantity(fig.value, fig.unit, lang, fig.qualifier),
               help=metrics.figure_help(ds, fig._asdict(), lang), border=True)
for col, (name, cite) in zip(cols[len(heads):], national, strict=True):
    col.metric(t("level.national_first_batch", lang), name, help=cite, border=True)

st.subheader(t("overview.kpis", lang))
st.caption(t("banner.year", lang))
for platform, figs in metrics.figures_by_platform(view.figures):
    st.markdown(f"**{t(f'overview.platform.{platform}', lang)}**")
    per_row = metrics.kpis_per_row(lang, ctx.present)
    for i, fig in enumerate(figs.itertuples()):
        if i % per_row == 0:
            cols = st.columns(per_row)
        with cols[i % per_row]:
            st.metric(
                fig.label_zh if lang == "zh" else fig.label_en,
                fmt_quantity(fig.value, fig.unit, lang, fig.qualifier),
                help=metrics.figure_help(ds, fig._asdict(), lang),
                border=True,
            )

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
    st.altair_chart(maps.jilin_map(ds.geo, zt, sorted(view.zones["county_adcode"]), lang,
                                   height=460), width="stretch")
with right:
    st.subheader(t("overview.volume", lang))
    labeled = metrics.label_volumes(ds, view.volumes, lang)
    if labeled.empty:
        empty_state(lang, "empty.facts_only_volumes" if ctx.state.report_only
                    else "empty.hint")
    else:
        data = metrics.timeseries(labeled, "product", "tonnes", yearly=True)
        scale = charts.color_scale("product", labeled, metrics.product_palette(ds))
        st.altair_chart(charts.timeseries_chart(data, "product", "tonnes", True, lang, scale,
                                                ctx.present), width="stretch")
