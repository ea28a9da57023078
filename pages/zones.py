"""Zones (示范区): Jilin map of the zones, a table, and the profile of the chosen zone."""

import streamlit as st

from zones import metrics, tables
from zones.charts import maps
from zones.charts import plots as charts
from zones.i18n import t
from zones.safe import plain
from zones.ui import (
    context,
    empty_state,
    header,
    illustrative_banner,
    present_height,
    screen_only,
    select_profile_from_event,
    table_with_download,
    zone_labels,
)
from zones.view import KEY_PROFILE

ctx = context()
if ctx is None:
    st.stop()
ds, lang, view = ctx.ds, ctx.lang, ctx.slices
header(ctx, "page.zones")
illustrative_banner(ctx, view.shows_illustrative)

zt = metrics.zone_totals(ds, view.zones, view.volumes, lang,
                        volumes_shown=not ctx.state.report_only)
map_col, side_col = st.columns([3, 1])
with map_col:
    st.subheader(t("zones.map", lang))
    screen_only("zones-map-help").caption(t("zones.map.help", lang))  # not on paper
    st.caption(t("zones.assumption", lang))
    if zt.empty:
        empty_state(lang, metrics.why_no_zone(view))
    st.vega_lite_chart(
        maps.jilin_map_spec(ds.geo, zt, sorted(view.zones["county_adcode"]), lang,
                            height=present_height(ctx, 540), geometry=ctx.geometry,
                            frame=maps.jilin_frame(ds.geo, zt, ctx.state.prefectures,
                                                   ctx.state.zones, present_height(ctx, 540))),
        width="stretch", key="zones_map", on_select=select_profile_from_event("zones_map"),
        selection_mode=maps.ZONE_SELECTION,
    )
with side_col:
    st.vega_lite_chart(maps.china_inset_spec(ds.geo, lang, geometry=ctx.geometry),
                       width="content")
    st.metric(t("zones.shown", lang), len(zt))

st.subheader(t("zones.table", lang))
hidden = ("lon", "lat", "category") + (("tonnes",) if ctx.state.report_only else ())
table_with_download(tables.display_table(zt, lang, drop=hidden,
                                          illustrative_measures=metrics.any_illustrative(
                                              view.volumes)),
                    tables.download_name("dl.zones", lang), lang, "zones_table",
                    on_select=select_profile_from_event("zones_table", zt["zone_id"].tolist()))

# With no zone chosen the section is a picker and an instruction: left off the printout.
heading = st.empty()
picker = screen_only("zones-profile-picker")
names = zone_labels(ds)
chosen = picker.selectbox(t("zones.profile", lang), list(names), format_func=names.__getitem__,
                          key=KEY_PROFILE, index=None, bind="query-params",
                          placeholder=t("zones.profile.none", lang),
                          label_visibility="collapsed")
if chosen is None:
    screen_only("zones-profile", heading).subheader(t("zones.profile", lang))
    picker.info(t("zones.profile.none", lang), icon=":material/touch_app:")
else:
    heading.subheader(t("zones.profile", lang))
    profile = metrics.zone_profile(ds, chosen, view.volumes, lang)
    with st.container(border=True):
        st.markdown(f"### {plain(profile.name)}")  # names come from a data file: text
        if profile.national:
            st.success(plain(profile.level), icon=":material/workspace_premium:")
        else:
            st.write(f"**{t('zones.level', lang)}**: {plain(profile.level)}")
        if profile.illustrative:
            st.warning(plain(profile.source_label), icon=":material/science:")
        elif profile.imported:
            st.info(plain(f"{profile.source_label} · {profile.citation}", limit=2000),
                    icon=":material/upload_file:")
        else:
            st.success(plain(f"{profile.source_label} · {profile.citation}", limit=2000),
                       icon=":material/verified:")
        a, b, c = st.columns(3)
        a.write(f"**{t('zones.products', lang)}**  \n{plain(profile.products)}")
        b.write(f"**{t('zones.county', lang)}**  \n"
                f"{plain(profile.county)} · {plain(profile.prefecture)}")
        c.write(f"**{t('zones.launched', lang)}**  \n{plain(profile.launched)}")
        st.write(f"**{t('zones.note', lang)}**: {plain(profile.note, limit=2000)}")
        if profile.trend.empty:
            empty_state(lang, "empty.facts_only_volumes" if ctx.state.report_only
                        else "empty.hint")
        else:
            left, right = st.columns(2)
            scale = charts.color_scale("destination", profile.trend, {})
            with left:
                st.markdown(f"**{metrics.volume_heading('zones.trend', view.volumes, lang)}**")
                st.vega_lite_chart(charts.timeseries_spec(
                    profile.trend, "destination", "tonnes", True, lang, scale, ctx.present),
                    width="stretch")
            with right:
                st.markdown(
                    f"**{metrics.volume_heading('zones.destinations', view.volumes, lang)}**")
                table_with_download(tables.display_table(profile.destinations, lang),
                                    tables.download_name("dl.zone_destinations", lang, zone=chosen),
                                    lang, "profile")
